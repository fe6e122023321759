"""WeChat benchmark: how fast `/wechat` answers WeChat, and WeChat's intake against Telegram's, in one run.

One `gridbot serve` process on an embedded Redis serves both channels: the Official Account in safe
(encrypted) mode against the local WeChat API server of tests/wxapi, Telegram against the local Bot API
server of tests/botapi. Grid workers are on Telegram, one per demo grid, so both runs end the same way:
at the worker's 新工单 for the request. Requests are corpus messages the model classifies confidently,
each from its own resident, headed by an address of a demo grid (as in bench_e2e).

- answer time at a fixed rate (default 100 messages/s for 5 s): from posting a signed, encrypted message
  to `/wechat` until its HTTP answer (WeChat gives up after 5 s), p50/p99; and to the worker's 新工单;
- throughput: N messages at once (64 posts in flight, as a platform pushing many users does) through
  WeChat, then N updates through Telegram; updates/s until the last worker notification, and the ratio.

Run: .venv/bin/python benchmarks/bench_wechat.py [--updates 600] [--warmup 100] [--rate 100] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redis import Redis  # noqa: E402

from benchmarks.bench_e2e import confident_requests, free_port, peak_rss_mb, request_in  # noqa: E402
from bot.infra import keys  # noqa: E402
from bot.infra.embedded_redis import EmbeddedRedis  # noqa: E402
from tests.botapi.server import BotAPIServer  # noqa: E402
from tests.wxapi.server import WxAPIServer  # noqa: E402

IN_FLIGHT = 64


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 1)


class Arrivals:
    """When each request's 新工单 reached its worker (scanning only what the Bot API sent since the last look)."""

    def __init__(self, server: BotAPIServer) -> None:
        self.server = server
        self.at: dict[str, float] = {}
        self._cursor = 0

    async def wait_for(self, texts: list[str], timeout: float = 120.0) -> None:
        expected, deadline = set(texts), time.monotonic() + timeout
        while not expected <= self.at.keys():
            sent = self.server.sent
            while self._cursor < len(sent):
                request = request_in(sent[self._cursor])
                self._cursor += 1
                if request is not None:
                    self.at.setdefault(request, time.perf_counter())
            if time.monotonic() > deadline:
                raise SystemExit(f"{len(expected - self.at.keys())} of {len(texts)} never reached a worker")
            await asyncio.sleep(0.002)


async def wechat_run(wx: WxAPIServer, url: str, session: aiohttp.ClientSession, arrivals: Arrivals, texts: list[str],
                     rate: float | None) -> dict[str, Any]:
    """Post ``texts`` to /wechat (at ``rate``/s, or all at once with IN_FLIGHT in flight); time the answers."""
    answers: list[float] = []
    sent_at: dict[str, float] = {}
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def post(text: str) -> None:
        resident = wx.wechat_user(url, session=session)
        async with gate:
            sent_at[text] = time.perf_counter()
            posted = await resident.text(text)
        if posted.status != 200:
            raise SystemExit(f"/wechat answered {posted.status}: {posted.body[:200]}")
        answers.append(posted.elapsed * 1000)

    gc.collect()
    gc.disable()
    watcher = asyncio.create_task(arrivals.wait_for(texts))  # arrivals are timed as they happen
    try:
        started = time.perf_counter()
        posts = []
        for i, text in enumerate(texts):
            if rate:
                await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            posts.append(asyncio.create_task(post(text)))
        await asyncio.gather(*posts)
        await watcher
    finally:
        gc.enable()
    to_worker = [(arrivals.at[t] - sent_at[t]) * 1000 for t in texts]
    return {"messages": len(texts), "updates_per_s": round(len(texts) / (max(arrivals.at[t] for t in texts) - started), 1),
            "answer_p50_ms": percentile(answers, 0.5), "answer_p99_ms": percentile(answers, 0.99),
            "answer_max_ms": round(max(answers), 1),
            "to_worker_p50_ms": percentile(to_worker, 0.5), "to_worker_p99_ms": percentile(to_worker, 0.99)}


async def telegram_run(bot_api: BotAPIServer, arrivals: Arrivals, texts: list[str]) -> dict[str, Any]:
    """Send ``texts`` as Telegram updates, all at once; updates/s until the last worker notification."""
    gc.collect()
    gc.disable()
    try:
        watcher = asyncio.create_task(arrivals.wait_for(texts))
        started = time.perf_counter()
        for i, text in enumerate(texts):
            await bot_api.send_text(bot_api.user(f"t{i}"), text)
        await watcher
    finally:
        gc.enable()
    return {"updates": len(texts), "updates_per_s": round(len(texts) / (max(arrivals.at[t] for t in texts) - started), 1)}


async def serve_both(bot_api: BotAPIServer, wx: WxAPIServer, requests: list[tuple[str, str]], tmp: Path,
                     models_dir: Path) -> tuple[subprocess.Popen, str, EmbeddedRedis]:
    shutil.copytree(models_dir, tmp / "var" / "models")
    embedded = EmbeddedRedis(tmp / "redis")
    url = embedded.start()
    redis = Redis.from_url(url, decode_responses=True)
    for grid_id in sorted({grid for _, grid in requests}):
        worker = bot_api.user(f"网格员{grid_id}")
        redis.hset(keys.worker(f"telegram:{worker.id}"), mapping={"name": f"网格员{grid_id}", "grids": grid_id})
        redis.sadd(keys.grid_workers(grid_id), f"telegram:{worker.id}")
    redis.close()
    port = free_port()
    env = {**os.environ, **wx.env(), "GRIDBOT_BOT_TOKEN": bot_api.token, "GRIDBOT_TELEGRAM_API": bot_api.base_url,
           "GRIDBOT_REDIS_URL": url, "GRIDBOT_DATA_DIR": str(tmp / "var"), "GRIDBOT_HTTP_PORT": str(port),
           "GRIDBOT_TELEGRAM_MESSAGES_PER_SECOND": "100000", "GRIDBOT_TELEGRAM_CHAT_MESSAGES_PER_SECOND": "1000",
           "GRIDBOT_RESIDENT_MESSAGES_PER_MINUTE": "1000"}
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except OSError:  # not yet: let the servers on this loop answer its start-up calls
            await asyncio.sleep(0.1)
    return process, f"http://127.0.0.1:{port}", embedded


async def main(count: int, warmup: int, rate: float, seconds: float) -> dict[str, Any]:
    from bot.app.config import Settings
    from bot.model.store import load_or_train_default

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp))
        load_or_train_default(settings)
        paced_n = int(rate * seconds)
        requests = confident_requests(2 * warmup + 2 * count + paced_n, settings.models_dir, 12)
        texts = [text for text, _ in requests]
        results: dict[str, Any] = {"machine": {"cores": os.cpu_count()}, "rate": rate}
        async with BotAPIServer() as bot_api, WxAPIServer(custom_quota=10**9) as wx, aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=IN_FLIGHT)) as session:
            process, url, embedded = await serve_both(bot_api, wx, requests, Path(tmp), settings.models_dir)
            try:
                arrivals = Arrivals(bot_api)
                chunks, at = [], 0
                for n in (warmup, warmup, paced_n, count, count):
                    chunks.append(texts[at : at + n])
                    at += n
                await wechat_run(wx, url, session, arrivals, chunks[0], None)  # warm-up, unmeasured
                await telegram_run(bot_api, arrivals, chunks[1])
                results["wechat_paced"] = await wechat_run(wx, url, session, arrivals, chunks[2], rate)
                results["wechat_burst"] = await wechat_run(wx, url, session, arrivals, chunks[3], None)
                results["telegram_burst"] = await telegram_run(bot_api, arrivals, chunks[4])
                results["peak_rss_mb"] = peak_rss_mb(process.pid)
            finally:
                process.terminate()
                process.wait(30)
                embedded.stop()
    results["ratio_wechat_vs_telegram"] = round(results["wechat_burst"]["updates_per_s"]
                                                / results["telegram_burst"]["updates_per_s"], 3)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=600, help="burst size per channel (default 600)")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if args.updates < 1 or args.warmup < 0 or not args.rate > 0 or int(args.rate * args.seconds) < 1:
        parser.error("--updates ≥ 1, --warmup ≥ 0, and --rate × --seconds ≥ 1 paced message")
    print(json.dumps(asyncio.run(main(args.updates, args.warmup, args.rate, args.seconds)), indent=2, ensure_ascii=False))
