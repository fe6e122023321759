"""Soak test: kill -9 `gridbot serve` while it works, restart it, repeat; then count what was lost.

A stream of resident requests is sent through the local Bot API server while a `gridbot serve`
subprocess is killed with SIGKILL every few seconds and started again. At the end every request must
have exactly one ticket (none lost, none doubled) and its worker notification. A notification may
repeat only when a kill lands while Telegram is taking it; the repeat is then flagged as a possible
repeat. Repeats are counted, flagged and unflagged apart (unflagged must be 0).

With ``--fault-rate 0.1`` about one in ten sendMessage calls also fails, alternating 429 (retry_after 1)
and 502, while the kills go on.

Run: .venv/bin/python benchmarks/soak_kill.py [--cycles 20] [--per-cycle 10] [--fault-rate 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redis import Redis  # noqa: E402

from bot.infra import keys  # noqa: E402
from bot.infra.embedded_redis import EmbeddedRedis  # noqa: E402
from bot.texts.residents import maybe_repeated  # noqa: E402
from tests.botapi.server import BotAPIServer  # noqa: E402
from tests.telegram_harness import NUMBER  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_e2e import confident_requests  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
        return True
    except OSError:
        return False


async def inject_faults(server: BotAPIServer, rate: float, stop: asyncio.Event) -> int:
    """Make about ``rate`` of sendMessage calls fail (429 and 502 in turn); returns how many were failed."""
    injected, seen = 0, 0
    while not stop.is_set():
        calls = server.calls["sendMessage"]
        while (calls - seen) * rate >= 1:
            seen += round(1 / rate)
            status = 429 if injected % 2 == 0 else 502
            server.fail_next("sendMessage", status=status, retry_after=1 if status == 429 else None)
            injected += 1
        await asyncio.sleep(0.01)
    return injected


async def main(cycles: int, per_cycle: int, fault_rate: float = 0.0) -> dict[str, object]:
    from bot.model.store import load_or_train_default
    from bot.app.config import Settings

    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "var"
        load_or_train_default(Settings(_env_file=None, data_dir=data_dir))
        # all to one grid's worker: every offer then lands in one chat, where repeats are easy to count
        texts = [text for text, _ in confident_requests(cycles * per_cycle, data_dir / "models", grids=1)]
        embedded = EmbeddedRedis(Path(tmp) / "redis")
        url = embedded.start()
        redis = Redis.from_url(url, decode_responses=True)
        async with BotAPIServer() as server:
            worker = server.user("网格员")
            redis.hset(keys.worker(f"telegram:{worker.id}"), mapping={"name": "网格员", "grids": "GC-XY-01"})
            redis.sadd(keys.grid_workers("GC-XY-01"), f"telegram:{worker.id}")
            port = free_port()
            env = {**os.environ, "GRIDBOT_BOT_TOKEN": server.token, "GRIDBOT_TELEGRAM_API": server.base_url,
                   "GRIDBOT_REDIS_URL": url, "GRIDBOT_DATA_DIR": str(data_dir), "GRIDBOT_HTTP_PORT": str(port),
                   "GRIDBOT_RECLAIM_IDLE_SECONDS": "1", "GRIDBOT_POLL_LEASE_SECONDS": "2",
                   "GRIDBOT_TELEGRAM_MESSAGES_PER_SECOND": "10000", "GRIDBOT_TELEGRAM_CHAT_MESSAGES_PER_SECOND": "100"}
            residents = [server.user(f"r{i}") for i in range(len(texts))]
            started = time.perf_counter()
            stop_faults = asyncio.Event()
            faults = asyncio.create_task(inject_faults(server, fault_rate, stop_faults)) if fault_rate else None
            for cycle in range(cycles):
                process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT, env=env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                while not healthy(port):
                    await asyncio.sleep(0.1)
                for i in range(cycle * per_cycle, (cycle + 1) * per_cycle):  # load while it runs
                    await server.send_text(residents[i], texts[i])
                    await asyncio.sleep(rng.uniform(0.0, 0.05))
                await asyncio.sleep(rng.uniform(0.0, 0.5))
                process.send_signal(signal.SIGKILL)
                process.wait(10)
            final = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    offers = [m for m in server.messages_to(worker.id) if "新工单" in (m.get("text") or "")]
                    if len({NUMBER.search(m["text"]).group(0) for m in offers}) >= len(texts):
                        break
                    await asyncio.sleep(0.5)
                await asyncio.sleep(3)
                stop_faults.set()
                injected = await faults if faults else 0
                tickets = sum(int(redis.scard(keys.by_status(s))) for s in ("pending", "assigned", "accepted"))
                receipt_texts = [m["text"] for r in residents for m in server.messages_to(r.id)
                                 if "已受理" in (m.get("text") or "")]
                offer_texts = [m["text"] for m in server.messages_to(worker.id) if "新工单" in (m.get("text") or "")]
                receipts = [NUMBER.search(t).group(0) for t in receipt_texts]
                offers = [NUMBER.search(t).group(0) for t in offer_texts]
                plain_receipts = [NUMBER.search(t).group(0) for t in receipt_texts if maybe_repeated() not in t]
                plain_offers = [NUMBER.search(t).group(0) for t in offer_texts if maybe_repeated() not in t]
                per_resident = [len(redis.zrange(keys.by_resident(f"telegram:{r.id}"), 0, -1)) for r in residents]
                return {
                    "cycles": cycles, "requests": len(texts), "seconds": round(time.perf_counter() - started, 1),
                    "send_calls": server.calls["sendMessage"], "injected_failures": injected,
                    "tickets": tickets,
                    "requests_without_ticket": sum(1 for n in per_resident if n == 0),
                    "requests_with_two_tickets": sum(1 for n in per_resident if n > 1),
                    "receipts": len(receipts), "repeated_receipts": len(receipts) - len(set(receipts)),
                    "worker_offers": len(offers), "repeated_offers": len(offers) - len(set(offers)),
                    "unflagged_repeats": (len(plain_receipts) - len(set(plain_receipts))
                                          + len(plain_offers) - len(set(plain_offers))),
                }
            finally:
                final.terminate()
                final.wait(30)
                redis.close()
                embedded.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--per-cycle", type=int, default=10)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.cycles, args.per_cycle, args.fault_rate)), indent=2))
