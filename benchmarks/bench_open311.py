"""Open311 benchmark: ``GET /open311/v2/requests.(json|xml)`` answering 1,000 requests (goal < 300 ms).

Seeds ``--tickets`` tickets (default 1,000, all within the default 90-day window) through the ticket
service on an embedded Redis, serves the Open311 routes over real HTTP, and times ``--runs`` GETs of the
whole list in each format (p50, p95, max), from the request to the last byte of the answer.

Run: .venv/bin/python benchmarks/bench_open311.py [--tickets 1000] [--runs 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from bot.accounts.apikeys import ApiKeys  # noqa: E402
from bot.app.http import SETTINGS  # noqa: E402
from bot.channels.open311.routes import Open311, add_open311_routes  # noqa: E402
from bot.infra.embedded_redis import EmbeddedRedis  # noqa: E402
from bot.infra.rate_limit import RateLimiter  # noqa: E402
from bot.tickets.service import NewRequest  # noqa: E402
from tests.domain import build_domain  # noqa: E402

TEXTS = ("滨河路的路灯坏了好几天", "翠竹花园门口垃圾没人清理", "学府路晚上有人施工噪音很大", "西湖大道有个井盖松了")
CODES = ("municipal", "sanitation", "noise", "municipal")


async def seed(domain: Any, count: int) -> None:
    for index in range(count):
        domain.clock.advance(60)
        text = f"{TEXTS[index % 4]}（第{index}次，电话1381234{index % 10000:04d}）"
        await domain.tickets.open(NewRequest(resident=f"open311:bench:{index}", text=text,
                                             category=CODES[index % 4], source="open311"))


async def timed(http: aiohttp.ClientSession, url: str, runs: int) -> tuple[list[float], int]:
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        async with http.get(url) as response:
            body = await response.read()
        times.append((time.perf_counter() - started) * 1000)
        rows = body.count(b"service_request_id") // (2 if url.endswith(".xml") else 1)
    return times, rows


async def main(tickets: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as data:
        server = EmbeddedRedis(Path(data))
        redis = Redis.from_url(server.start(), decode_responses=True)
        try:
            domain = await build_domain(redis)
            await seed(domain, tickets)
            app = web.Application()
            from bot.app.config import Settings
            app[SETTINGS] = Settings(_env_file=None)
            api = Open311(filing=None, store=domain.store, taxonomy=domain.taxonomy,  # type: ignore[arg-type]
                          api_keys=ApiKeys(redis, domain.clock), clock=domain.clock,
                          per_key=RateLimiter(redis, "open311-key", 1e6, 10**6),
                          per_client=RateLimiter(redis, "open311-ip", 1e6, 10**6))
            add_open311_routes(app, api)
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            async with aiohttp.ClientSession() as http:
                for fmt in ("json", "xml"):
                    url = f"http://127.0.0.1:{port}/open311/v2/requests.{fmt}"
                    await timed(http, url, 3)  # warm-up
                    times, rows = await timed(http, url, runs)
                    times.sort()
                    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
                    print(f"GET requests.{fmt}: {rows} requests  p50 {statistics.median(times):.1f} ms  "
                          f"p95 {p95:.1f} ms  max {times[-1]:.1f} ms  (goal < 300 ms)")
            await runner.cleanup()
        finally:
            await redis.aclose()
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.tickets, arguments.runs))
