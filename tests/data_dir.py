"""Tickets put into a data dir's embedded Redis as `gridbot serve` would have opened them, for CLI tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app.runtime import Domain


@dataclass(frozen=True)
class Request:
    """A resident's request located in a grid of the data dir's map."""

    grid_id: str
    text: str
    category: str = "municipal"
    urgent: bool = False
    source: str = "resident"  # patrol: a field report, filed by the worker telegram:NUMBER


@asynccontextmanager
async def data_dir_domain(data_dir: Path) -> AsyncIterator[Domain]:
    """The domain a `gridbot` command builds on ``data_dir``: its embedded Redis, joined or started (and
    stopped after, when this started it), as ``run_gridbot`` runs the command."""
    from bot.app.config import Settings
    from bot.app.runtime import build_domain, redis_connection

    settings = Settings(_env_file=None, data_dir=data_dir, redis_url=None, redis_sentinels=[])
    async with redis_connection(settings) as redis:
        yield await build_domain(redis, settings)


def open_tickets(data_dir: Path, *requests: Request) -> list[str]:
    """Open one ticket per request (in order) in the data dir; returns their numbers."""
    from bot.grids.map import Location
    from bot.tickets.service import NewRequest

    async def open_all() -> list[str]:
        async with data_dir_domain(data_dir) as domain:
            grid_map = await domain.grids.current()
            assert grid_map is not None
            numbers = []
            for number, request in enumerate(requests, 1):
                location = Location.of_grid(grid_map.get(request.grid_id), "alias")
                filer = f"telegram:{number}" if request.source != "patrol" else f"patrol:telegram:{number}"
                opened = await domain.tickets.open(NewRequest(filer, request.text, request.category,
                                                              urgent=request.urgent, location=location,
                                                              source=request.source))
                numbers.append(opened.ticket.number)
            return numbers

    return asyncio.run(open_all())
