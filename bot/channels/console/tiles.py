"""Web Mercator tile maths of the XYZ ("slippy map") scheme that city tile services use: a point's
place in the world square, the tile holding it at a zoom, a tile's north-west corner, and a tile's URL
from a ``{z}/{x}/{y}`` template. The world square is 1 × 1 here; at zoom z it is 2**z tiles of
``TILE_SIZE`` pixels a side, x growing eastwards from 180°W and y southwards from 85.0511°N."""

from __future__ import annotations

import math

TILE_SIZE = 256  # pixels a side of one tile, as every XYZ service draws them
MAX_LATITUDE = math.degrees(math.atan(math.sinh(math.pi)))  # 85.0511…°: where the square ends


def world_xy(lon: float, lat: float) -> tuple[float, float]:
    """``(lon, lat)`` in WGS84 degrees → its place in the unit world square (0..1, 0..1)."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2
    return (lon + 180) / 360, y


def world_lonlat(x: float, y: float) -> tuple[float, float]:
    """The inverse of :func:`world_xy`."""
    return x * 360 - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The tile ``(x, y)`` holding ``(lon, lat)`` at ``zoom``."""
    x, y = world_xy(lon, lat)
    last = 2**zoom - 1
    return min(last, max(0, math.floor(x * 2**zoom))), min(last, max(0, math.floor(y * 2**zoom)))


def tile_corner(x: int, y: int, zoom: int) -> tuple[float, float]:
    """The north-west corner ``(lon, lat)`` of tile ``(x, y)`` at ``zoom``."""
    return world_lonlat(x / 2**zoom, y / 2**zoom)


def tiles_across(start: float, end: float, zoom: int) -> range:
    """The tile numbers (x or y) at ``zoom`` covering ``start``..``end`` of the unit square, those
    outside the world left out."""
    first = max(0, math.floor(start * 2**zoom))
    last = min(2**zoom - 1, math.ceil(end * 2**zoom) - 1)
    return range(first, max(first, last + 1))


def tile_url(template: str, zoom: int, x: int, y: int) -> str:
    """``template`` (a checked ``GRIDBOT_MAP_TILE_URL``) with ``{z}``, ``{x}`` and ``{y}`` filled in."""
    return template.replace("{z}", str(zoom)).replace("{x}", str(x)).replace("{y}", str(y))
