"""Early warning end to end: residents write on the Telegram test server, the service's own scheduler runs
the detector, and the community supervisor gets one ``预警`` naming category, place and numbers; more of
the same cluster tell nobody again, ordinary traffic tells nobody, a new surge after it calmed down warns
again; ``/warnings`` lists the active ones; the console lists them and links them as one case (another
community's warning is 404)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.grids.map import Location
from bot.tickets.service import NewRequest
from bot.tickets.states import Status
from bot.warnings.store import EarlyWarning
from tests.botapi.client import User
from tests.console_harness import BY01, Console
from tests.telegram_harness import World

# Five residents in 西隅第一网格 (its aliases), each in their own words; then a second surge, other words.
SURGE = ["西正路垃圾桶满了好几天没人清理", "迎恩门城楼旁边垃圾没人收", "西隅市场后面垃圾成堆，苍蝇很多",
         "维新路上的垃圾站好几天没清运了", "西城楼广场垃圾满地没人扫"]
MORE = "西正路8号楼下的垃圾袋堆成小山了"
SECOND = ["迎恩门城楼下面有只死猫发臭了", "维新路公厕脏得没法进", "西隅市场旁边的公共厕所没人打扫",
          "西城楼广场的果皮纸屑一地没人管", "西正路的垃圾车漏了一路脏水"]
HOUR = 3600.0


def warnings_to(world: World, user: User) -> list[dict[str, Any]]:
    return [m for m in world.server.sent if m["chat"]["id"] == user.id and "预警" in (m.get("text") or "")]


async def surge(world: World, words: list[str]) -> list[str]:
    """Each text from a resident of its own; the ticket numbers they were given."""
    numbers = []
    for i, text in enumerate(words):
        resident = world.server.user(f"居民{len(world.server.sent)}-{i}")
        await world.says(resident, text)
        numbers.append(await world.ticket_number(resident))
    return numbers


async def settled(world: World, seconds: float = 2.5) -> None:
    """Time for the scheduler (a tick a second) to run the detector and delivery to send what it wrote."""
    await asyncio.sleep(seconds)


async def test_a_surge_warns_the_supervisor_once_and_a_new_one_after_calm_warns_again(world: World) -> None:
    numbers = await surge(world, SURGE)
    warning = await world.sees(world.supervisor, "预警")
    assert "环境卫生" in warning["text"] and "西隅社区" in warning["text"] and "西隅第一网格" in warning["text"]
    assert all(number in warning["text"] for number in numbers)
    await surge(world, [MORE])
    await settled(world)
    assert len(warnings_to(world, world.supervisor)) == 1
    assert not warnings_to(world, world.worker)

    world.clock.advance(25 * HOUR)  # a day without the cluster's requests: it calmed down
    await settled(world)
    assert world.service.domain is not None and not await world.service.domain.warnings.warnings.active()
    second = await surge(world, SECOND)
    await world.sees(world.supervisor, "预警", second[-1])
    assert len(warnings_to(world, world.supervisor)) == 2


async def test_ordinary_traffic_warns_nobody(world: World) -> None:
    await surge(world, SURGE[:4])
    await surge(world, ["西正路的路灯坏了好几天", "维新路晚上装修噪音太大"])
    await settled(world)
    assert not warnings_to(world, world.supervisor)


async def test_warnings_lists_the_active_ones_to_supervisors_only(world: World) -> None:
    await world.says(world.supervisor, "/warnings")
    await world.sees(world.supervisor, "当前没有预警")
    numbers = await surge(world, SURGE)
    await world.sees(world.supervisor, "⚠️ 预警")
    await world.says(world.supervisor, "/warnings")
    listed = await world.sees(world.supervisor, "当前预警 1 条")
    assert "环境卫生" in listed["text"] and numbers[0] in listed["text"]
    await world.says(world.resident, "/warnings")
    await world.sees(world.resident, "仅供指挥调度员")


async def opened_surge(world: World, place: Location, n: int = 5) -> EarlyWarning:
    """``n`` requests of one category at ``place`` opened directly; the warning the scheduler raises."""
    assert world.service.domain is not None
    domain = world.service.domain
    before = {w.warning_id for w in await domain.warnings.warnings.active()}
    for i in range(n):
        await domain.tickets.open(NewRequest(resident=f"web:{place.grid_id}-{i}", text=f"{SURGE[i]}（{place.name}）",
                                             category="sanitation", location=place))
    for _ in range(50):
        if fresh := [w for w in await domain.warnings.warnings.active() if w.warning_id not in before]:
            return fresh[0]
        await asyncio.sleep(0.1)
    raise AssertionError("no warning raised")


async def test_the_console_lists_warnings_in_scope_and_links_one_as_one_case(world: World, console: Console) -> None:
    ours = await opened_surge(world, Location("GC-XY-01", "西隅第一网格", "西隅社区", "莞城街道", "alias", "西正路"))
    theirs = await opened_surge(world, BY01)
    await console.login("xiyu")
    status, listing = await console.page("/console/warnings")
    assert status == 200 and ours.warning_id in listing and theirs.warning_id not in listing
    assert (await console.page(f"/console/warnings/{theirs.warning_id}"))[0] == 404
    status, page = await console.page(f"/console/warnings/{ours.warning_id}")
    assert status == 200 and all(number in page for number in ours.numbers)
    assert (await console.post(f"/console/warnings/{theirs.warning_id}/link", {}))[0] == 404
    status, location = await console.post(f"/console/warnings/{ours.warning_id}/link", {})
    assert status == 303 and f"/console/warnings/{ours.warning_id}" in location
    assert world.service.domain is not None
    tickets = world.service.domain.tickets
    assert [(await tickets.get(n)).status for n in ours.numbers] == [  # type: ignore[union-attr]
        Status.ASSIGNED] + [Status.CLOSED] * 4
    assert all([(await tickets.get(n)).is_open for n in theirs.numbers])  # type: ignore[union-attr]
    await console.post("/console/logout", {})
    await console.login("city")
    status, listing = await console.page("/console/warnings")
    assert ours.warning_id in listing and theirs.warning_id in listing
