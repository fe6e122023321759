"""Coordinates in mainland China: WGS84 (GPS, GeoJSON, Telegram) and GCJ-02 (Tencent, AMap, WeChat).

Chinese map services publish positions in GCJ-02, WGS84 shifted by a published non-linear offset of a
few hundred metres. gridbot stores and compares everything in WGS84, so positions from those services
are converted on the way in. Outside China GCJ-02 is WGS84 unchanged. Every function takes and returns
``(lon, lat)``, the order of GeoJSON positions.
"""

from __future__ import annotations

import math
from enum import StrEnum

# The offset is defined on the Krasovsky 1940 ellipsoid.
_AXIS = 6378245.0
_ECCENTRICITY_SQUARED = 0.00669342162296594323
# Converting back is a fixed-point iteration; 1e-10 degree is about a hundredth of a millimetre.
_TOLERANCE_DEGREES = 1e-10
_MAX_ROUNDS = 30


class Crs(StrEnum):
    """A coordinate reference system positions can come in."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"


def in_china(lon: float, lat: float) -> bool:
    """Whether the GCJ-02 offset applies at this position (a box around mainland China)."""
    return 73.66 < lon < 135.05 and 3.86 < lat < 53.55


def _offset(lon: float, lat: float) -> tuple[float, float]:
    """The GCJ-02 shift (degrees of lon, lat) at a WGS84 position in China."""
    x, y = lon - 105.0, lat - 35.0
    waves = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + waves
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + waves
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _ECCENTRICITY_SQUARED * math.sin(rad_lat) ** 2
    d_lat = d_lat * 180.0 / (_AXIS * (1 - _ECCENTRICITY_SQUARED) / (magic * math.sqrt(magic)) * math.pi)
    d_lon = d_lon * 180.0 / (_AXIS / math.sqrt(magic) * math.cos(rad_lat) * math.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """A WGS84 position as Chinese map services show it."""
    if not in_china(lon, lat):
        return lon, lat
    d_lon, d_lat = _offset(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """A GCJ-02 position in WGS84: the WGS84 position whose GCJ-02 image it is (to well under a metre)."""
    if not in_china(lon, lat):
        return lon, lat
    wgs_lon, wgs_lat = lon, lat
    for _ in range(_MAX_ROUNDS):
        shifted_lon, shifted_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
        miss_lon, miss_lat = shifted_lon - lon, shifted_lat - lat
        wgs_lon, wgs_lat = wgs_lon - miss_lon, wgs_lat - miss_lat
        if abs(miss_lon) < _TOLERANCE_DEGREES and abs(miss_lat) < _TOLERANCE_DEGREES:
            break
    return wgs_lon, wgs_lat


def to_wgs84(crs: Crs, lon: float, lat: float) -> tuple[float, float]:
    """A position given in ``crs``, in WGS84."""
    return gcj02_to_wgs84(lon, lat) if crs == Crs.GCJ02 else (lon, lat)
