"""The console map as server-side SVG: grid polygons projected from WGS84 lon/lat
(bot/channels/console/projections.py; over a city's map tiles when ``GRIDBOT_MAP_TILE_URL`` is set,
bot/channels/console/tile_layer.py) and open tickets as markers coloured by state (classes in
``static/console.css``), each a link to its page. A ticket is drawn where its resident shared a point,
else at its grid's representative point (several there are spread on a small circle so that each can be
clicked)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from bot.channels.console.html import esc
from bot.channels.console.projections import Bounds, Equirectangular, Mercator, Projection
from bot.channels.console.tile_layer import TileSource, attribution, tile_images
from bot.grids.map import Grid
from bot.tickets.board_map import MapTicket

MARKER_RADIUS = 6.0


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


def _projected(bounds: Bounds, tiles: TileSource | None) -> tuple[Projection, str]:
    """The projection of a map of ``bounds`` and what lies under its grids: Web Mercator and the tiles
    when there are tiles (they are drawn in it), equirectangular and nothing otherwise."""
    if tiles is None:
        return Equirectangular.fit(bounds), ""
    mercator = Mercator.fit(bounds)
    return mercator, tile_images(mercator, tiles)


def map_svg(grids: list[Grid], tickets: list[MapTicket], title: str, markers_label: str,
            tracks: Sequence[Sequence[tuple[float, float]]] = (), tracks_label: str = "",
            tiles: TileSource | None = None) -> str:
    """The grids (each a link to the board filtered to it), the patrol ``tracks`` (lon, lat) and the
    tickets' markers, over ``tiles`` when given (then with their credit under the drawing); '' without
    grids."""
    if not grids:
        return ""
    west = min(g.geometry.bounds[0] for g in grids)
    south = min(g.geometry.bounds[1] for g in grids)
    east = max(g.geometry.bounds[2] for g in grids)
    north = max(g.geometry.bounds[3] for g in grids)
    projection, background = _projected((west, south, east, north), tiles)
    shapes = [background]
    for grid in grids:
        label = projection.point(*grid.geometry.representative_point().coords[0])
        shapes.append(f'<a href="/console?grid={esc(grid.grid_id)}" data-grid="{esc(grid.grid_id)}">'
                      f'<path class="grid" d="{_path(projection, grid.geometry)}"><title>{esc(grid.name)} · '
                      f'{esc(grid.community)}</title></path><text class="grid-name" x="{label[0]:.1f}" '
                      f'y="{label[1] + MARKER_RADIUS * 2:.1f}">{esc(grid.name)}</text></a>')
    markers = _tracks(projection, tracks, tracks_label)
    markers += _markers(projection, {g.grid_id: g for g in grids}, tickets, markers_label)
    width, height = f"{projection.width:.0f}", f"{projection.height:.0f}"
    return (f'<svg class="map{" tiled" if tiles else ""}" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg">'
            f'{"".join(shapes)}{markers}</svg>{attribution(tiles)}')
