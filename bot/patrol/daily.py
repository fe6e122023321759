"""What a day's patrols did per grid: who patrolled it, how long, and how much of it the tracks covered;
and one patrol's summary for the worker who ends it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bot.grids.map import Grid, GridMap
from bot.patrol.coverage import coverage, seconds_in, touches
from bot.patrol.patrols import Patrol, Patrols
from bot.patrol.track import TrackPoint, length_metres


@dataclass(frozen=True)
class WorkerInGrid:
    """One worker's patrolling of one grid on one day."""

    worker: str
    worker_name: str
    seconds: float
    coverage: float


@dataclass(frozen=True)
class GridDay:
    """One grid's patrols on one day; ``coverage`` of all its tracks together."""

    grid: Grid
    coverage: float
    seconds: float
    workers: list[WorkerInGrid] = field(default_factory=list)
    tracks: list[list[TrackPoint]] = field(default_factory=list)


@dataclass(frozen=True)
class PatrolSummary:
    """What the worker is told when a patrol ends."""

    patrol: Patrol
    seconds: float
    metres: float
    grids: list[tuple[Grid, float]]  # the grids it touched, with their coverage by this patrol


async def grid_days(patrols: Patrols, grid_map: GridMap, day: date,
                    shown: Callable[[Grid], bool] = lambda grid: True) -> list[GridDay]:
    """Every grid ``shown`` (a scope's) that a patrol of ``day`` touched, in the map's order."""
    tracks = [(patrol, await patrols.track(patrol.patrol_id)) for patrol in await patrols.of_day(day)]
    days = []
    for grid in grid_map.grids:
        if not shown(grid):
            continue
        walked = [(patrol, track) for patrol, track in tracks if touches(grid.geometry, track)]
        if walked:
            days.append(_grid_day(grid, walked))
    return days


def _grid_day(grid: Grid, walked: list[tuple[Patrol, list[TrackPoint]]]) -> GridDay:
    by_worker: dict[str, list[tuple[Patrol, list[TrackPoint]]]] = {}
    for patrol, track in walked:
        by_worker.setdefault(patrol.worker, []).append((patrol, track))
    workers = [WorkerInGrid(worker, mine[0][0].worker_name,
                            sum(seconds_in(grid.geometry, track) for _, track in mine),
                            coverage(grid.geometry, [track for _, track in mine]))
               for worker, mine in by_worker.items()]
    all_tracks = [track for _, track in walked]
    return GridDay(grid, coverage(grid.geometry, all_tracks), sum(w.seconds for w in workers), workers, all_tracks)


def summarise(patrol: Patrol, track: list[TrackPoint], grid_map: GridMap | None) -> PatrolSummary:
    """Duration, distance and the coverage of each grid the patrol touched."""
    end = patrol.ended_at if patrol.ended_at is not None else (track[-1].at if track else patrol.started_at)
    grids = [(grid, coverage(grid.geometry, [track])) for grid in (grid_map.grids if grid_map else ())
             if touches(grid.geometry, track)]
    return PatrolSummary(patrol, max(0.0, end - patrol.started_at), length_metres(track), grids)
