"""Importing a grid map: the whole file, or town by town into the current map (``merge``).

Either way, a grid the new map no longer has while workers are bound to it or tickets in it are still
open is not dropped silently: the import is refused, naming those grids, unless it is ``force``d.
Overlapping grids are allowed (a point there goes to the smallest grid_id) but reported, so that an
operator can see a misdrawn polygon.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import shapely

from bot.grids.coordinates import Crs, to_wgs84
from bot.grids.map import GridMap, GridMapError
from bot.grids.store import GridStore
from bot.people.directory import People
from bot.tickets.store import TicketStore


@dataclass(frozen=True)
class GridInUse:
    """A grid that still has workers or open tickets."""

    grid_id: str
    workers: int
    open_tickets: int


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did, or why it did not."""

    grid_map: GridMap  # the map that is current now (or would have been)
    version: int | None  # the new map version; None: refused, the previous map stays
    dropped: tuple[str, ...]  # grid ids of the previous map that the new one lacks
    in_use: tuple[GridInUse, ...]  # the dropped grids that still had workers or open tickets
    overlaps: tuple[tuple[str, str], ...]  # pairs of grid ids whose areas overlap

    @property
    def refused(self) -> bool:
        return self.version is None


def in_wgs84(grid_map: GridMap, crs: Crs) -> GridMap:
    """``grid_map`` read in ``crs``, with every position converted to WGS84."""
    if crs == Crs.WGS84:
        return grid_map

    def convert(positions: np.ndarray) -> np.ndarray:
        return np.array([to_wgs84(crs, lon, lat) for lon, lat in positions])

    return GridMap(replace(grid, geometry=shapely.transform(grid.geometry, convert)) for grid in grid_map.grids)


def merged(current: GridMap | None, incoming: GridMap) -> GridMap:
    """The current map with the towns of ``incoming`` replaced by its grids; other towns kept."""
    if current is None:
        return incoming
    towns = set(incoming.towns())
    kept = [grid for grid in current.grids if grid.town not in towns]
    for grid in kept:
        if (clash := incoming.get(grid.grid_id)) is not None:
            raise GridMapError(f"grid_id {grid.grid_id!r} is already a grid of {grid.town}, which --merge keeps "
                               f"(the file's {grid.grid_id!r} is in {clash.town})")
    return GridMap([*kept, *incoming.grids])


class GridImporter:
    """Checks a new map against what still uses the current one, then makes it current."""

    def __init__(self, grids: GridStore, people: People, store: TicketStore) -> None:
        self.grids = grids
        self.people = people
        self.store = store

    async def run(self, incoming: GridMap, *, merge: bool = False, force: bool = False) -> ImportOutcome:
        """Import ``incoming`` whole, or by town with ``merge``; refuse to drop grids in use unless ``force``."""
        planned = await self.plan(incoming, merge=merge)
        if planned.in_use and not force:
            return planned
        return replace(planned, version=await self.grids.import_map(planned.grid_map))

    async def plan(self, incoming: GridMap, *, merge: bool = False) -> ImportOutcome:
        """What importing ``incoming`` would do (its ``version`` None: nothing changed), for a preview."""
        current = await self.grids.current()
        new_map = merged(current, incoming) if merge else incoming
        dropped = tuple(grid.grid_id for grid in (current.grids if current else ()) if new_map.get(grid.grid_id) is None)
        return ImportOutcome(new_map, None, dropped, tuple(await self.in_use(dropped)), tuple(new_map.overlapping_pairs()))

    async def in_use(self, grid_ids: tuple[str, ...]) -> list[GridInUse]:
        """The grids among ``grid_ids`` that have workers or open tickets."""
        found = []
        for grid_id in grid_ids:
            workers = len(await self.people.workers_of_grid(grid_id))
            open_tickets = await self.store.count_open_in_grid(grid_id)
            if workers or open_tickets:
                found.append(GridInUse(grid_id, workers, open_tickets))
        return found
