"""Tickets put into a data dir's embedded Redis as `gridbot serve` would have opened them, for CLI tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Request:
    """A resident's request located in a grid of the data dir's map."""

    grid_id: str
    text: str
    category: str = "municipal"
    urgent: bool = False


def open_tickets(data_dir: Path, *requests: Request) -> list[str]:
    """Open one ticket per request (in order) in the data dir; returns their numbers."""
    from redis.asyncio import Redis

    from bot.app.config import Settings
    from bot.grids.map import Location
    from bot.infra.embedded_redis import EmbeddedRedis
    from bot.app.runtime import build_domain
    from bot.tickets.service import NewRequest

    async def open_all() -> list[str]:
        server = EmbeddedRedis(data_dir)
        redis = Redis.from_url(server.start(), decode_responses=True)
        try:
            domain = await build_domain(redis, Settings(_env_file=None, data_dir=data_dir))
            grid_map = await domain.grids.current()
            numbers = []
            for number, request in enumerate(requests, 1):
                location = Location.of_grid(grid_map.get(request.grid_id), "alias")
                opened = await domain.tickets.open(NewRequest(f"telegram:{number}", request.text, request.category,
                                                              urgent=request.urgent, location=location))
                numbers.append(opened.ticket.number)
            return numbers
        finally:
            await redis.aclose()
            server.stop()

    return asyncio.run(open_all())
