"""Ticket benchmark against the embedded Redis: tickets opened/s, transitions/s, round trips.

Baselines in the same run: PING round trips/s (the floor of any request/response) and a bare
pipelined write of the same size as a ticket (HSET + RPUSH + XADD) — so the figures are comparable
across machines as ratios. Round trips are counted at the client: one per packet of commands sent.

Run: .venv/bin/python benchmarks/bench_tickets.py [--tickets N] [--concurrency C]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redis.asyncio import ConnectionPool, Redis  # noqa: E402
from redis.asyncio.connection import UnixDomainSocketConnection  # noqa: E402

from bot.app.config import Settings  # noqa: E402
from bot.app.runtime import build_domain  # noqa: E402
from bot.grids.map import Location  # noqa: E402
from bot.infra.embedded_redis import EmbeddedRedis  # noqa: E402
from bot.tickets.service import NewRequest  # noqa: E402

ROUND_TRIPS = [0]


class CountingConnection(UnixDomainSocketConnection):
    """Counts every packet of commands sent: one per round trip."""

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        ROUND_TRIPS[0] += 1
        await super().send_packed_command(command, check_health)


async def rate(label: str, count: int, concurrency: int, make: Any) -> dict[str, float]:
    """Run ``make(i)`` for i in range(count) with ``concurrency`` workers; ops/s and round trips/op."""
    queue = iter(range(count))
    ROUND_TRIPS[0] = 0

    async def worker() -> None:
        for i in queue:
            await make(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    return {f"{label}_per_s": round(count / seconds), f"{label}_round_trips": round(ROUND_TRIPS[0] / count, 2)}


async def main(count: int, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedRedis(Path(tmp))
        server.start()
        pool = ConnectionPool(connection_class=CountingConnection, path=str(server.socket_path),
                              decode_responses=True, max_connections=concurrency + 4)
        redis = Redis(connection_pool=pool)
        try:
            return await run(redis, count, concurrency)
        finally:
            await redis.aclose()
            server.stop()


async def run(redis: Redis, count: int, concurrency: int) -> dict[str, Any]:
    await redis.flushdb()
    # wired as `gridbot serve` wires it, on the demo map (loaded into the empty Redis)
    domain = await build_domain(redis, Settings(_env_file=None, training_dir=ROOT / "training_data", admin_ids=[]))
    grid_map = await domain.grids.current()
    assert grid_map is not None
    people, taxonomy, tickets = domain.people, domain.taxonomy, domain.tickets
    # three workers in every grid of the demo map; requests spread over grids and categories
    workers_of = {g.grid_id: [f"telegram:{100 + 10 * n + i}" for i in range(3)] for n, g in enumerate(grid_map.grids)}
    for grid_id, keys_ in workers_of.items():
        for key in keys_:
            await people.add_worker(key, grid_id, "网格员")
    grid_of = [grid_map.grids[i % len(grid_map.grids)] for i in range(count)]
    categories = taxonomy.codes
    workers = [workers_of[grid_of[i].grid_id][i % 3] for i in range(count)]
    results: dict[str, Any] = {"tickets": count, "concurrency": concurrency}

    results.update(await rate("ping", count, concurrency, lambda i: redis.ping()))

    async def bare_write(i: int) -> None:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.hset(f"bench:t:{i}", mapping={"status": "assigned", "text": "路灯坏了", "grid": "GC-XY-01"})
            pipe.rpush(f"bench:a:{i}", "open")
            pipe.xadd("bench:outbox", {"kind": "new_ticket"})
            await pipe.execute()

    results.update(await rate("bare_write", count, concurrency, bare_write))

    numbers: dict[int, str] = {}
    rng = random.Random(1)
    hanzi = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    # random characters: no two requests alike, so none is linked to another as a duplicate
    texts = ["".join(rng.choice(hanzi) for _ in range(24)) for _ in range(count)]

    async def open_ticket(i: int) -> None:
        grid = grid_of[i]
        location = Location.of_grid(grid, "alias", grid.aliases[0])
        request = NewRequest(f"telegram:{10_000 + i}", texts[i], categories[i % len(categories)], location=location)
        opened = await tickets.open(request)
        assert not opened.linked
        numbers[i] = opened.ticket.number

    results.update(await rate("open", count, concurrency, open_ticket))

    async def accept(i: int) -> None:
        assert (await tickets.accept(numbers[i], workers[i])).ok

    async def resolve(i: int) -> None:
        assert (await tickets.resolve(numbers[i], workers[i], "已修好")).ok

    async def rate_it(i: int) -> None:
        assert (await tickets.rate(numbers[i], f"telegram:{10_000 + i}", 5)).ok

    for label, step in (("accept", accept), ("resolve", resolve), ("rate", rate_it)):
        results.update(await rate(label, count, concurrency, step))
    transitions = [results[f"{label}_per_s"] for label in ("accept", "resolve", "rate")]
    results["transitions_per_s"] = round(sum(transitions) / len(transitions))
    results["open_vs_bare_write"] = round(results["open_per_s"] / results["bare_write_per_s"], 3)
    results["open_vs_ping"] = round(results["open_per_s"] / results["ping_per_s"], 3)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.tickets, args.concurrency)), indent=2))
