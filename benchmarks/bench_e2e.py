"""End-to-end benchmark: one local Bot API server drives, in the same run, a minimal aiogram echo bot and
gridbot (one process, then two), over real HTTP.

- sustainable throughput: N updates sent at once; updates/s until the last is answered (echo: its
  reply; gridbot: the grid worker's "新工单" notification for it). Each bot first answers a warm-up
  batch, unmeasured, so one-time costs of a fresh process (lazy tables, first connections, caches)
  stay out of a figure meant for a service that runs for days;
- latency at a fixed rate (default 100 updates/s): from sending an update to the worker's notification
  (p50/p99), polled every 2 ms;
- Redis commands per request (INFO total_commands_processed), peak RSS of each gridbot process (VmHWM);
- where the machine's CPU went during each burst, per update: the bot processes, the harness (the Bot
  API server and the watcher; for the echo bot, the bot too, as it runs in the harness), Redis, and the
  cores left idle (/proc).

gridbot runs as `gridbot serve` subprocesses on one embedded Redis, with Telegram's send limits raised
(GRIDBOT_TELEGRAM_MESSAGES_PER_SECOND) since the local server has none; requests are corpus messages the
model classifies confidently, each from its own resident (so the per-resident flood limit stays out),
headed by a street address of one of the demo map's grids in turn, each grid with its own worker. (The
echo bot answers every user in their own chat; sending one worker everything would measure that chat's
one-at-a-time delivery, which Telegram caps at about one message a second anyway. ``--grids 1`` does.)

Run: .venv/bin/python benchmarks/bench_e2e.py [--updates 800] [--warmup 100] [--rate 100] [--seconds 5] [--grids 12]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiogram import Bot, Dispatcher, F, Router  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402
from aiogram.types import Message  # noqa: E402
from redis import Redis  # noqa: E402

from bot.infra import keys  # noqa: E402
from bot.infra.embedded_redis import EmbeddedRedis  # noqa: E402
from tests.botapi.server import BotAPIServer  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_seconds() -> float:
    """Idle CPU time of the whole machine so far (all cores)."""
    return int(Path("/proc/stat").read_text().split("\n", 1)[0].split()[4]) / os.sysconf("SC_CLK_TCK")


class CpuUse:
    """CPU milliseconds per update used by each part of the machine between ``begin`` and ``end``."""

    def __init__(self, bot_pids: list[int], redis_pid: int | None) -> None:
        self.bot_pids, self.redis_pid = bot_pids, redis_pid
        self.per_update: dict[str, float] = {}
        self._before: tuple[float, ...] = ()

    def _now(self) -> tuple[float, ...]:
        return (sum(map(cpu_seconds, self.bot_pids)), time.process_time(),
                cpu_seconds(self.redis_pid) if self.redis_pid else 0.0, idle_seconds(), time.perf_counter())

    def begin(self) -> None:
        self._before = self._now()

    def end(self, updates: int) -> None:
        bots, harness, redis, idle, wall = (b - a for a, b in zip(self._before, self._now(), strict=True))
        ms = lambda seconds: round(seconds * 1000 / updates, 2)  # noqa: E731
        self.per_update = {"bot_ms": ms(bots), "harness_ms": ms(harness), "redis_ms": ms(redis),
                           "idle_cores": round(idle / wall, 2)}


def confident_requests(count: int, models_dir: Path, grids: int) -> list[tuple[str, str]]:
    """(text, grid id) pairs: corpus messages the default model classifies with confidence, each headed
    by a street address of one of the demo map's first ``grids`` grids, in turn."""
    from nlp.artifact import load_model

    from bot.grids.map import GridMap

    classifier, _ = load_model(models_dir)
    demo = GridMap.from_geojson((ROOT / "training_data" / "grids" / "demo.geojson").read_bytes())
    classifier.add_words([(name, None) for name in demo.place_names()])  # as the service does
    addresses = [(grid.grid_id, next(a for a in grid.aliases if a.endswith("号"))) for grid in demo.grids[:grids]]
    out: list[tuple[str, str]] = []
    with open(ROOT / "training_data" / "requests.csv", encoding="utf-8") as src:
        for row in csv.DictReader(src):
            grid_id, address = addresses[len(out) % len(addresses)]
            text = f"{address}：{row['text']}"
            prediction = classifier.classify(text)
            if prediction.confidence >= 0.7 and 20 <= len(text) < 200 and demo.locate_text(text).grid_id == grid_id:
                out.append((text, grid_id))
            if len(out) == count:
                return out
    raise SystemExit("not enough confidently classified corpus messages")


def request_in(message: dict[str, Any]) -> str | None:
    """The request a worker's 新工单 notification is about: its 内容 line."""
    text = message.get("text") or ""
    if "新工单" not in text or "内容：" not in text:
        return None
    return text.split("内容：", 1)[1].split("\n", 1)[0]


async def measure(server: BotAPIServer, users: list[Any], texts: list[str], answer_chat: Any, is_answer: Any,
                  rate: float | None, cpu: CpuUse | None = None) -> dict[str, Any]:
    """Send texts (all at once, or at ``rate``/s) and time each answer (and the CPU used meanwhile)."""
    sent_at: dict[str, float] = {}
    answered: dict[str, float] = {}

    chats = {answer_chat(t) for t in texts}
    expected = set(texts)

    async def watch() -> None:
        # Scans only the bot messages sent since the last look, so watching costs the same however many
        # messages there are (the harness shares the machine with the bots it measures).
        cursor = 0
        while len(answered) < len(texts):
            sent = server.sent
            while cursor < len(sent):
                message, cursor = sent[cursor], cursor + 1
                if message["chat"]["id"] not in chats:
                    continue
                key = is_answer(message)
                if key in expected and key not in answered:
                    answered[key] = time.perf_counter()
            await asyncio.sleep(0.002)

    # The harness keeps every update and message; its own garbage collection (0.2 s pauses by the
    # gridbot runs) would stall the Bot API server and show up as the bots' latency. Not during a run.
    gc.collect()
    gc.disable()
    if cpu is not None:
        cpu.begin()
    watcher = asyncio.create_task(watch())
    started = time.perf_counter()
    for i, (user, text) in enumerate(zip(users, texts)):
        if rate:
            await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
        sent_at[text] = time.perf_counter()
        await server.send_text(user, text)
    try:
        await asyncio.wait_for(watcher, 120)
        if cpu is not None:
            cpu.end(len(texts))
    except TimeoutError:
        missing = [t for t in texts if t not in answered]
        raise SystemExit(f"{len(missing)} of {len(texts)} never answered, e.g. {missing[:3]}") from None
    finally:
        gc.enable()
    latencies = sorted((answered[t] - sent_at[t]) * 1000 for t in texts)
    total = max(answered.values()) - started
    return {
        "updates": len(texts),
        "updates_per_s": round(len(texts) / total, 1),
        "latency_p50_ms": round(latencies[len(latencies) // 2], 1),
        "latency_p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
    }


async def settle(server: BotAPIServer, quiet: float = 1.0, limit: float = 30.0) -> None:
    """Wait until the bot has sent nothing for ``quiet`` seconds: the paced run must not start on top of
    the burst's unfinished work (e.g. residents' receipts still going out)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = len(server.sent)
        await asyncio.sleep(quiet)
        if len(server.sent) == before:
            return


async def echo_bot(server: BotAPIServer, count: int, warmup: int, rate: float, seconds: float) -> dict[str, Any]:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.base_url)))
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        results = {}
        for label, n, r in (("warmup", warmup, None), ("burst", count, None), ("rate", int(rate * seconds), rate)):
            if not n:
                continue
            users = [server.user(f"u{i}") for i in range(n)]
            texts = [f"echo {label} {i}" for i in range(n)]
            cpu = CpuUse([], None)  # the echo bot runs in the harness: its CPU is the harness's
            results[label] = await measure(server, users, texts, lambda t, u=users, x=texts: u[x.index(t)].id,
                                           lambda m: m.get("text") if m.get("text", "").startswith("echo") else None, r,
                                           cpu)
            if label == "burst":
                results["burst_cpu_per_update"] = cpu.per_update
            await settle(server)
        results.pop("warmup", None)
        return results
    finally:
        await dp.stop_polling()
        task.cancel()
        await bot.session.close()


async def gridbot(server: BotAPIServer, processes: int, requests: list[tuple[str, str]], count: int, warmup: int,
                  rate: float, seconds: float, models_dir: Path) -> dict[str, Any]:
    texts = [text for text, _ in requests]
    grid_of = dict(requests)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "var"
        shutil.copytree(models_dir, data_dir / "models")
        embedded = EmbeddedRedis(Path(tmp) / "redis")
        url = embedded.start()
        redis = Redis.from_url(url, decode_responses=True)
        workers = {}  # one per grid, as the echo bot answers each user in their own chat
        for grid_id in sorted(set(grid_of.values())):
            worker = workers[grid_id] = server.user(f"网格员{grid_id}")
            redis.hset(keys.worker(f"telegram:{worker.id}"), mapping={"name": f"网格员{grid_id}", "grids": grid_id})
            redis.sadd(keys.grid_workers(grid_id), f"telegram:{worker.id}")
        env = {**os.environ, "GRIDBOT_BOT_TOKEN": server.token, "GRIDBOT_TELEGRAM_API": server.base_url,
               "GRIDBOT_REDIS_URL": url, "GRIDBOT_DATA_DIR": str(data_dir),
               "GRIDBOT_TELEGRAM_MESSAGES_PER_SECOND": "100000", "GRIDBOT_TELEGRAM_CHAT_MESSAGES_PER_SECOND": "1000"}
        ports = [free_port() for _ in range(processes)]
        procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT,
                                  env={**env, "GRIDBOT_HTTP_PORT": str(port)},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
        try:
            for port in ports:
                for _ in range(600):
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                        break
                    except OSError:  # not yet: let the Bot API server on this loop answer its getMe
                        await asyncio.sleep(0.1)
            worker_chat = lambda text: workers[grid_of[text]].id  # noqa: E731
            warm, burst_texts = texts[:warmup], texts[warmup : warmup + count]
            paced_texts = texts[warmup + count : warmup + count + int(rate * seconds)]
            if warm:
                await measure(server, [server.user(f"w{i}") for i in range(len(warm))], warm, worker_chat, request_in, None)
                await settle(server)
            commands_before = int(redis.info("stats")["total_commands_processed"])
            cpu = CpuUse([p.pid for p in procs], int(redis.info("server")["process_id"]))
            burst = await measure(server, [server.user(f"r{i}") for i in range(len(burst_texts))], burst_texts,
                                  worker_chat, request_in, None, cpu)
            await settle(server)
            paced = await measure(server, [server.user(f"s{i}") for i in range(len(paced_texts))], paced_texts,
                                  worker_chat, request_in, rate)
            commands = int(redis.info("stats")["total_commands_processed"]) - commands_before
            measured = len(burst_texts) + len(paced_texts)
            return {"burst": burst, "burst_cpu_per_update": cpu.per_update, "rate": paced,
                    "redis_commands_per_request": round(commands / measured, 1),
                    "peak_rss_mb": [peak_rss_mb(p.pid) for p in procs]}
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(30)
            redis.close()
            embedded.stop()


async def main(count: int, warmup: int, rate: float, seconds: float, grids: int) -> dict[str, Any]:
    from bot.model.store import load_or_train_default
    from bot.app.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp))
        load_or_train_default(settings)
        models_dir = settings.models_dir
        needed = warmup + count + int(rate * seconds)
        texts = confident_requests(2 * needed, models_dir, grids)
        results: dict[str, Any] = {"machine": {"cores": os.cpu_count()}, "rate": rate, "grids": grids}
        async with BotAPIServer() as server:
            results["echo"] = await echo_bot(server, count, warmup, rate, seconds)
        for processes, chunk in ((1, texts[:needed]), (2, texts[needed : 2 * needed])):
            async with BotAPIServer() as server:
                results[f"gridbot_{processes}"] = await gridbot(server, processes, chunk, count, warmup, rate, seconds,
                                                                  models_dir)
    one, two, echo = results["gridbot_1"], results["gridbot_2"], results["echo"]
    results["ratios"] = {
        "gridbot_vs_echo_throughput": round(one["burst"]["updates_per_s"] / echo["burst"]["updates_per_s"], 3),
        "two_vs_one_process": round(two["burst"]["updates_per_s"] / one["burst"]["updates_per_s"], 3),
    }
    return results


def _at_least(low: int) -> Any:
    def parse(value: str) -> int:
        number = int(value)
        if number < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}")
        return number
    return parse


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=_at_least(1), default=800, help="burst size (default 800)")
    parser.add_argument("--warmup", type=_at_least(0), default=100,
                        help="updates each bot answers, unmeasured, before the burst (default 100)")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--grids", type=int, default=12, choices=range(1, 13), metavar="1..12",
                        help="spread requests over this many demo grids, one worker each (default 12)")
    args = parser.parse_args()
    if not args.rate > 0 or int(args.rate * args.seconds) < 1:
        parser.error("--rate and --seconds must give at least one paced update")
    print(json.dumps(asyncio.run(main(args.updates, args.warmup, args.rate, args.seconds, args.grids)), indent=2, ensure_ascii=False))
