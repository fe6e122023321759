"""The console map's projections, lon/lat (WGS84) → SVG x/y, each fitted to the grids' bounding box
within ``WIDTH`` × ``HEIGHT``: equirectangular with the longitude shrunk by the cosine of the middle
latitude (a small area keeps its shape; the drawing without tiles), or Web Mercator, which a tile
service's images are drawn in, so that polygons, markers and tracks lie on the streets under them
(chosen in bot/channels/console/map_svg.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from bot.channels.console.tiles import world_xy

WIDTH, HEIGHT = 960.0, 640.0  # the most the drawing takes (SVG units: CSS pixels at full size)
MARGIN = 12.0
Bounds = tuple[float, float, float, float]  # west, south, east, north


class Projection(Protocol):
    """What the map's layers need of a projection: the drawing's size and where a point goes."""

    @property
    def width(self) -> float: ...

    @property
    def height(self) -> float: ...

    def point(self, lon: float, lat: float) -> tuple[float, float]: ...


@dataclass(frozen=True)
class Equirectangular:
    """Degrees scaled: ``scale`` SVG units per degree of latitude, longitude shrunk by ``shrink``."""

    west: float
    north: float
    scale: float
    shrink: float  # cos(middle latitude)
    width: float
    height: float

    @classmethod
    def fit(cls, bounds: Bounds) -> Equirectangular:
        west, south, east, north = bounds
        shrink = math.cos(math.radians((south + north) / 2))
        span_x, span_y = max((east - west) * shrink, 1e-9), max(north - south, 1e-9)
        scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
        return cls(west, north, scale, shrink, span_x * scale + 2 * MARGIN, span_y * scale + 2 * MARGIN)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (MARGIN + (lon - self.west) * self.shrink * self.scale, MARGIN + (self.north - lat) * self.scale)


@dataclass(frozen=True)
class Mercator:
    """Web Mercator: the unit world square (bot/channels/console/tiles.py) drawn ``size`` SVG units a
    side, the drawing's top-left corner at ``(left, top)`` of it (so ``size`` = 256 × 2**zoom)."""

    left: float
    top: float
    size: float
    width: float
    height: float

    @classmethod
    def fit(cls, bounds: Bounds) -> Mercator:
        west, south, east, north = bounds
        (x0, y0), (x1, y1) = world_xy(west, north), world_xy(east, south)
        span_x, span_y = max(x1 - x0, 1e-12), max(y1 - y0, 1e-12)
        size = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
        return cls(x0 * size - MARGIN, y0 * size - MARGIN, size, span_x * size + 2 * MARGIN,
                   span_y * size + 2 * MARGIN)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = world_xy(lon, lat)
        return x * self.size - self.left, y * self.size - self.top

