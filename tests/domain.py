"""Builders for domain tests: a small grid map, and the ticket service wired to a real Redis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from bot.app import runtime
from bot.app.config import Settings
from bot.infra import keys
from bot.infra.clock import ManualClock
from bot.grids.map import GridMap
from bot.grids.store import GridStore
from bot.tickets.notifications import Notification
from bot.tickets.scheduler import Scheduler
from bot.tickets.store import TicketStore
from tests.conftest import TRAINING_DIR

# 2026-11-24 09:00 in Asia/Shanghai
START = 1795482000.0


def square(lon: float, lat: float, size: float = 0.01) -> list[list[list[float]]]:
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


def feature(grid_id: str, name: str, community: str, town: str, lon: float, lat: float, aliases: list[str]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": square(lon, lat)},
        "properties": {"grid_id": grid_id, "name": name, "community": community, "town": town, "aliases": aliases},
    }


def two_community_map() -> dict[str, Any]:
    """Two communities of one town: 河东 (two grids) and 河西 (one grid)."""
    return {
        "type": "FeatureCollection",
        "features": [
            feature("HD-01", "河东一网格", "河东社区", "新城街道", 113.70, 23.00, ["滨河路", "翠竹花园"]),
            feature("HD-02", "河东二网格", "河东社区", "新城街道", 113.71, 23.00, ["学府路", "明德中学"]),
            feature("HX-01", "河西一网格", "河西社区", "新城街道", 113.72, 23.00, ["西湖大道", "金沙湾小区"]),
        ],
    }


@dataclass
class Domain(runtime.Domain):
    """The domain objects of a gridbot process (built as `gridbot serve` builds them), with a manual clock
    and the map they were given."""

    clock: ManualClock
    grid_map: GridMap

    async def outbox(self) -> list[Notification]:
        """Every notification written so far, to any channel, in the order written."""
        entries = []
        for channel in ("telegram", "web"):
            entries += await self.redis.xrange(keys.outbox(channel))
        return [Notification.from_fields(fields) for _, fields in sorted(entries, key=lambda e: tuple(map(int, e[0].split("-"))))]

    def scheduler(self) -> Scheduler:
        """A scheduler of its own, as another `gridbot serve` process would run."""
        return Scheduler(TicketStore(self.redis), self.tickets, self.clock)


async def build_domain(redis: Redis, admin_ids: Sequence[int] = ()) -> Domain:
    """Production's :func:`bot.app.runtime.build_domain` on the two-community map, at START."""
    clock = ManualClock(START)
    grid_map = GridMap.from_geojson(two_community_map())
    await GridStore(redis).import_map(grid_map)  # imported first, so the demo map is not loaded
    settings = Settings(_env_file=None, training_dir=TRAINING_DIR, admin_ids=list(admin_ids))
    domain = await runtime.build_domain(redis, settings, clock)
    return Domain(**vars(domain), clock=clock, grid_map=grid_map)
