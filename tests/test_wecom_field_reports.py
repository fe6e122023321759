"""Field reports (巡查上报) from WeCom: 上报 typed or tapped in the app's menu, a photo before its words, a
location message for the place; the report's card, 办结 with a photo, and 需上级处理."""

from __future__ import annotations

import pytest

from bot.grids.coordinates import wgs84_to_gcj02
from bot.tickets.sources import Source
from bot.tickets.states import Status
from tests.telegram_harness import NUMBER
from tests.wecom_harness import World
from tests.wxapi.reading import text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")


def button_keys(card: dict) -> list[str]:
    return [b["key"] for b in card["card"]["button_list"]]


async def test_typed_report_with_a_photo_is_kept_and_closed_with_the_result_photo(wecom_world: World) -> None:
    world = wecom_world
    assert (await world.worker.text("上报")).ok
    await world.hears(world.worker, "巡查发现的问题")
    assert (await world.worker.image(world.wx.add_media())).ok
    await world.hears(world.worker, "照片已收到")
    assert (await world.worker.text("西正路8号门口的路灯坏了，晚上很黑")).ok
    card = await world.card(world.worker, "巡查上报", "已由您接单")
    number = NUMBER.search(text_of(card)).group(0)
    assert button_keys(card) == [f"resolve:{number}", f"refer:{number}"]
    ticket = await world.service.domain.tickets.get(number)
    assert (ticket.status, ticket.worker, ticket.source) == (Status.ACCEPTED, world.worker.key, Source.PATROL)
    assert ticket.photo and ticket.photo.startswith("web:")

    await world.presses(world.worker, card, f"resolve:{number}")
    await world.hears(world.worker, "处理结果", number)
    assert (await world.worker.image(world.wx.add_media())).ok
    assert (await world.worker.text("已更换灯泡")).ok
    await world.hears(world.worker, number, "已办结并关闭")
    assert (await world.service.domain.tickets.get(number)).status == Status.CLOSED


async def test_menu_report_asks_where_and_a_location_message_places_it(wecom_world: World) -> None:
    world = wecom_world
    assert (await world.worker.click("report")).ok
    await world.hears(world.worker, "巡查发现的问题")
    assert (await world.worker.text("路边的垃圾桶倒了，垃圾撒了一地")).ok
    await world.hears(world.worker, "问题在哪里", "位置")
    grid = (await world.service.domain.grids.current()).get("GC-XY-01")
    point = grid.geometry.representative_point()
    lon, lat = wgs84_to_gcj02(point.x, point.y)
    assert (await world.worker.location(lat, lon, "西正路")).ok
    card = await world.card(world.worker, "巡查上报", "已由您接单")
    ticket = await world.service.domain.tickets.get(NUMBER.search(text_of(card)).group(0))
    assert ticket.grid_id == "GC-XY-01"


async def test_refer_up_from_the_card_goes_to_the_supervisor(wecom_world: World) -> None:
    world = wecom_world
    assert (await world.worker.text("上报")).ok
    assert (await world.worker.text("西正路8号门口的路灯坏了，晚上很黑")).ok
    card = await world.card(world.worker, "巡查上报", "已由您接单")
    number = NUMBER.search(text_of(card)).group(0)
    await world.presses(world.worker, card, f"refer:{number}")
    await world.card(world.supervisor, "待派单", number, "需上级处理")
    assert (await world.service.domain.tickets.get(number)).status == Status.PENDING
    await world.wx.wait_until(lambda: card.get("replace_name") == "已转指挥中心", what="the card updated")


async def test_a_stranger_may_not_report_and_a_command_abandons(wecom_world: World) -> None:
    world = wecom_world
    assert (await world.stranger.text("上报")).ok
    await world.hears(world.stranger, "只有网格员")
    assert (await world.worker.text("上报")).ok
    assert (await world.worker.text("/tasks")).ok
    await world.hears(world.worker, "已放弃上报")
    assert await world.service.domain.store.list(limit=5) == []
