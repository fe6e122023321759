"""The console map's patrol layer: one day's tracks inside the account's grids, and per grid who
patrolled it, how long, and how much of it the tracks covered (bot/patrol/daily.py).

Tracks are visible to the supervisors of the grids they cross and to admins only: a point outside the
account's grids is never drawn, so a town cannot follow a worker through another town's streets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.channels.console.html import esc
from bot.grids.map import Grid, GridMap
from bot.patrol.coverage import within_reach
from bot.patrol.daily import GridDay, grid_days
from bot.patrol.patrols import Patrols
from bot.patrol.track import TrackPoint
from bot.texts import console as texts
from bot.texts import patrol as patrol_texts


@dataclass(frozen=True)
class PatrolLayer:
    """What the map shows of one day's patrols."""

    day: date
    grids: list[GridDay]
    tracks: list[list[tuple[float, float]]]  # (lon, lat) runs inside the account's grids


async def patrol_layer(patrols: Patrols, grid_map: GridMap, grids: list[Grid], day: date) -> PatrolLayer:
    """The layer for the account's ``grids`` (those it may see) on ``day``."""
    shown = {g.grid_id for g in grids}
    days = await grid_days(patrols, grid_map, day, lambda grid: grid.grid_id in shown)
    runs: list[list[tuple[float, float]]] = []
    for grid_day in days:
        for track in grid_day.tracks:
            runs += _inside(track, grid_day.grid)
    return PatrolLayer(day, days, runs)


def _inside(track: list[TrackPoint], grid: Grid) -> list[list[tuple[float, float]]]:
    """The runs of consecutive points of ``track`` within reach of ``grid``."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for point in track:
        if within_reach(grid.geometry, point):
            current.append((point.lon, point.lat))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def patrol_table(layer: PatrolLayer) -> str:
    """The day picker and the per-grid table under the map."""
    picker = (f'<form method="get" action="/console/map" class="patrol-day"><label>{texts.PATROL_DAY} '
              f'<input type="date" name="day" value="{layer.day.isoformat()}"></label> '
              f'<button type="submit">{texts.SHOW}</button></form>')
    if not layer.grids:
        return f"<h2>{texts.PATROLS}</h2>{picker}<p>{texts.no_patrols_on(layer.day.isoformat())}</p>"
    head = "".join(f"<th>{esc(h)}</th>" for h in texts.PATROL_HEADER)
    rows = "".join(
        f'<tr data-grid="{esc(d.grid.grid_id)}"><td>{esc(d.grid.name)}</td><td>{esc(d.grid.community)}</td>'
        f'<td class="share">{patrol_texts.percent(d.coverage)}</td><td>{patrol_texts.minutes(d.seconds)}</td>'
        f'<td>{esc("、".join(w.worker_name or "网格员" for w in d.workers))}</td></tr>' for d in layer.grids)
    return f'<h2>{texts.PATROLS}</h2>{picker}<table class="patrols"><tr>{head}</tr>{rows}</table>'
