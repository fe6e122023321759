"""The console map over a city's own tile service (``GRIDBOT_MAP_TILE_URL``), over real HTTP against a
local tile server: the drawing is the tiles covering the demo map at zoom 15 with the grids, markers
and names in the same Web Mercator projection (checked against the tile maths done here, apart from
gridbot's), the service's credit under it, and the console's CSP naming that one image origin while
every other page keeps the default; without the setting nothing of this appears. In Chromium the tiles
are fetched from the tile server, and an image from any other origin is refused by the CSP."""

from __future__ import annotations

import asyncio
import math
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import async_playwright, expect

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from bot.app.security import CONTENT_SECURITY_POLICY
from bot.grids.map import Grid, Location
from bot.tickets.service import NewRequest
from tests.console_harness import PASSWORD, Console, console_for
from tests.telegram_harness import World, start_world
from tests.test_browser import CHROMIUM_ARGS, chromium_path
from tests.tile_server import TileServer, tile_server

SVG = "{http://www.w3.org/2000/svg}"
CREDIT = "底图 © 东莞市自然资源局 <审图号 粤S(2026)01号>"
XY01 = Location("GC-XY-01", "西隅第一网格", "西隅社区", "莞城街道", "point", None)
TILE = re.compile(r"/tiles/(\d+)/(\d+)/(\d+)\.png$")


@pytest.fixture
async def tiles() -> AsyncIterator[TileServer]:
    async with tile_server() as server:
        yield server


@pytest.fixture
async def tiled(bot_api, redis, redis_url: str, tmp_path: Path, trained_models: Path,
                tiles: TileServer) -> AsyncIterator[World]:
    """gridbot with the local tile server as the city's map service (plain http: it is on 127.0.0.1)."""
    world = await start_world(bot_api, redis_url, tmp_path / "var", trained_models,
                              map_tile_url=tiles.template, map_tile_attribution=CREDIT)
    yield world
    await world.service.stop()


@pytest.fixture
async def tiled_console(tiled: World) -> AsyncIterator[Console]:
    async with console_for(tiled) as browser:
        yield browser


def drawn(page: str) -> ElementTree.Element:
    return ElementTree.fromstring(re.search(r"<svg .*?</svg>", page, re.S).group(0))  # type: ignore[union-attr]


def mercator_tile(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """Where ``(lon, lat)`` falls in tile numbers at ``zoom`` (the OSM wiki's formula, not gridbot's)."""
    n, phi = 2**zoom, math.radians(lat)
    return (lon + 180) / 360 * n, (1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * n


class Tiles:
    """The ``<image>`` elements of a drawing, by tile number."""

    def __init__(self, svg: ElementTree.Element, origin: str) -> None:
        self.by_tile: dict[tuple[int, int], tuple[float, float, float, float]] = {}
        zooms = set()
        for image in svg.iter(f"{SVG}image"):
            href = image.get("href", "")
            found = TILE.search(href)
            assert href.startswith(origin + "/tiles/") and found, href
            zoom, x, y = map(int, found.groups())
            zooms.add(zoom)
            self.by_tile[(x, y)] = tuple(float(image.get(a, "")) for a in ("x", "y", "width", "height"))  # type: ignore[assignment]
        assert len(zooms) == 1, zooms
        self.zoom = zooms.pop()

    def where(self, lon: float, lat: float) -> tuple[float, float]:
        """Where the tiles put ``(lon, lat)`` in the drawing: into the image of its tile, as far in
        as the point is into that tile."""
        tx, ty = mercator_tile(lon, lat, self.zoom)
        x, y, width, height = self.by_tile[(math.floor(tx), math.floor(ty))]
        return x + (tx - math.floor(tx)) * width, y + (ty - math.floor(ty)) * height


def first_vertex(grid: Grid) -> tuple[float, float]:
    polygon = grid.geometry.geoms[0] if hasattr(grid.geometry, "geoms") else grid.geometry
    return polygon.exterior.coords[0][:2]  # type: ignore[return-value]


async def test_the_grids_and_markers_lie_on_the_city_tiles(tiled: World, tiled_console: Console,
                                                           tiles: TileServer) -> None:
    assert tiled.service.domain is not None
    request = NewRequest(resident=f"telegram:{tiled.resident.id}", text="这里的路灯坏了", category="municipal",
                         location=XY01, coordinates=(23.035, 113.744))
    number = (await tiled.service.domain.tickets.open(request)).ticket.number
    await tiled_console.login("city")
    status, page = await tiled_console.page("/console/map")
    assert status == 200
    svg = drawn(page)
    layer = Tiles(svg, tiles.origin)
    # The demo map is 0.03° square: 14.70 at the drawing's scale, so zoom 15, tiles 208 px a side;
    # 113.74°E…113.77°E is tiles 26736…26738 (and the margins reach 26739), 23.06°N…23.03°N 14225…14228.
    assert layer.zoom == 15
    xs, ys = sorted({x for x, _ in layer.by_tile}), sorted({y for _, y in layer.by_tile})
    assert xs == list(range(26736, 26740)) and ys == list(range(14225, 14229))
    assert set(layer.by_tile) == {(x, y) for x in xs for y in ys}  # no hole
    width, height = float(svg.get("width", "")), float(svg.get("height", ""))
    lefts, tops = [b[0] for b in layer.by_tile.values()], [b[1] for b in layer.by_tile.values()]
    rights = [b[0] + b[2] for b in layer.by_tile.values()]
    bottoms = [b[1] + b[3] for b in layer.by_tile.values()]
    assert min(lefts) <= 0 and min(tops) <= 0 and max(rights) >= width and max(bottoms) >= height
    assert all(abs(b[2] - 207.58) < 0.02 and abs(b[3] - 207.58) < 0.02 for b in layer.by_tile.values())
    assert svg.find(f"{SVG}g").get("class") == "tiles"  # type: ignore[union-attr]  # first: under the grids
    grids = {g.grid_id: g for g in (await tiled.service.domain.grids.current()).grids}  # type: ignore[union-attr]
    links = {a.get("data-grid"): a for a in svg.iter(f"{SVG}a") if a.get("data-grid")}
    assert set(links) == set(grids) and len(grids) == 12
    for grid_id, link in links.items():
        d = link.find(f"{SVG}path").get("d", "")  # type: ignore[union-attr]
        start = tuple(float(n) for n in re.match(r"M([\d.]+),([\d.]+)", d).groups())  # type: ignore[union-attr]
        assert start == pytest.approx(layer.where(*first_vertex(grids[grid_id])), abs=0.1), grid_id
        name = link.find(f"{SVG}text")
        centre = grids[grid_id].geometry.representative_point()
        x, y = layer.where(centre.x, centre.y)
        assert float(name.get("x", "")) == pytest.approx(x, abs=0.1)  # type: ignore[union-attr]
        assert float(name.get("y", "")) == pytest.approx(y + 12, abs=0.1)  # type: ignore[union-attr]  # under it
    marker = next(a for a in svg.iter(f"{SVG}a") if a.get("data-number") == number).find(f"{SVG}circle")
    cx, cy = float(marker.get("cx", "")), float(marker.get("cy", ""))  # type: ignore[union-attr]
    assert (cx, cy) == pytest.approx(layer.where(113.744, 23.035), abs=0.1)
    assert '<p class="map-attribution">底图 © 东莞市自然资源局 &lt;审图号 粤S(2026)01号&gt;</p>' in page
    assert "<审图号" not in page


async def test_the_grid_map_page_is_drawn_on_the_tiles_too(tiled: World, tiled_console: Console,
                                                            tiles: TileServer) -> None:
    await Accounts(tiled.service.redis).add("admin", Scope(Role.ADMIN), PASSWORD)
    await tiled_console.login("admin")
    status, page = await tiled_console.page("/console/grids")
    assert status == 200 and Tiles(drawn(page), tiles.origin).zoom == 15 and "map-attribution" in page


async def test_only_the_console_may_show_images_from_the_tile_host(tiled: World, tiled_console: Console,
                                                                    tiles: TileServer) -> None:
    tiled_policy = CONTENT_SECURITY_POLICY.replace("img-src 'self' blob: data:",
                                                   f"img-src 'self' blob: data: {tiles.origin}")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", tiles.origin)
    await tiled_console.login("city")
    base = tiled_console.base
    for path in ("/console/map", "/console", "/console/login", "/console/static/console.css"):
        async with tiled_console.http.get(base + path) as response:
            assert response.headers["Content-Security-Policy"] == tiled_policy, path
    for path in ("/", "/api/session", "/healthz", "/static/app.js", "/consoles", "/no-such-page"):
        async with aiohttp.ClientSession() as http, http.get(base + path, allow_redirects=False) as response:
            assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path


async def test_without_a_tile_service_the_map_and_its_policy_are_as_before(world: World, console: Console) -> None:
    await console.login("city")
    async with console.http.get(console.base + "/console/map") as response:
        page = await response.text()
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    svg = drawn(page)
    assert svg.get("class") == "map" and not list(svg.iter(f"{SVG}image")) and "map-attribution" not in page
    assert len([a for a in svg.iter(f"{SVG}a") if a.get("data-grid")]) == 12


@pytest.mark.slow
async def test_chromium_fetches_the_tiles_from_the_city_service_and_nothing_else(
        tiled: World, tiles: TileServer, tmp_path: Path) -> None:
    await Accounts(tiled.service.redis).add("city", Scope(Role.CITY), PASSWORD)
    async with tile_server() as elsewhere, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            problems: list[str] = []
            page.on("console", lambda message: problems.append(message.text) if message.type == "error"
                    and not message.location.get("url", "").endswith("/favicon.ico") else None)
            await page.goto(f"http://127.0.0.1:{tiled.service.http_port}/console/login")
            await page.get_by_label("用户名").fill("city")
            await page.get_by_label("密码").fill(PASSWORD)
            await page.get_by_role("button", name="登录").click()
            await expect(page.get_by_role("heading", name="工单看板")).to_be_visible()
            await page.goto(f"http://127.0.0.1:{tiled.service.http_port}/console/map")
            hrefs = await page.locator("svg.map image").evaluate_all("images => images.map(i => i.getAttribute('href'))")
            assert len(hrefs) == 16
            wanted = {href.removeprefix(tiles.origin) for href in hrefs}
            for _ in range(100):  # the browser fetches them as it paints
                if set(tiles.requests) >= wanted:
                    break
                await asyncio.sleep(0.1)
            assert set(tiles.requests) == wanted and len(tiles.requests) == 16
            await expect(page.locator(".map-attribution")).to_have_text(CREDIT)
            await page.screenshot(path=str(tmp_path / "console-map-tiles.png"), full_page=True)
            # The CSP names that host and port only: the same tiles from another port are refused.
            await page.evaluate("src => { const i = new Image(); i.src = src; document.body.append(i); }",
                                elsewhere.template.format(z=15, x=26737, y=14226))
            await page.wait_for_timeout(500)
            assert elsewhere.requests == []
            assert len(problems) == 1 and "Content Security Policy" in problems[0], problems
        finally:
            await browser.close()
