"""The console map as server-side SVG: grid polygons projected from WGS84 lon/lat (equirectangular,
longitude shrunk by the cosine of the middle latitude, so a small area keeps its shape; no tiles) and
open tickets as markers coloured by state (classes in ``static/console.css``), each a link to its page.
A ticket is drawn where its resident shared a point, else at its grid's representative point (several
there are spread on a small circle so that each can be clicked)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from bot.channels.console.html import esc
from bot.grids.map import Grid
from bot.tickets.board_map import MapTicket

WIDTH, HEIGHT = 960.0, 640.0  # the most the drawing takes (SVG units: CSS pixels at full size)
MARGIN = 12.0
MARKER_RADIUS = 6.0


@dataclass(frozen=True)
class Projection:
    """lon/lat → SVG x/y for a bounding box, fitted within ``WIDTH`` × ``HEIGHT`` (its shape kept)."""

    west: float
    north: float
    scale: float  # SVG units per degree of latitude
    shrink: float  # cos(middle latitude)
    width: float
    height: float

    @classmethod
    def fit(cls, bounds: tuple[float, float, float, float]) -> Projection:
        west, south, east, north = bounds
        shrink = math.cos(math.radians((south + north) / 2))
        span_x, span_y = max((east - west) * shrink, 1e-9), max(north - south, 1e-9)
        scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
        return cls(west, north, scale, shrink, span_x * scale + 2 * MARGIN, span_y * scale + 2 * MARGIN)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (MARGIN + (lon - self.west) * self.shrink * self.scale, MARGIN + (self.north - lat) * self.scale)


def _rings(geometry: BaseGeometry) -> Iterable[list[tuple[float, ...]]]:
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    for polygon in polygons:
        if isinstance(polygon, Polygon):
            for ring in (polygon.exterior, *polygon.interiors):
                yield [tuple(xy) for xy in ring.coords]


def _path(projection: Projection, geometry: BaseGeometry) -> str:
    parts = []
    for ring in _rings(geometry):
        points = [projection.point(xy[0], xy[1]) for xy in ring]
        parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z")
    return " ".join(parts)


def _markers(projection: Projection, grids: dict[str, Grid], tickets: list[MapTicket], label: str) -> str:
    at_grid: dict[str, int] = {}
    marks = []
    for ticket in tickets:
        if ticket.point is not None:
            x, y = projection.point(*ticket.point)
        elif ticket.grid_id in grids:
            centre = grids[ticket.grid_id].geometry.representative_point()
            x, y = projection.point(centre.x, centre.y)
            y -= MARKER_RADIUS * 4  # above the grid's name
            n = at_grid[ticket.grid_id] = at_grid.get(ticket.grid_id, -1) + 1
            if n:  # spread on a circle (a turn in 8 places, growing a little each turn)
                angle, reach = n * math.pi / 4, MARKER_RADIUS * 2.6 * (1 + n // 8)
                x, y = x + reach * math.cos(angle), y + reach * math.sin(angle)
        else:
            continue
        marks.append(f'<a href="/console/tickets/{esc(ticket.number)}" data-number="{esc(ticket.number)}">'
                     f'<circle class="marker state-{esc(ticket.status)}" cx="{x:.1f}" cy="{y:.1f}" '
                     f'r="{MARKER_RADIUS}"><title>{esc(ticket.number)} · {esc(ticket.status.label)} · '
                     f'{esc(ticket.text[:40])}</title></circle></a>')
    return f'<g class="markers" aria-label="{esc(label)}">{"".join(marks)}</g>'


def _tracks(projection: Projection, tracks: Sequence[Sequence[tuple[float, float]]], label: str) -> str:
    lines = []
    for track in tracks:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (projection.point(lon, lat) for lon, lat in track))
        if len(track) > 1:
            lines.append(f'<polyline class="track" points="{points}"/>')
    return f'<g class="tracks" aria-label="{esc(label)}">{"".join(lines)}</g>' if lines else ""


def map_svg(grids: list[Grid], tickets: list[MapTicket], title: str, markers_label: str,
            tracks: Sequence[Sequence[tuple[float, float]]] = (), tracks_label: str = "") -> str:
    """The grids (each a link to the board filtered to it), the patrol ``tracks`` (lon, lat) and the
    tickets' markers; '' without grids."""
    if not grids:
        return ""
    west = min(g.geometry.bounds[0] for g in grids)
    south = min(g.geometry.bounds[1] for g in grids)
    east = max(g.geometry.bounds[2] for g in grids)
    north = max(g.geometry.bounds[3] for g in grids)
    projection = Projection.fit((west, south, east, north))
    shapes = []
    for grid in grids:
        label = projection.point(*grid.geometry.representative_point().coords[0])
        shapes.append(f'<a href="/console?grid={esc(grid.grid_id)}" data-grid="{esc(grid.grid_id)}">'
                      f'<path class="grid" d="{_path(projection, grid.geometry)}"><title>{esc(grid.name)} · '
                      f'{esc(grid.community)}</title></path><text class="grid-name" x="{label[0]:.1f}" '
                      f'y="{label[1] + MARKER_RADIUS * 2:.1f}">{esc(grid.name)}</text></a>')
    markers = _tracks(projection, tracks, tracks_label)
    markers += _markers(projection, {g.grid_id: g for g in grids}, tickets, markers_label)
    width, height = f"{projection.width:.0f}", f"{projection.height:.0f}"
    return (f'<svg class="map" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg">{"".join(shapes)}{markers}</svg>')
