"""A patrol's track: points (WGS84) thinned as they come, distances in metres.

A live location arrives every few seconds; keeping every one would fill Redis with points that say
nothing new. A point is kept when it is at least ``MIN_METRES`` from the last kept one, or
``MIN_SECONDS`` later (so a worker standing at one place still shows as there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_000.0
MIN_METRES = 20.0
MIN_SECONDS = 60.0


@dataclass(frozen=True)
class TrackPoint:
    """Where the worker was (WGS84) and when (epoch seconds)."""

    lat: float
    lon: float
    at: float

    def encode(self) -> str:
        return f"{self.lat:.6f},{self.lon:.6f},{self.at:.0f}"

    @classmethod
    def decode(cls, raw: str) -> TrackPoint:
        lat, lon, at = raw.split(",")
        return cls(float(lat), float(lon), float(at))


def metres_between(a: TrackPoint, b: TrackPoint) -> float:
    """Great-circle distance (haversine) between two points."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi, dlon = phi2 - phi1, math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def worth_keeping(last: TrackPoint | None, point: TrackPoint) -> bool:
    """Whether ``point`` says something the last kept point does not (see the module's docstring)."""
    if last is None:
        return True
    if point.at < last.at:  # an older position delivered late: the track already went past it
        return False
    return metres_between(last, point) >= MIN_METRES or point.at - last.at >= MIN_SECONDS


def length_metres(points: list[TrackPoint]) -> float:
    """The walked length of a track."""
    return sum(metres_between(a, b) for a, b in zip(points, points[1:]))
