"""Console benchmark: the board's pages, filters and counts, and the exports, over 100k tickets.

Seeds N tickets (default 100,000) through the real write path (Tickets.open and the workers' and
residents' steps, so every index is written by the ticket commits), spread over 90 days and every grid
of the demo map, in a realistic mix of states. Then measures, against the embedded Redis:
- board pages (50 rows, counts per state, overdue count): p50/p95 over repeated calls, for the city,
  a town and a community; the default (open tickets, newest first) and each filter, search and sort;
- the exports of everything the city sees (N rows) as CSV and XLSX over local HTTP: time, bytes, and
  this process's resident memory before and at its peak while exporting (flat = the same for N/10);
- `gridbot tickets reindex` over N tickets, and the memory the board's indexes take in Redis.
A search for a single character (one the dictionary joins into no word) reads the texts of the tickets
the other conditions leave: it is measured for a community, not city-wide (2.3 s p50 at 100k).

Run: .venv/bin/python benchmarks/bench_console.py [--tickets N] [--repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import psutil  # noqa: E402
from aiohttp import web  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from bot.accounts.scope import Role, Scope  # noqa: E402
from bot.app.config import Settings  # noqa: E402
from bot.app.runtime import Domain, build_domain  # noqa: E402
from bot.channels.console.export import add_export_routes  # noqa: E402
from bot.grids.map import Location  # noqa: E402
from bot.infra import keys  # noqa: E402
from bot.infra.clock import ManualClock  # noqa: E402
from bot.infra.embedded_redis import EmbeddedRedis  # noqa: E402
from bot.tickets.board import Board, BoardFilter, Sort  # noqa: E402
from bot.tickets.reindex import reindex  # noqa: E402
from bot.tickets.service import NewRequest  # noqa: E402
from bot.tickets.states import OPEN_STATUSES, Status  # noqa: E402
from tests.conftest import read_corpus  # noqa: E402

DAYS = 90
RESIDENT = "web:bench"  # one resident: a request is never linked to the same resident's open ticket


async def seed(domain: Domain, clock: ManualClock, count: int, concurrency: int) -> dict[str, Any]:
    """Open ``count`` tickets over DAYS days and move them on: ~8% pending, then assigned, accepted,
    resolved, closed and cancelled ones."""
    grid_map = await domain.grids.current()
    assert grid_map is not None
    grids = grid_map.grids
    for n, grid in enumerate(grids):
        await domain.people.add_worker(f"telegram:{100 + n}", grid.grid_id, f"网格员{n}")
    rng = random.Random(15)
    corpus = read_corpus()
    step = DAYS * 86400 / count
    queue, numbers = iter(range(count)), [""] * count
    started = time.perf_counter()

    async def opener() -> None:
        for i in queue:
            row = corpus[rng.randrange(len(corpus))]
            text = row["text"] + (f"，电话13{rng.randrange(10**9):09d}" if i % 7 == 0 else "")
            grid = grids[rng.randrange(len(grids))]
            place = Location.of_grid(grid, "alias", grid.aliases[0]) if i % 12 else None
            opened = await domain.tickets.open(NewRequest(RESIDENT, text, row["label"], 0.9, i % 97 == 0, place))
            numbers[i] = opened.ticket.number
            clock.advance(step)

    await asyncio.gather(*(opener() for _ in range(concurrency)))
    opened_s = time.perf_counter() - started
    await move_on(domain, numbers, rng, concurrency)
    return {"tickets": count, "open_per_s": round(count / opened_s), "seed_s": round(time.perf_counter() - started, 1),
            "states": await domain.store.count_by_status()}


async def move_on(domain: Domain, numbers: list[str], rng: random.Random, concurrency: int) -> None:
    fates = [rng.random() for _ in numbers]
    queue = iter(range(len(numbers)))
    tickets = domain.tickets

    async def mover() -> None:
        for i in queue:
            fate, number = fates[i], numbers[i]
            ticket = await tickets.get(number)
            if ticket is None or ticket.status is not Status.ASSIGNED:
                continue
            if fate < 0.05:
                await tickets.cancel(number, RESIDENT)
                continue
            if fate < 0.25:
                continue  # stays assigned
            worker = (await domain.store.context(number)).handlers[0]  # type: ignore[union-attr]
            await tickets.accept(number, worker)
            if fate < 0.4:
                continue
            await tickets.resolve(number, worker, "已处理")
            if fate < 0.5:
                continue
            await tickets.rate(number, RESIDENT, 5 if fate < 0.95 else 2)

    await asyncio.gather(*(mover() for _ in range(concurrency)))


async def timed(call: Callable[[], Awaitable[Any]], repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}


async def board_figures(board: Board, domain: Domain, clock: ManualClock, repeat: int) -> dict[str, Any]:
    grid_map = await domain.grids.current()
    assert grid_map is not None
    town, community = grid_map.grids[0].town, grid_map.grids[0].community
    scopes = {"city": Scope(Role.CITY), "town": Scope(Role.TOWN, town=town),
              "community": Scope(Role.COMMUNITY, town=town, community=community)}
    now, week = clock.now(), 7 * 86400
    cases: dict[str, tuple[BoardFilter, Sort, int]] = {
        "first_page": (BoardFilter(statuses=OPEN_STATUSES), Sort.NEWEST, 1),
        "all_states": (BoardFilter(), Sort.NEWEST, 1),
        "page_100": (BoardFilter(), Sort.NEWEST, 100),
        "pending": (BoardFilter(statuses=frozenset({Status.PENDING})), Sort.OLDEST, 1),
        "overdue_by_deadline": (BoardFilter(overdue=True), Sort.DEADLINE, 1),
        "category_open": (BoardFilter(statuses=OPEN_STATUSES, category="sanitation"), Sort.NEWEST, 1),
        "urgent": (BoardFilter(urgent=True), Sort.NEWEST, 1),
        "last_week": (BoardFilter(created_from=now - week, created_to=now), Sort.NEWEST, 1),
        "search_word": (BoardFilter(text="路灯"), Sort.NEWEST, 1),
        "search_two_words": (BoardFilter(text="垃圾 小区"), Sort.NEWEST, 1),
        "search_single_char": (BoardFilter(text="臭"), Sort.NEWEST, 1),
        "search_and_filters": (BoardFilter(statuses=OPEN_STATUSES, text="噪音", overdue=True), Sort.DEADLINE, 1),
    }
    figures: dict[str, Any] = {}
    for scope_name, scope in scopes.items():
        for case, (board_filter, sort, page) in cases.items():
            if scope_name != "city" and case not in ("first_page", "overdue_by_deadline", "search_word",
                                                     "search_single_char"):
                continue
            if scope_name == "city" and case == "search_single_char":
                continue  # reads every ticket's text city-wide: seconds at 100k (see the module's docstring)
            def call(scope: Scope = scope, f: BoardFilter = board_filter, s: Sort = sort, n: int = page) -> Any:
                return board.page(scope, f, s, n, 50)

            figures[f"{scope_name}.{case}"] = {**await timed(call, repeat), "total": (await call()).total}
    return figures


class PeakRss:
    """This process's resident memory, sampled every 20 ms in a thread."""

    def __init__(self) -> None:
        self.process, self.peak, self._stop = psutil.Process(), 0, threading.Event()

    def __enter__(self) -> PeakRss:
        self.before = self.process.memory_info().rss
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join()


async def export_figures(board: Board, clock: ManualClock, count: int) -> dict[str, Any]:
    async def city(request: web.Request) -> Scope:
        return Scope(Role.CITY)

    app = web.Application()
    add_export_routes(app, board, city)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    tenth_from = time.strftime("%Y-%m-%d", time.localtime(clock.now() - DAYS * 86400 / 10))
    figures: dict[str, Any] = {}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as http:
            for name, query in (("csv_tenth", f"csv?from={tenth_from}"), ("csv", "csv"),
                                ("xlsx_tenth", f"xlsx?from={tenth_from}"), ("xlsx", "xlsx")):
                figures[name] = await one_export(http, f"http://127.0.0.1:{port}/console/export.{query}")
    finally:
        await runner.cleanup()
    return figures


async def one_export(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    with PeakRss() as memory:
        started, size, lines = time.perf_counter(), 0, 0
        async with http.get(url) as response:
            assert response.status == 200, response.status
            async for chunk in response.content.iter_chunked(256 * 1024):
                size += len(chunk)
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "mb": round(size / 1e6, 1), **({"csv_lines": lines} if ".csv" in url else {}),
            "rss_before_mb": round(memory.before / 1e6), "rss_peak_mb": round(max(memory.peak, memory.before) / 1e6)}


async def index_figures(domain: Domain) -> dict[str, Any]:
    """The board indexes' memory (used memory with them and after dropping them), then a full reindex."""
    from bot.tickets.reindex import _drop_board_indexes

    redis = domain.redis
    with_indexes = (await redis.info("memory"))["used_memory"]
    await _drop_board_indexes(domain.store)
    without = (await redis.info("memory"))["used_memory"]
    started = time.perf_counter()
    indexed = await reindex(domain.store)
    seconds = time.perf_counter() - started
    words = 0
    async for _ in redis.scan_iter(match=keys.by_word("*"), count=1000):
        words += 1
    return {"reindex_s": round(seconds, 1), "reindexed": indexed, "index_words": words,
            "board_indexes_mb": round((with_indexes - without) / 1e6, 1),
            "redis_used_mb": round(with_indexes / 1e6)}


async def main(count: int, repeat: int, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedRedis(Path(tmp), maxmemory=4 * 1024**3)
        server.start()
        redis = Redis(unix_socket_path=str(server.socket_path), decode_responses=True,
                      max_connections=concurrency + 8)
        try:
            await redis.flushdb()
            clock = ManualClock(time.time() - DAYS * 86400)
            domain = await build_domain(redis, Settings(_env_file=None, training_dir=ROOT / "training_data",
                                                        admin_ids=[]), clock)
            results: dict[str, Any] = {"seed": await seed(domain, clock, count, concurrency)}
            board = Board(redis, domain.taxonomy, clock)
            results["board"] = await board_figures(board, domain, clock, repeat)
            results["export"] = await export_figures(board, clock, count)
            results["indexes"] = await index_figures(domain)
            results["stats_month"] = "not measured: the console's statistics are not on this branch"
            return results
        finally:
            await redis.aclose()
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.tickets, args.repeat, args.concurrency)), indent=2, ensure_ascii=False))
