"""Personal numbers in a resident's words, masked wherever staff read them and whole in the resident's
own views: the worker's and supervisor's Telegram messages (text, photo caption, /tasks), the WeCom
card, the console's board, map and ticket page for a town account — over real HTTP."""

from __future__ import annotations

import pytest

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from tests.console_harness import PASSWORD, XY01, Console, opened
from tests.telegram_harness import World
from tests.test_photos import camera_jpeg, open_with_photo
from tests.test_web_chat import browser
from tests.wecom_harness import World as WecomWorld
from tests.wxapi.reading import text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

PHONE, ID = "13812345678", "441900199001011231"
PHONE_SHOWN, ID_SHOWN = "138****5678", "441**************1"
GAS = f"西正路8号楼道里燃气味很重，电话{PHONE}"
LAMP = f"西正路8号门口的路灯坏了，我电话{PHONE}，身份证{ID}"


async def test_the_worker_and_supervisor_read_masked_numbers_the_resident_whole(world: World) -> None:
    await world.says(world.resident, GAS)
    number = await world.ticket_number(world.resident)
    offer = await world.sees(world.worker, "新工单", number)
    alert = await world.sees(world.supervisor, "紧急工单", number)
    for message in (offer, alert):
        assert PHONE_SHOWN in message["text"] and PHONE not in message["text"]
    await world.says(world.worker, "/tasks")
    tasks = await world.sees(world.worker, "待办工单", number)
    assert "电话138*" in tasks["text"] and "1381" not in tasks["text"]  # masked, then cut to 20 characters
    await world.says(world.resident, "/my")
    mine = await world.sees(world.resident, number, "燃气味")
    assert "电话1381" in mine["text"]  # the resident's own words, as they wrote them (cut to 20 characters)
    assert (await world.service.domain.tickets.get(number)).text == GAS  # the record keeps the original


async def test_a_photo_caption_to_the_workers_is_masked(world: World) -> None:
    async with browser(world) as web:
        number = await open_with_photo(world, web, camera_jpeg(60, 40), LAMP)
    offer = await world.sees(world.worker, "新工单", number)
    assert offer.get("photo") and PHONE_SHOWN in offer["caption"] and ID_SHOWN in offer["caption"]
    assert PHONE not in offer["caption"] and ID not in offer["caption"]


async def test_the_wecom_card_is_masked(wecom_world: WecomWorld) -> None:
    world = wecom_world
    number = await world.open_ticket(LAMP)
    card = await world.card(world.worker, "新工单", number)
    assert PHONE_SHOWN in text_of(card) and ID_SHOWN in text_of(card)
    assert PHONE not in str(card) and ID not in str(card)
    await world.presses(world.worker, card, f"accept:{number}")
    accepted = await world.wx.wait_until(lambda: card["updates"] and card, what="the card updated")
    assert PHONE not in str(accepted) and "处理中" in text_of(accepted)


async def test_a_town_account_reads_masked_numbers_on_the_board_map_and_ticket_page(
        world: World, console: Console) -> None:
    await Accounts(world.service.redis).add("guancheng", Scope(Role.TOWN, "莞城街道"), PASSWORD)
    number = await opened(world, XY01, LAMP)
    assert (await console.login("guancheng"))[0] == 303
    for path in ("/console", "/console/map", f"/console/tickets/{number}"):
        status, page = await console.page(path)
        assert status == 200 and number in page, path
        assert PHONE not in page and ID not in page, path
        assert "138****" in page, path
    _, ticket_page = await console.page(f"/console/tickets/{number}")
    assert PHONE_SHOWN in ticket_page and ID_SHOWN in ticket_page
