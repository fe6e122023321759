"""The grid map in Redis, versioned, so every process locates with the same map.

Import writes a new version and switches ``current`` in one transaction; each process keeps the parsed
map of the version it last saw and reloads only when ``current`` moves. Which version is current is
looked up at most once a ``recheck_seconds`` (default one second), so locating a request costs no round
trip; a map imported by another process is in use everywhere a second later.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from redis.asyncio import Redis

from bot.infra import keys
from bot.grids.map import GridMap, GridMapError


class GridStore:
    """Versioned grid map storage with a per-process parsed cache."""

    def __init__(self, redis: Redis, recheck_seconds: float = 1.0) -> None:
        self.redis = redis
        self.recheck_seconds = recheck_seconds
        self._cached: tuple[int, GridMap] | None = None
        self._checked_at = float("-inf")
        self._refreshing: asyncio.Future[GridMap | None] | None = None  # the one check in flight

    async def import_map(self, grid_map: GridMap) -> int:
        """Store ``grid_map`` as a new version and make it current; returns the version."""
        version = int(await self.redis.incr(keys.grid_map_version()))
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.grid_map(version), json.dumps(grid_map.to_geojson(), ensure_ascii=False))
            pipe.set(keys.grid_map_current(), version)
            await pipe.execute()
        self._cached, self._checked_at = (version, grid_map), time.monotonic()
        return version

    async def current_version(self) -> int | None:
        raw = await self.redis.get(keys.grid_map_current())
        return int(raw) if raw is not None else None

    async def current(self) -> GridMap | None:
        """The current map (None when none was imported)."""
        if self._cached is not None and time.monotonic() - self._checked_at < self.recheck_seconds:
            return self._cached[1]
        # Requests arriving together share one check instead of each paying a round trip.
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.ensure_future(self._refresh())
        return await asyncio.shield(self._refreshing)

    async def _refresh(self) -> GridMap | None:
        version = await self.current_version()
        if version is None:
            return None
        if self._cached is None or self._cached[0] != version:
            raw = await self.redis.get(keys.grid_map(version))
            if raw is None:
                return None
            self._cached = (version, GridMap.from_geojson(raw))
        self._checked_at = time.monotonic()
        return self._cached[1]

    async def ensure_default(self, demo_path: Path) -> bool:
        """Import the demo map when no map was ever imported; True if it did."""
        if await self.current_version() is not None:
            return False
        try:
            grid_map = GridMap.from_geojson(demo_path.read_bytes())
        except (OSError, GridMapError):
            return False
        await self.import_map(grid_map)
        return True
