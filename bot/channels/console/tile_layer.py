"""The console map's optional background (``GRIDBOT_MAP_TILE_URL``): the tiles of a city's own XYZ
service covering the drawing, as SVG ``<image>`` elements under the grids, at the zoom nearest the
drawing's scale (3..19, lowered until at most ``MAX_TILES`` are needed), and the service's credit under
the map. The browser fetches them from that host, which the console's CSP allows (bot/app/security.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.app.config import Settings
from bot.channels.console.html import esc
from bot.channels.console.projections import Mercator
from bot.channels.console.tiles import TILE_SIZE, tile_url, tiles_across

MIN_ZOOM, MAX_ZOOM = 3, 19
MAX_TILES = 64  # a 960 × 640 drawing needs about 35 at the nearest zoom; more would be a bad zoom


@dataclass(frozen=True)
class TileSource:
    """A checked tile URL template and the credit to show with its tiles (None: none asked for)."""

    template: str
    attribution: str | None = None


def tile_source(settings: Settings) -> TileSource | None:
    """The tile service the settings name, or None (the map is drawn without tiles)."""
    if settings.map_tile_url is None:
        return None
    return TileSource(settings.map_tile_url, settings.map_tile_attribution)


def _covering(projection: Mercator, zoom: int) -> tuple[range, range]:
    """The tile columns and rows at ``zoom`` that cover the whole drawing (a pixel more: its size is
    rounded up in the SVG)."""
    left, top, size = projection.left, projection.top, projection.size
    xs = tiles_across(left / size, (left + projection.width + 1) / size, zoom)
    ys = tiles_across(top / size, (top + projection.height + 1) / size, zoom)
    return xs, ys


def tile_zoom(projection: Mercator) -> int:
    """The tiles' zoom: the one whose tiles are nearest their own size in the drawing, within 3..19,
    lowered while the drawing would need more than ``MAX_TILES`` of them."""
    zoom = min(MAX_ZOOM, max(MIN_ZOOM, round(math.log2(projection.size / TILE_SIZE))))
    while zoom > MIN_ZOOM and math.prod(len(r) for r in _covering(projection, zoom)) > MAX_TILES:
        zoom -= 1
    return zoom


def tile_images(projection: Mercator, source: TileSource) -> str:
    """The ``<g class="tiles">`` of the drawing; each tile's edges are computed from its number, so
    neighbours share them exactly and no seam opens between them."""
    zoom = tile_zoom(projection)
    step = projection.size / 2**zoom
    xs, ys = _covering(projection, zoom)
    images = []
    for y in ys:
        top, bottom = y * step - projection.top, (y + 1) * step - projection.top
        for x in xs:
            left, right = x * step - projection.left, (x + 1) * step - projection.left
            images.append(f'<image href="{esc(tile_url(source.template, zoom, x, y))}" x="{left:.2f}" '
                          f'y="{top:.2f}" width="{right - left:.2f}" height="{bottom - top:.2f}" '
                          f'preserveAspectRatio="none"/>')
    return f'<g class="tiles" data-zoom="{zoom}">{"".join(images)}</g>'


def attribution(source: TileSource | None) -> str:
    """The credit line under a tiled map ('' when there is none)."""
    if source is None or not source.attribution:
        return ""
    return f'<p class="map-attribution">{esc(source.attribution)}</p>'
