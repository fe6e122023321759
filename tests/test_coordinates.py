"""WGS84 ⇄ GCJ-02: the published offset, its inverse, and positions outside China left alone."""

from __future__ import annotations

import pytest

from bot.grids.coordinates import Crs, gcj02_to_wgs84, to_wgs84, wgs84_to_gcj02


def test_a_wgs84_position_in_beijing_gets_the_published_offset() -> None:
    # the reference pair of wandergis/coordtransform (the GCJ-02 algorithm as published)
    assert wgs84_to_gcj02(116.404, 39.915) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-9)


@pytest.mark.parametrize("lon, lat", [(113.7515, 23.0465), (121.5272106, 31.1774276), (87.6, 43.8), (126.6, 45.7)])
def test_gcj02_back_to_wgs84_lands_on_the_original_position(lon: float, lat: float) -> None:
    shifted = wgs84_to_gcj02(lon, lat)
    assert abs(shifted[0] - lon) + abs(shifted[1] - lat) > 1e-3  # hundreds of metres apart
    assert gcj02_to_wgs84(*shifted) == pytest.approx((lon, lat), abs=1e-8)  # about a millimetre
    assert to_wgs84(Crs.GCJ02, *shifted) == pytest.approx((lon, lat), abs=1e-8)


def test_positions_outside_china_and_wgs84_input_are_unchanged() -> None:
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(-73.98, 40.75) == (-73.98, 40.75)
    assert to_wgs84(Crs.WGS84, 113.75, 23.04) == (113.75, 23.04)
