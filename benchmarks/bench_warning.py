"""Early-warning replay: a synthetic month of ordinary traffic over the demo map with injected surges,
through the real ticket service and the real detector, on a real (embedded) redis-server, with a
simulated clock.

Traffic (stated, seeded): Poisson arrivals per grid and category at BASE_RATES per day, each grid's
rates scaled by a factor drawn from 0.6–1.5 (a busy grid gets ~5.5 requests a day, a quiet one ~2;
the busiest grid × category ~0.9 a day). Half the requests share a location (uniform in the grid), half
are placed by a named place (grid only). Words come from the shipped corpus of the category, so the
ticket service's duplicate linking acts as in production. A 30-day warm-up (no surges) fills the
baseline counters; the measured month follows, with ``--surges`` injected surges of 5–12 requests
within 1–4 hours: three in four in one grid (half of them located within 150 m of a point), one in
four around a point on the border of two grids, all located within 150 m of it, split between the two
grids (so neither grid alone may reach 5).

The scheduler is simulated: a pass 1 s after each ticket opens (the hook's wake: one tick), or with
``--no-wake`` only at the next 30 s boundary (the periodic pass alone); and a pass every hour
(calm warnings end, and means change at midnight). A pass without a new ticket cannot raise a warning
(counts only fall as time passes) except at midnight, so the passes skipped in between change nothing.

Reported: recall of injected surges (a warning raised after the surge began holding one of its
tickets), false warnings (holding no surge ticket) per grid per month, time from each surge's 5th
ticket (a request the ticket service links to an open ticket as a duplicate opens none) to its
warning, and the wall time of a pass (with two months of tickets in Redis).

Run: .venv/bin/python benchmarks/bench_warning.py [--surges 40] [--seed 7] [--no-wake] [--rate-scale 1.0]
     .venv/bin/python benchmarks/bench_warning.py --busy-window 5000   (pass time over a busier day)
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redis.asyncio import Redis  # noqa: E402

from bot.app.config import Settings  # noqa: E402
from bot.app.runtime import build_domain  # noqa: E402
from bot.grids.map import Grid, GridMap, Location  # noqa: E402
from bot.infra.clock import ManualClock  # noqa: E402
from bot.infra.embedded_redis import EmbeddedRedis  # noqa: E402
from bot.people.directory import Level  # noqa: E402
from bot.tickets.service import NewRequest  # noqa: E402

DAY, HOUR = 86400.0, 3600.0
START = 1790784000.0  # 2026-10-01 00:00 Asia/Shanghai
WARM_UP_DAYS, MEASURED_DAYS = 30, 30
# requests per grid per day, before the grid's factor (0.6-1.5): about 3.6 a day per grid in all
BASE_RATES = {"sanitation": 0.6, "noise": 0.5, "municipal": 0.45, "traffic": 0.35, "property": 0.35,
              "street_order": 0.25, "utilities": 0.2, "safety": 0.15, "dispute": 0.15, "environment": 0.12,
              "market": 0.1, "welfare": 0.1, "security": 0.08, "other": 0.08, "labor": 0.05, "construction": 0.05}
SURGE_SIZES = (5, 12)
SURGE_HOURS = (1.0, 4.0)
SURGE_SPREAD_M = 150.0
METRES_PER_DEGREE = 111_320.0


@dataclass(order=True)
class Event:
    at: float
    grid_id: str = field(compare=False)
    category: str = field(compare=False)
    point: tuple[float, float] | None = field(compare=False, default=None)
    surge: int | None = field(compare=False, default=None)  # index of the injected surge, None: ordinary


def corpus() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = defaultdict(list)
    with (ROOT / "training_data" / "requests.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("urgent", "0") != "1":
                texts[row["label"]].append(row["text"])
    return texts


def random_point(grid: Grid, rng: random.Random) -> tuple[float, float]:
    min_lon, min_lat, max_lon, max_lat = grid.geometry.bounds
    return rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)


def near(centre: tuple[float, float], rng: random.Random, metres: float = SURGE_SPREAD_M) -> tuple[float, float]:
    """A point uniformly within ``metres`` of ``centre``."""
    r, a = metres * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    lat = centre[0] + r * math.sin(a) / METRES_PER_DEGREE
    return lat, centre[1] + r * math.cos(a) / (METRES_PER_DEGREE * math.cos(math.radians(centre[0])))


def ordinary(grid_map: GridMap, rng: random.Random, start: float, days: int, scale: float) -> list[Event]:
    events = []
    for grid in grid_map.grids:
        factor = rng.uniform(0.6, 1.5) * scale
        for category, rate in BASE_RATES.items():
            at = start
            while (at := at + rng.expovariate(rate * factor / DAY)) < start + days * DAY:
                events.append(Event(at, grid.grid_id, category, random_point(grid, rng) if rng.random() < 0.5 else None))
    return events


def shared_borders(grid_map: GridMap) -> list[tuple[Grid, Grid, Any]]:
    grids = grid_map.grids
    return [(a, b, line) for i, a in enumerate(grids) for b in grids[i + 1:]
            if (line := a.geometry.boundary.intersection(b.geometry.boundary)).length > 0]


def surges(grid_map: GridMap, rng: random.Random, start: float, count: int) -> list[Event]:
    """``count`` surges spread over the measured month; a surge's category is not that of any surge of
    the 3 days before it (two surges of one category within a day could be one cluster)."""
    borders, events, recent = shared_borders(grid_map), [], []
    for k in range(count):
        begin = start + DAY + k * (MEASURED_DAYS - 2) * DAY / count + rng.uniform(0, 6 * HOUR)
        category = rng.choice(list(BASE_RATES))
        size, hours = rng.randint(*SURGE_SIZES), rng.uniform(*SURGE_HOURS)
        if k % 4 == 3:  # across the border of two grids
            a, b, line = rng.choice(borders)
            p = line.interpolate(rng.uniform(0.1, 0.9), normalized=True)
            centre, place = (p.y, p.x), (a.grid_id, b.grid_id)
            points: list[tuple[float, float] | None] = [near(centre, rng) for _ in range(size)]
        else:
            grid = rng.choice(grid_map.grids)
            centre, place = random_point(grid, rng), (grid.grid_id,)
            located = rng.random() < 0.5
            points = [near(centre, rng) if located else None for _ in range(size)]
        while any(c == category and begin - t < 3 * DAY for c, t in recent):  # independent surges
            category = rng.choice(list(BASE_RATES))
        recent.append((category, begin))
        times = sorted(begin + rng.uniform(0, hours * HOUR) for _ in range(size))
        for at, point in zip(times, points):
            grid_id = grid_map.locate_point(*point).grid_id if point else place[0]
            events.append(Event(at, grid_id or place[0], category, point, k))
    return events


@dataclass
class Replay:
    """The running replay's records."""

    pass_seconds: list[float] = field(default_factory=list)
    window_sizes: list[int] = field(default_factory=list)
    surge_tickets: dict[int, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))
    linked: int = 0
    opened: int = 0


async def replay(redis: Redis, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    clock = ManualClock(START)
    domain = await build_domain(redis, Settings(_env_file=None, training_dir=ROOT / "training_data", admin_ids=[]), clock)
    grid_map = await domain.grids.current()
    assert grid_map is not None
    for i, community in enumerate(grid_map.communities()):
        await domain.people.add_supervisor(f"telegram:{5000 + i}", Level.COMMUNITY, community)
    measured_from = START + WARM_UP_DAYS * DAY
    events = sorted(ordinary(grid_map, rng, START, WARM_UP_DAYS + MEASURED_DAYS, args.rate_scale)
                    + surges(grid_map, rng, measured_from, args.surges))
    words, record = corpus(), Replay()
    next_hourly, watch = START + HOUR, domain.warnings

    async def pass_at(at: float) -> None:
        clock.advance(at - clock.now())
        started = time.perf_counter()
        result = await watch.run_pass()
        record.pass_seconds.append(time.perf_counter() - started)
        record.window_sizes.append(result.tickets if result else 0)

    pending: float | None = None
    for event in events:
        while pending is not None and pending <= event.at or next_hourly <= event.at:
            if pending is not None and pending <= next_hourly:
                await pass_at(pending)
                pending = None
            else:
                await pass_at(next_hourly)
                next_hourly += HOUR
        clock.advance(event.at - clock.now())
        grid = grid_map.get(event.grid_id)
        assert grid is not None
        request = NewRequest(resident=f"web:{record.opened}", text=rng.choice(words[event.category]),
                             category=event.category, location=Location.of_grid(grid, "point" if event.point else "alias"),
                             coordinates=event.point)
        opened = await domain.tickets.open(request)
        record.opened += 1
        record.linked += opened.linked
        if event.surge is not None:
            record.surge_tickets[event.surge].append((event.at, opened.ticket.number))
        due = event.at + 1.0 if not args.no_wake else math.ceil(event.at / 30.0) * 30.0
        pending = due if pending is None else min(pending, due)
    if pending is not None:
        await pass_at(pending)
    return await figures(domain.warnings.warnings, record, measured_from, len(grid_map.grids), args)


async def figures(store: Any, record: Replay, measured_from: float, grids: int, args: argparse.Namespace) -> dict[str, Any]:
    warnings = await store.raised(since=measured_from)
    surge_of = {number: k for k, tickets in record.surge_tickets.items() for _, number in tickets}
    latencies, found = [], 0
    for k, tickets in sorted(record.surge_tickets.items()):
        numbers, begin = {n for _, n in tickets}, tickets[0][0]
        hits = [w for w in warnings if w.raised_at >= begin and numbers & set(w.numbers)]
        fifth = _fifth_ticket(tickets)
        if hits:
            found += 1
            latencies.append(min(w.raised_at for w in hits) - fifth)
        if args.verbose:
            print(f"surge {k}: {len(tickets)} requests, {len(numbers)} tickets, grids "
                  f"{sorted({w.grids for w in hits})}, latency {[round(w.raised_at - fifth) for w in hits]}", file=sys.stderr)
    false = [w for w in warnings if not any(n in surge_of for n in w.numbers)]
    return {
        "seed": args.seed, "wake": not args.no_wake, "rate_scale": args.rate_scale,
        "tickets_opened": record.opened, "linked_as_duplicates": record.linked,
        "surges": len(record.surge_tickets), "surges_warned": found,
        "recall": round(found / max(1, len(record.surge_tickets)), 3),
        "warnings_raised_in_month": len(warnings), "false_warnings": len(false),
        "false_per_grid_month": round(len(false) / grids, 3),
        # negative: ordinary requests of the place had made the count before the surge's 5th ticket
        "latency_after_5th_s": {"median": round(statistics.median(latencies), 1) if latencies else None,
                                "max": round(max(latencies), 1) if latencies else None,
                                "warned_before_5th": sum(1 for x in latencies if x < 0)},
        "passes": len(record.pass_seconds),
        "pass_ms": {"mean": round(1000 * statistics.mean(record.pass_seconds), 2),
                    "p95": round(1000 * sorted(record.pass_seconds)[int(0.95 * len(record.pass_seconds))], 2),
                    "max": round(1000 * max(record.pass_seconds), 2)},
        "window_tickets": {"mean": round(statistics.mean(record.window_sizes), 1), "max": max(record.window_sizes)},
    }


def _fifth_ticket(tickets: list[tuple[float, str]]) -> float:
    """When the surge had opened its 5th ticket of its own (a request linked to an open ticket as its
    duplicate opens none); its last request when it opened fewer."""
    seen: list[str] = []
    for at, number in tickets:
        if number not in seen:
            seen.append(number)
        if len(seen) == 5:
            return at
    return tickets[-1][0]


async def busy_window(redis: Redis, count: int, seed: int) -> dict[str, Any]:
    """Pass time over a busier window: ``count`` tickets in the last 24 h (categories and places drawn as
    in the replay), after a first pass has raised what there is to raise."""
    rng, clock = random.Random(seed), ManualClock(START)
    domain = await build_domain(redis, Settings(_env_file=None, training_dir=ROOT / "training_data", admin_ids=[]), clock)
    grid_map = await domain.grids.current()
    assert grid_map is not None
    words, categories = corpus(), list(BASE_RATES)
    weights = list(BASE_RATES.values())
    for i in range(count):
        clock.advance(DAY / count)
        grid, category = rng.choice(grid_map.grids), rng.choices(categories, weights)[0]
        point = random_point(grid, rng) if rng.random() < 0.5 else None
        await domain.tickets.open(NewRequest(resident=f"web:{i}", text=rng.choice(words[category]), category=category,
                                             location=Location.of_grid(grid, "point" if point else "alias"),
                                             coordinates=point))
    await domain.warnings.run_pass()
    seconds = []
    for _ in range(20):
        started = time.perf_counter()
        await domain.warnings.run_pass()
        seconds.append(time.perf_counter() - started)
    return {"window_tickets": count, "pass_ms_median": round(1000 * statistics.median(seconds), 1)}


async def main(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedRedis(Path(tmp))
        redis = Redis.from_url(server.start(), decode_responses=True)
        try:
            await redis.flushdb()
            if args.busy_window:
                return await busy_window(redis, args.busy_window, args.seed)
            return await replay(redis, args)
        finally:
            await redis.aclose()
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--surges", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-wake", action="store_true", help="passes only every 30 s (no pass after a ticket opens)")
    parser.add_argument("--busy-window", type=int, default=0,
                        help="instead of the replay: pass time with this many tickets in the last 24 h")
    parser.add_argument("--verbose", action="store_true", help="each surge on stderr")
    parser.add_argument("--rate-scale", type=float, default=1.0, help="multiply every ordinary rate")
    print(json.dumps(asyncio.run(main(parser.parse_args())), ensure_ascii=False, indent=2))
