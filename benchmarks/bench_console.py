"""Console benchmark: the board's pages, filters and counts, the statistics and the exports, over 100k tickets.

Seeds N tickets (default 100,000) spread over 90 days and every grid of the demo map, in a realistic mix
of states, each written as one commit of its final state (with its audit trail) by the store's own
commit script and index writes (TicketStore.queue_commit), 500 a pipeline: the same data layout as
tickets that lived through the service, without a round trip per step. Then measures, against the
embedded Redis, with the CPU time per call of this process and of the Redis server beside the wall
times (on a shared machine, wall times also wait for the CPU):
- board pages (50 rows, counts per state, overdue count): p50/p95 over repeated calls, for the city,
  a town and a community; the default (open tickets, newest first), page 50, each filter, searches
  (words, a single character) and sorts;
- the statistics page's figures for the last 30 days per scope (from the daily counters);
- the exports of everything the city sees (N rows) as CSV and XLSX over local HTTP: time, bytes, and
  this process's resident memory before and at its peak while exporting (flat = the same for N/10);
- `gridbot tickets reindex` over N tickets, and the memory the board's indexes take in Redis.
Prints a table (or --json), with the load average before and after.

Run: .venv/bin/python benchmarks/bench_console.py [--tickets N] [--repeat R] [--parts board,stats,export,indexes]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
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
from bot.infra import keys  # noqa: E402
from bot.infra.clock import ManualClock  # noqa: E402
from bot.infra.embedded_redis import EmbeddedRedis  # noqa: E402
from bot.tickets.board import Board, BoardFilter, Sort  # noqa: E402
from bot.tickets.reindex import reindex  # noqa: E402
from bot.tickets.daily_read import counted_figures  # noqa: E402
from bot.people.routing import Coverage  # noqa: E402
from bot.infra.clock import LOCAL_TIME  # noqa: E402
from bot.tickets.record import AuditEntry, Ticket, format_number  # noqa: E402
from bot.tickets.store import Change, Commit  # noqa: E402
from bot.tickets.states import OPEN_STATUSES, Status  # noqa: E402
from tests.conftest import read_corpus  # noqa: E402

DAYS = 90
RESIDENT = "web:bench"  # one resident: a request is never linked to the same resident's open ticket


SEED_BATCH = 500  # tickets a pipeline


async def seed(domain: Domain, clock: ManualClock, count: int) -> dict[str, Any]:
    """Write ``count`` tickets over DAYS days in a realistic mix of states (~8% unplaced and pending;
    of the placed: 5% cancelled, 20% assigned, 15% accepted, 10% resolved, 45% closed with 5 stars and
    5% reopened by 2 stars), each as one commit of its final state with its whole audit trail, through
    :meth:`TicketStore.queue_commit` (the store's own commit script and index writes, many a round trip)."""
    grid_map = await domain.grids.current()
    assert grid_map is not None
    grids = grid_map.grids
    for n, grid in enumerate(grids):
        await domain.people.add_worker(f"telegram:{100 + n}", grid.grid_id, f"网格员{n}")
    rng, corpus, deadlines = random.Random(15), read_corpus(), domain.tickets.deadlines
    step, first = DAYS * 86400 / count, clock.now()
    sequences: dict[str, int] = {}
    started = time.perf_counter()
    for batch_start in range(0, count, SEED_BATCH):
        async with domain.redis.pipeline(transaction=False) as pipe:
            for i in range(batch_start, min(count, batch_start + SEED_BATCH)):
                now = first + i * step
                day = time.strftime("%Y%m%d", time.localtime(now))
                sequences[day] = sequences.get(day, 0) + 1
                row = corpus[rng.randrange(len(corpus))]
                text = row["text"] + (f"，电话13{rng.randrange(10**9):09d}" if i % 7 == 0 else "")
                grid = grids[rng.randrange(len(grids))] if i % 12 else None
                ticket, entries = _life(format_number(day, sequences[day]), row["label"], text, i % 97 == 0, grid,
                                        grids.index(grid) if grid else 0, now, rng, deadlines)
                extra = Change()
                for entry in entries[:-1]:
                    extra.add("RPUSH", keys.audit(ticket.number), entry.to_json())
                await domain.store.queue_commit(pipe, None, Commit(ticket, entries[-1], extra=extra,
                                                                   due_set=deadlines.schedule(ticket, ticket.updated_at)))
            await pipe.execute()
    for day, sequence in sequences.items():
        await domain.redis.set(keys.ticket_sequence(day), sequence)
    clock.advance(DAYS * 86400)
    seconds = time.perf_counter() - started
    return {"tickets": count, "seed_per_s": round(count / seconds), "seed_s": round(seconds, 1),
            "states": await domain.store.count_by_status()}


def _life(number: str, category: str, text: str, urgent: bool, grid: Any, worker_no: int, now: float,
          rng: random.Random, deadlines: Any) -> tuple[Ticket, list[AuditEntry]]:
    """A ticket opened at ``now`` as the service opens it, moved on as far as its fate says."""
    resident, worker = RESIDENT, f"telegram:{100 + worker_no}"
    ticket = Ticket(number=number, status=Status.ASSIGNED if grid else Status.PENDING, category=category, text=text,
                    resident=resident, created_at=now, updated_at=now, urgent=urgent, confidence=0.9,
                    deadline_at=deadlines.deadline(category, urgent, now),
                    grid_id=grid.grid_id if grid else None, grid_name=grid.name if grid else None,
                    community=grid.community if grid else None, town=grid.town if grid else None,
                    locate_method="alias" if grid else None)
    entries = [AuditEntry(now, resident, "open", None, ticket.status, f"{category} 0.90")]
    fate, at = rng.random(), now

    def move(actor: str, action: str, status: Status, note: str = "", **changes: Any) -> None:
        nonlocal ticket, at
        at += rng.uniform(600, 30 * 3600)
        entries.append(AuditEntry(at, actor, action, ticket.status, status, note))
        ticket = replace(ticket, status=status, updated_at=at, **changes)

    if grid is None or fate < 0.25:
        if grid is not None and fate < 0.05:
            move(resident, "cancel", Status.CANCELLED)
        return ticket, entries
    move(worker, "accept", Status.ACCEPTED, worker=worker)
    if fate >= 0.4:
        move(worker, "resolve", Status.RESOLVED, result_note="已处理")
        ticket = replace(ticket, handled_at=ticket.updated_at)
    if fate >= 0.5:
        stars = 5 if fate < 0.95 else 2
        if stars > 2:
            move(resident, "close", Status.CLOSED, f"rating {stars}", rating=stars)
        else:
            move(resident, "reopen", Status.ASSIGNED, f"rating {stars}", rating=stars, worker=None,
                 deadline_at=deadlines.deadline(category, urgent, at + 1))
    return ticket, entries


class CpuMeter:
    """CPU time (user + system) of this process and of the Redis server: what a call cost, whatever
    else the machine runs meanwhile (wall times on a shared machine wait for the CPU too)."""

    def __init__(self, redis_pid: int) -> None:
        self.processes = (psutil.Process(), psutil.Process(redis_pid))

    def read(self) -> tuple[float, float]:
        return tuple(sum(p.cpu_times()[:2]) for p in self.processes)  # type: ignore[return-value]


async def timed(call: Callable[[], Awaitable[Any]], repeat: int, meter: CpuMeter) -> dict[str, float]:
    times = []
    cpu_before = meter.read()
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    own, server = (1000 * (after - before) / repeat for after, before in zip(meter.read(), cpu_before))
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            "py_cpu_ms": round(own, 1), "redis_cpu_ms": round(server, 1)}


async def board_figures(board: Board, domain: Domain, clock: ManualClock, repeat: int,
                        meter: CpuMeter) -> dict[str, Any]:
    grid_map = await domain.grids.current()
    assert grid_map is not None
    town, community = grid_map.grids[0].town, grid_map.grids[0].community
    scopes = {"city": Scope(Role.CITY), "town": Scope(Role.TOWN, town=town),
              "community": Scope(Role.COMMUNITY, town=town, community=community)}
    now, week, grid_id = clock.now(), 7 * 86400, grid_map.grids[0].grid_id
    cases: dict[str, tuple[BoardFilter, Sort, int]] = {
        "first_page": (BoardFilter(statuses=OPEN_STATUSES), Sort.NEWEST, 1),
        "all_states": (BoardFilter(), Sort.NEWEST, 1),
        "page_50": (BoardFilter(), Sort.NEWEST, 50),
        "open_page_50": (BoardFilter(statuses=OPEN_STATUSES), Sort.NEWEST, 50),
        "deadline_sort": (BoardFilter(statuses=OPEN_STATUSES), Sort.DEADLINE, 1),
        "pending": (BoardFilter(statuses=frozenset({Status.PENDING})), Sort.OLDEST, 1),
        "overdue_by_deadline": (BoardFilter(overdue=True), Sort.DEADLINE, 1),
        "category_open": (BoardFilter(statuses=OPEN_STATUSES, category="sanitation"), Sort.NEWEST, 1),
        "urgent": (BoardFilter(urgent=True), Sort.NEWEST, 1),
        "grid": (BoardFilter(grid_id=grid_id), Sort.NEWEST, 1),
        "grid_open": (BoardFilter(statuses=OPEN_STATUSES, grid_id=grid_id), Sort.NEWEST, 1),
        "last_week": (BoardFilter(created_from=now - week, created_to=now), Sort.NEWEST, 1),
        "search_word": (BoardFilter(text="路灯"), Sort.NEWEST, 1),
        "search_two_words": (BoardFilter(text="垃圾 小区"), Sort.NEWEST, 1),
        "search_single_char": (BoardFilter(text="臭"), Sort.NEWEST, 1),
        "search_open": (BoardFilter(statuses=OPEN_STATUSES, text="路灯"), Sort.NEWEST, 1),
        "search_and_filters": (BoardFilter(statuses=OPEN_STATUSES, text="噪音", overdue=True), Sort.DEADLINE, 1),
    }
    figures: dict[str, Any] = {}
    for scope_name, scope in scopes.items():
        for case, (board_filter, sort, page) in cases.items():
            if scope_name != "city" and case not in ("first_page", "overdue_by_deadline", "search_word",
                                                     "search_single_char", "category_open", "grid_open"):
                continue
            def call(scope: Scope = scope, f: BoardFilter = board_filter, s: Sort = sort, n: int = page) -> Any:
                return board.page(scope, f, s, n, 50)

            figures[f"{scope_name}.{case}"] = {**await timed(call, repeat, meter), "total": (await call()).total}
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


async def export_figures(board: Board, clock: ManualClock, count: int, meter: CpuMeter) -> dict[str, Any]:
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
                cpu_before = meter.read()
                figures[name] = await one_export(http, f"http://127.0.0.1:{port}/console/export.{query}")
                own, server = (after - before for after, before in zip(meter.read(), cpu_before))
                figures[name] |= {"py_cpu_s": round(own, 2), "redis_cpu_s": round(server, 2)}
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


async def stats_figures(domain: Domain, clock: ManualClock, repeat: int, meter: CpuMeter) -> dict[str, Any]:
    """The console's statistics of the last 30 days (the page's default range) per scope, as the page
    reads them (the daily counters)."""
    grid_map = await domain.grids.current()
    assert grid_map is not None
    town, community = grid_map.grids[0].town, grid_map.grids[0].community
    now = clock.now()
    last = datetime.fromtimestamp(now, LOCAL_TIME).date()
    first = last - timedelta(days=29)
    out: dict[str, Any] = {}
    for name, scope in (("city", Scope(Role.CITY)), ("town", Scope(Role.TOWN, town=town)),
                        ("community", Scope(Role.COMMUNITY, town=town, community=community))):
        coverage = Coverage(scope, places_unplaced=False)

        def call(coverage: Coverage = coverage) -> Any:
            return counted_figures(domain.redis, coverage.covers, first, last, now)

        out[name] = {**await timed(call, max(3, repeat // 2), meter), "total": (await call()).total}
    return out


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


PARTS = ("board", "stats", "export", "indexes")


async def main(count: int, repeat: int, parts: set[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedRedis(Path(tmp), maxmemory=4 * 1024**3)
        server.start()
        redis = Redis(unix_socket_path=str(server.socket_path), decode_responses=True, max_connections=16)
        try:
            await redis.flushdb()
            clock = ManualClock(time.time() - DAYS * 86400)
            domain = await build_domain(redis, Settings(_env_file=None, training_dir=ROOT / "training_data",
                                                        admin_ids=[]), clock)
            results: dict[str, Any] = {"load_before": os.getloadavg()[0], "seed": await seed(domain, clock, count)}
            print(f"seeded: {results['seed']}", file=sys.stderr)
            board = Board(redis, domain.taxonomy, clock)
            meter = CpuMeter(int((server.directory / "redis.pid").read_text()))
            for part, name, measure in (
                    ("board", "board", lambda: board_figures(board, domain, clock, repeat, meter)),
                    ("stats", "stats_month", lambda: stats_figures(domain, clock, repeat, meter)),
                    ("export", "export", lambda: export_figures(board, clock, count, meter)),
                    ("indexes", "indexes", lambda: index_figures(domain))):
                if part in parts:
                    results[name] = await measure()
                    print(f"{name}: {json.dumps(results[name], ensure_ascii=False)}", file=sys.stderr)
            results["load_after"] = os.getloadavg()[0]
            return results
        finally:
            await redis.flushall()  # else the server's shutdown saves (and may outlive) half a gigabyte
            await redis.aclose()
            server.stop()


def table(results: dict[str, Any]) -> str:
    """The figures as a plain table: what, p50 / p95 (ms) or seconds and memory, and matches."""
    lines = [f"load average (1 min) before {results['load_before']:.2f}, after {results['load_after']:.2f}",
             f"seed: {results['seed']['tickets']} tickets in {results['seed']['seed_s']} s "
             f"({results['seed']['seed_per_s']}/s)",
             f"{'query':<40}{'p50 ms':>9}{'p95 ms':>9}{'cpu py':>8}{'redis':>8}{'matches':>9}"]
    for section in ("board", "stats_month"):
        for name, figure in results.get(section, {}).items():
            lines.append(f"{section + '.' + name:<40}{figure['p50_ms']:>9}{figure['p95_ms']:>9}{figure['py_cpu_ms']:>8}"
                         f"{figure['redis_cpu_ms']:>8}{figure['total']:>9}")
    for name, figure in results.get("export", {}).items():
        lines.append(f"export.{name:<33}{figure['seconds']:>9} s  {figure['mb']:>6} MB  RSS {figure['rss_before_mb']}"
                     f" -> {figure['rss_peak_mb']} MB  cpu py {figure.get('py_cpu_s')} s, redis {figure.get('redis_cpu_s')} s")
    if "indexes" in results:
        lines.append("indexes: " + ", ".join(f"{k} {v}" for k, v in results["indexes"].items()))
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--parts", default=",".join(PARTS), help="which of " + ", ".join(PARTS))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON, not as a table")
    args = parser.parse_args()
    found = asyncio.run(main(args.tickets, args.repeat, set(args.parts.split(","))))
    print(json.dumps(found, indent=2, ensure_ascii=False) if args.json else table(found))
