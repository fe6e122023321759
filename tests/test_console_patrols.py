"""The console map's patrols: a day's tracks and each grid's coverage, for the grids in the account's
scope only; a bad date is a clear 400."""

from __future__ import annotations

from datetime import datetime

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from bot.infra.clock import LOCAL_TIME
from bot.patrol.patrols import Patrols
from tests.console_harness import PASSWORD, Console
from tests.telegram_harness import World


async def walk(world: World, worker: str, name: str, lat: float, lons: list[float]) -> None:
    patrols = Patrols(world.service.redis, world.clock)
    await patrols.start(worker, name)
    for lon in lons:
        await patrols.record(worker, lat, lon, world.clock.now())
        world.clock.advance(60)
    await patrols.end(worker)


async def test_the_map_shows_a_days_patrols_in_scope_only(world: World, console: Console) -> None:
    # 李网格 walks 西隅第一网格 (GC-XY-01); 赵网格 walks 北隅第一网格 (GC-BY-01: another community)
    await walk(world, "telegram:2001", "李网格", 23.035, [113.7405 + 0.0006 * i for i in range(11)])
    by01 = (await world.service.domain.grids.current()).get("GC-BY-01")  # type: ignore[union-attr]
    assert by01 is not None
    west, south, east, north = by01.geometry.bounds
    middle = (south + north) / 2
    await walk(world, "telegram:2009", "赵网格", middle, [west + (east - west) * i / 10 for i in range(1, 10)])
    day = datetime.fromtimestamp(world.clock.now(), LOCAL_TIME).date().isoformat()
    await Accounts(world.service.redis).add("beiyu", Scope(Role.COMMUNITY, "莞城街道", "北隅社区"), PASSWORD)

    await console.login("xiyu")
    status, page = await console.page(f"/console/map?day={day}")
    assert status == 200 and "巡查覆盖" in page
    assert 'data-grid="GC-XY-01"><td>西隅第一网格' in page and "李网格" in page and "10分钟" in page
    assert "赵网格" not in page and 'data-grid="GC-BY-01"><td>' not in page
    assert page.count('class="track"') == 1

    await console.post("/console/logout", {})
    await console.login("beiyu")
    status, page = await console.page(f"/console/map?day={day}")
    assert "赵网格" in page and "李网格" not in page and page.count('class="track"') == 1

    await console.post("/console/logout", {})
    await console.login("city")
    status, page = await console.page(f"/console/map?day={day}")
    assert "赵网格" in page and "李网格" in page and page.count('class="track"') == 2
    status, page = await console.page("/console/map?day=2020-01-01")
    assert "2020-01-01 本辖区没有巡查记录" in page and 'class="track"' not in page
    status, page = await console.page("/console/map?day=yesterday")
    assert status == 400 and "日期格式不正确" in page
