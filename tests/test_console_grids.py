"""The console's grid map: admins only; an import is previewed (every bad feature listed, what a good
file would drop), and changes the map only when confirmed."""

from __future__ import annotations

import json
import re

import aiohttp

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from tests.conftest import ROOT
from tests.console_harness import PASSWORD, Console
from tests.telegram_harness import World

DEMO = json.loads((ROOT / "training_data" / "grids" / "demo.geojson").read_text(encoding="utf-8"))


async def upload(console: Console, path: str, content: bytes, **fields: str) -> tuple[int, str]:
    form = aiohttp.FormData()
    form.add_field("csrf", console.csrf)
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field("file", content, filename="map.geojson", content_type="application/geo+json")
    async with console.http.post(console.base + path, data=form, allow_redirects=False) as response:
        return response.status, await response.text()


async def as_admin(world: World, console: Console) -> None:
    await Accounts(world.service.redis).add("admin", Scope(Role.ADMIN), PASSWORD)
    assert (await console.login("admin"))[0] == 303
    await console.page("/console/grids")


async def test_only_admins_see_the_grid_map(world: World, console: Console) -> None:
    await console.login("city")
    assert (await console.page("/console/grids"))[0] == 404
    await console.page("/console")
    assert (await upload(console, "/console/grids/preview", json.dumps(DEMO).encode()))[0] == 404


async def test_a_file_with_bad_features_lists_each_and_changes_nothing(world: World, console: Console) -> None:
    await as_admin(world, console)
    before = await world.service.domain.grids.current_version()
    bad = json.loads(json.dumps(DEMO))
    bad["features"][1]["geometry"]["coordinates"][0] = bad["features"][1]["geometry"]["coordinates"][0][:3]
    bad["features"][4]["properties"]["name"] = ""
    status, text = await upload(console, "/console/grids/preview", json.dumps(bad, ensure_ascii=False).encode())
    assert status == 400 and "文件有 2 处问题" in text
    assert re.search(r"feature #2 \(grid_id &#x27;[^&]+&#x27;\)</td><td>[^<]*at least 4 positions", text)
    assert "feature #5" in text and "&#x27;name&#x27; is empty" in text
    status, text = await upload(console, "/console/grids/preview", b"{not json")
    assert status == 400 and "不是可用的网格地图" in text
    assert await world.service.domain.grids.current_version() == before


async def test_a_good_file_is_previewed_then_imported_only_when_confirmed(world: World, console: Console) -> None:
    await as_admin(world, console)
    grids = world.service.domain.grids
    before = await grids.current_version()
    smaller = {**DEMO, "features": [f for f in DEMO["features"] if f["properties"]["grid_id"] != "GC-XY-01"]}
    status, text = await upload(console, "/console/grids/preview", json.dumps(smaller, ensure_ascii=False).encode())
    assert status == 200 and "将删除 1 个现有网格：GC-XY-01" in text and "仍有网格员" in text  # its worker
    assert await grids.current_version() == before  # a preview changes nothing
    token = re.search(r'name="token" value="([^"]+)"', text).group(1)  # type: ignore[union-attr]
    console.csrf = re.search(r'name="csrf" value="([^"]+)"', text).group(1)  # type: ignore[union-attr]
    status, text = await console.post("/console/grids/import", {"token": token, "crs": "wgs84", "merge": ""})
    assert status == 409 and await grids.current_version() == before  # in use, not forced
    status, text = await console.post("/console/grids/import", {"token": token, "crs": "wgs84", "merge": "",
                                                                "force": "1"})
    assert status == 200 and "已导入" in text
    current = await grids.current()
    assert current is not None and current.get("GC-XY-01") is None and await grids.current_version() == before + 1
    status, text = await console.post("/console/grids/import", {"token": token, "crs": "wgs84", "force": "1"})
    assert status == 410  # the upload was used
