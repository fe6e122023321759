"""The console map's tile layer without a service: the XYZ tile maths against known values, the zoom
chosen for a map (nearest the drawing's scale, 3..19, at most 64 tiles), and the tile URL settings
refused with the setting named."""

from __future__ import annotations

import math
import re

import pytest
from pydantic import ValidationError
from shapely.geometry import box

from bot.app.config import Settings
from bot.channels.console.map_svg import map_svg
from bot.channels.console.projections import Mercator
from bot.channels.console import tile_layer
from bot.channels.console.tile_layer import MAX_TILES, TileSource, tile_zoom
from bot.channels.console.tiles import MAX_LATITUDE, tile_corner, tile_of, tile_url, world_lonlat, world_xy
from bot.grids.map import Grid

TEMPLATE = "https://tiles.city.gov.cn/{z}/{x}/{y}.png"


def test_the_tile_maths_gives_the_known_tiles() -> None:
    assert tile_of(0.0, 0.0, 1) == (1, 1) and tile_corner(1, 1, 1) == pytest.approx((0.0, 0.0), abs=1e-12)
    assert tile_of(-180.0, MAX_LATITUDE, 0) == (0, 0) and tile_of(180.0, -MAX_LATITUDE, 3) == (7, 7)
    assert tile_corner(0, 0, 0) == pytest.approx((-180.0, 85.0511287798), abs=1e-9)
    # 东莞 城区 113.75°E 23.02°N: x = 293.75 / 360 × 4096 = 3342.2; y = (1 − asinh(tan 23.02°)/π)/2 × 4096 = 1778.7
    assert tile_of(113.75, 23.02, 12) == (3342, 1778)
    west, north = tile_corner(3342, 1778, 12)
    east, south = tile_corner(3343, 1779, 12)
    assert west < 113.75 < east and south < 23.02 < north
    assert (west, north) == pytest.approx((113.73046875, 23.0797317624), abs=1e-9)
    assert tile_of(113.75, 23.02, 15) == (26737, 14229)  # 8 × the z12 tile, plus where in it


def test_world_xy_and_its_inverse_agree_and_clamp_the_poles() -> None:
    for lon, lat in ((113.75, 23.02), (-73.98, 40.75), (151.2, -33.87), (0.0, 0.0)):
        assert world_lonlat(*world_xy(lon, lat)) == pytest.approx((lon, lat), abs=1e-9)
    assert world_xy(0.0, 90.0)[1] == pytest.approx(0.0) and world_xy(0.0, -90.0)[1] == pytest.approx(1.0)
    assert tile_url("https://t.cn/{z}/{x}/{y}.png?z={z}", 12, 3342, 1778) == "https://t.cn/12/3342/1778.png?z=12"


def _tiles_of(grids: list[Grid]) -> list[tuple[int, int, int]]:
    svg = map_svg(grids, [], "地图", "工单", tiles=TileSource(TEMPLATE))
    return [tuple(map(int, found)) for found in re.findall(r"/(\d+)/(\d+)/(\d+)\.png", svg)]  # type: ignore[misc]


def _grid(west: float, south: float, east: float, north: float) -> Grid:
    return Grid("G1", "网格", "社区", "街道", (), box(west, south, east, north))


@pytest.mark.parametrize(("bounds", "zoom"), [
    ((113.74, 23.03, 113.77, 23.06), 15),  # the demo map, 3 km: 14.70 → 15, tiles drawn 208 px a side
    ((113.50, 22.65, 114.25, 23.15), 11),  # all of 东莞: 10.64 → 11
    ((113.7500, 23.0200, 113.7501, 23.0201), 19),  # a courtyard (22.9): no closer than 19
    ((73.5, 18.0, 135.0, 53.5), 4),  # all of China: 4.26 → 4
    ((-180.0, -80.0, 180.0, 80.0), 3),  # the world (1.63): no further out than 3, its 64 tiles all drawn
])
def test_the_zoom_is_nearest_the_drawings_scale_within_3_to_19(bounds: tuple[float, ...], zoom: int) -> None:
    tiles = _tiles_of([_grid(*bounds)])
    assert {z for z, _, _ in tiles} == {zoom} and 0 < len(tiles) <= MAX_TILES
    projection = Mercator.fit(bounds)  # type: ignore[arg-type]
    if 3 < zoom < 19:
        assert abs(math.log2(projection.size / 256) - zoom) <= 0.5


def test_the_zoom_is_lowered_until_the_tiles_fit_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    # At the nearest zoom a full drawing needs at most 7 × 5 tiles, so the cap of 64 is a guard: a lower
    # one shows it working.
    bounds = (113.74, 23.03, 113.77, 23.06)
    assert len(_tiles_of([_grid(*bounds)])) == 16
    monkeypatch.setattr(tile_layer, "MAX_TILES", 4)
    tiles = _tiles_of([_grid(*bounds)])
    assert {z for z, _, _ in tiles} == {13} and len(tiles) <= 4  # 15 and 14 need more
    assert tile_zoom(Mercator.fit(bounds)) == 13


@pytest.mark.parametrize(("url", "told"), [
    ("http://tiles.city.gov.cn/{z}/{x}/{y}.png", "GRIDBOT_MAP_TILE_URL must be https://"),
    ("https://tiles.city.gov.cn/{z}/{x}.png", "must contain {z}, {x} and {y} (the XYZ tile scheme); {y} missing"),
    ("https://tiles.city.gov.cn/{z}/{x}/{y}.png?sub={s}", "may contain only the placeholders {z}, {x} and {y}, not {s}"),
    ("https://{s}.tiles.city.gov.cn/{z}/{x}/{y}.png", "GRIDBOT_MAP_TILE_URL must name one host"),
    ("javascript:alert(1)//{z}/{x}/{y}", "GRIDBOT_MAP_TILE_URL must be an https:// address"),
    ("https://map:s3cret@tiles.city.gov.cn/{z}/{x}/{y}.png", "must not carry a user name or password"),
    ('https://tiles.city.gov.cn/{z}/{x}/{y}.png"onload="x', "without spaces, quotes, angle brackets"),
    ("https://tiles.city.gov.cn/{z}/{x}/{y}.png <x>", "without spaces, quotes, angle brackets"),
    ("https://地图.东莞.cn/{z}/{x}/{y}.png", "xn-- form"),
    ("https://[::1]/{z}/{x}/{y}.png", "GRIDBOT_MAP_TILE_URL must name one host"),
    ("https://tiles.city.gov.cn:70000/{z}/{x}/{y}.png", "GRIDBOT_MAP_TILE_URL must name one host"),
    ("https://tiles.city.gov.cn/{z}/{x}/{y}}.png", "not a lone brace"),
], ids=["http not loopback", "no {y}", "{s}", "placeholder in host", "javascript", "user:password", "quote",
        "space", "non-ASCII host", "IPv6 host", "bad port", "lone brace"])
def test_a_bad_tile_url_is_refused_naming_the_setting(url: str, told: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, map_tile_url=url)
    assert told in str(refused.value)


def test_good_tile_urls_and_the_origin_the_csp_allows() -> None:
    for url, origin in ((TEMPLATE, "https://tiles.city.gov.cn"),
                        ("https://Tiles.City.gov.cn:8443/wmts/{z}/{y}/{x}?tk=abc&fmt=png", "https://tiles.city.gov.cn:8443"),
                        ("http://127.0.0.1:8123/t/{z}/{x}/{y}.png", "http://127.0.0.1:8123"),
                        ("http://localhost/{z}/{x}/{y}", "http://localhost")):
        settings = Settings(_env_file=None, map_tile_url=url, map_tile_attribution=" © 东莞市自然资源局 ")
        assert settings.map_tile_url == url and settings.map_tile_origin == origin
        assert settings.map_tile_attribution == "© 东莞市自然资源局"
    unset = Settings(_env_file=None, map_tile_url="  ")
    assert unset.map_tile_url is None and unset.map_tile_origin is None


def test_a_credit_without_tiles_is_refused() -> None:
    with pytest.raises(ValidationError, match="GRIDBOT_MAP_TILE_ATTRIBUTION is set but GRIDBOT_MAP_TILE_URL is not"):
        Settings(_env_file=None, map_tile_attribution="© 东莞市")
