"""How much of a grid a day's tracks covered, and how long a worker spent in it.

A track covers what lies within ``REACH_METRES`` of it (what a worker walking by sees). The grid polygon
and the tracks are projected to local metres (equirectangular about the grid's centre: exact enough
over a few kilometres), the tracks buffered, and the share of the grid's area inside the buffer is the
coverage. Time in a grid is the sum of the track's steps whose midpoint lies in it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely import transform
from shapely.ops import unary_union

from bot.patrol.track import EARTH_RADIUS_M, TrackPoint

REACH_METRES = 50.0
_REACH_DEGREES = REACH_METRES / (math.radians(1) * EARTH_RADIUS_M)
# A step longer than this in time is a gap (the phone slept): not counted as time in the grid.
MAX_STEP_SECONDS = 15 * 60


@dataclass(frozen=True)
class LocalMetres:
    """Lon/lat → metres east and north of a centre (equirectangular)."""

    lat: float
    lon: float

    @property
    def scale(self) -> tuple[float, float]:
        metres_per_degree = math.radians(1) * EARTH_RADIUS_M
        return metres_per_degree * math.cos(math.radians(self.lat)), metres_per_degree

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        sx, sy = self.scale
        return (lon - self.lon) * sx, (lat - self.lat) * sy

    def array(self, coords: np.ndarray) -> np.ndarray:
        sx, sy = self.scale
        return (coords - np.array([self.lon, self.lat])) * np.array([sx, sy])


def coverage(grid: BaseGeometry, tracks: Sequence[Sequence[TrackPoint]]) -> float:
    """The share (0…1) of ``grid`` (lon/lat polygon) within reach of the ``tracks``."""
    if grid.is_empty or not tracks:
        return 0.0
    centre = grid.centroid
    local = LocalMetres(centre.y, centre.x)
    area = transform(grid, local.array)
    if area.area <= 0:
        return 0.0
    shapes = []
    for track in tracks:
        xy = [local.point(p.lon, p.lat) for p in track]
        shapes.append(LineString(xy) if len(xy) > 1 else Point(xy[0]) if xy else None)
    reached = unary_union([s.buffer(REACH_METRES) for s in shapes if s is not None])
    return min(1.0, area.intersection(reached).area / area.area)


def seconds_in(grid: BaseGeometry, track: Sequence[TrackPoint]) -> float:
    """How long the track was inside ``grid`` (steps whose midpoint lies in it; gaps left out)."""
    total = 0.0
    for a, b in zip(track, track[1:]):
        step = b.at - a.at
        if 0 < step <= MAX_STEP_SECONDS and grid.covers(Point((a.lon + b.lon) / 2, (a.lat + b.lat) / 2)):
            total += step
    return total


def within_reach(grid: BaseGeometry, point: TrackPoint) -> bool:
    """Whether ``point`` lies in ``grid`` or within ``REACH_METRES`` of it (in degrees: near enough
    over a grid's few hundred metres)."""
    return bool(grid.distance(Point(point.lon, point.lat)) <= _REACH_DEGREES)


def touches(grid: BaseGeometry, track: Sequence[TrackPoint]) -> bool:
    """Whether any point of the track lies in ``grid`` or within reach of it."""
    return any(within_reach(grid, p) for p in track)
