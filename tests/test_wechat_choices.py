"""Choices on the Official Account: the category when unsure and the rating after 办结, offered as
customer-service menus (msgmenu) and accepted as typed text; the whole loop with a Telegram worker."""

from __future__ import annotations

import pytest

from bot.people.directory import telegram_key
from bot.tickets.states import Status
from tests.botapi.client import buttons
from tests.messages import UNSURE
from tests.wechat_harness import WeChatWorld
from tests.wxapi.reading import menu_choices

pytestmark = pytest.mark.asyncio(loop_scope="session")

LAMP = "西正路8号门口的路灯坏了好几天，晚上黑漆漆的"


async def resolved_ticket(wechat: WeChatWorld) -> str:
    """A ticket of the resident's, accepted and resolved by the Telegram worker."""
    await wechat.says(wechat.resident, LAMP)
    number = await wechat.ticket_number(wechat.resident)
    tickets, worker = wechat.world.service.domain.tickets, telegram_key(wechat.world.worker.id)
    assert (await tickets.accept(number, worker)).ok
    assert (await tickets.resolve(number, worker, "已更换灯泡")).ok
    return number


async def test_the_category_menu_is_tapped(wechat: WeChatWorld) -> None:
    await wechat.says(wechat.resident, UNSURE)
    menu = await wechat.wx.wait_for(wechat.resident.key, lambda e: e["msgtype"] == "msgmenu")
    choices = menu_choices(menu)
    assert choices[-1] == ("cat:other", "其他") and all(item.startswith("cat:") for item, _ in choices)
    code, name = choices[0][0].removeprefix("cat:"), choices[0][1]
    await wechat.taps(wechat.resident, menu, name)
    await wechat.sees(wechat.resident, f"类别：{name}")
    await wechat.sees(wechat.resident, "位置")
    await wechat.says(wechat.resident, "跳过")
    number = await wechat.ticket_number(wechat.resident)
    ticket = await wechat.world.service.domain.tickets.get(number)
    assert ticket.category == code and ticket.status == Status.PENDING


@pytest.mark.parametrize("typed", ["number", "name"])
async def test_the_category_is_typed(wechat: WeChatWorld, typed: str) -> None:
    await wechat.says(wechat.resident, UNSURE)
    menu = await wechat.wx.wait_for(wechat.resident.key, lambda e: e["msgtype"] == "msgmenu")
    item, name = menu_choices(menu)[1]
    await wechat.says(wechat.resident, "2" if typed == "number" else name)
    await wechat.sees(wechat.resident, f"类别：{name}")
    await wechat.sees(wechat.resident, "位置")
    await wechat.says(wechat.resident, "西正路8号")
    number = await wechat.ticket_number(wechat.resident)
    assert (await wechat.world.service.domain.tickets.get(number)).category == item.removeprefix("cat:")


async def test_an_old_category_menu_changes_nothing(wechat: WeChatWorld) -> None:
    await wechat.says(wechat.resident, "已失效", bizmsgmenuid="cat:noise")
    await wechat.sees(wechat.resident, "已失效，未做任何更改")


async def test_the_rating_menu_closes_the_ticket(wechat: WeChatWorld) -> None:
    number = await resolved_ticket(wechat)
    done = await wechat.sees(wechat.resident, number, "已办结", "已更换灯泡")
    assert done["msgtype"] == "msgmenu"
    assert menu_choices(done) == [(f"rate:{number}:{stars}", str(stars)) for stars in range(1, 6)]
    await wechat.taps(wechat.resident, done, "5")
    await wechat.sees(wechat.resident, number, "感谢您的评价")
    ticket = await wechat.world.service.domain.tickets.get(number)
    assert ticket.status == Status.CLOSED and ticket.rating == 5


async def test_a_typed_poor_rating_reopens_the_ticket(wechat: WeChatWorld) -> None:
    number = await resolved_ticket(wechat)
    await wechat.sees(wechat.resident, number, "已办结")
    await wechat.says(wechat.resident, "2")
    await wechat.sees(wechat.resident, f"已收到对工单 {number} 的评价：2 分")
    await wechat.world.sees(wechat.world.worker, number, "不满意")
    assert (await wechat.world.service.domain.tickets.get(number)).status == Status.ASSIGNED


async def test_a_rating_tap_for_someone_elses_ticket_changes_nothing(wechat: WeChatWorld) -> None:
    number = await resolved_ticket(wechat)
    stranger = wechat.follower()
    await wechat.says(stranger, "1", bizmsgmenuid=f"rate:{number}:1")
    await wechat.sees(stranger, "找不到这个工单")
    assert (await wechat.world.service.domain.tickets.get(number)).status == Status.RESOLVED


async def test_a_neighbour_reporting_the_same_is_linked(wechat: WeChatWorld) -> None:
    await wechat.says(wechat.resident, LAMP)
    number = await wechat.ticket_number(wechat.resident)
    neighbour = wechat.follower()
    await wechat.says(neighbour, "西正路8号门口路灯坏了好几天了，晚上很黑")
    await wechat.sees(neighbour, "并入工单", number)


async def test_resident_on_wechat_to_telegram_worker_and_back_with_a_rating(wechat: WeChatWorld) -> None:
    world = wechat.world
    await wechat.says(wechat.resident, LAMP)
    number = await wechat.ticket_number(wechat.resident)
    offer = await world.sees(world.worker, "新工单", number)
    await world.presses(world.worker, offer, "接单")
    await wechat.sees(wechat.resident, number, "已接单")
    accepted = await world.server.wait_for_edit(world.worker.id, offer, lambda m: "办结" in buttons(m))
    await world.presses(world.worker, accepted, "办结")
    await world.sees(world.worker, "处理结果", number)
    await world.says(world.worker, "已更换灯泡，恢复照明")
    done = await wechat.sees(wechat.resident, number, "已办结", "已更换灯泡")
    await wechat.taps(wechat.resident, done, "4")
    await wechat.sees(wechat.resident, number, "感谢您的评价（4 分）")
    assert (await world.service.domain.tickets.get(number)).status == Status.CLOSED
