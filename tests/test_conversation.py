"""What a message is, on Telegram and on the web: small talk and stray commands get an answer and open
nothing; thanks after a resolution reach the worker; a place named right after a ticket places it."""

from __future__ import annotations

import pytest

from bot.people.directory import telegram_key
from bot.tickets.states import Status
from tests.telegram_harness import NUMBER, World
from tests.test_bad_input import ticket_count
from tests.test_web_chat import browser

pytestmark = pytest.mark.asyncio(loop_scope="session")

SMALL_TALK = ("谢谢！", "你好", "好的，收到", "你好，想问一下", "在吗", "辛苦了", "👍")
LAMP = "西正路8号门口的路灯坏了好几天，晚上黑漆漆的"
UNPLACED_LAMP = "我家楼下的路灯坏了好几天了"


async def resolved_for(world: World, number: str) -> None:
    """The grid's worker takes the ticket and reports it done."""
    tickets, worker = world.service.domain.tickets, telegram_key(world.worker.id)
    assert (await tickets.accept(number, worker)).ok and (await tickets.resolve(number, worker, "灯已修好")).ok


async def test_small_talk_on_the_web_is_answered_and_opens_nothing(world: World) -> None:
    async with browser(world) as web:
        for text in SMALL_TALK:
            status, reply = await web.post("/api/messages", {"text": text})
            assert status == 200 and reply["kind"] == "small_talk" and reply["answer"], (text, reply)
            assert "question" not in reply and "options" not in reply, text
        reply = (await web.post("/api/messages", {"text": "你好，想问一下"}))[1]
        assert reply["answer"].startswith("请直接说说您遇到的问题")
        # thanks with a problem in them are a request
        reply = (await web.post("/api/messages", {"text": "谢谢，但是西正路8号的路灯还是没修好"}))[1]
        assert reply["kind"] == "opened"
    assert await ticket_count(world) == 1


async def test_commands_typed_on_the_web_are_explained_and_open_nothing(world: World) -> None:
    async with browser(world) as web:
        join = (await web.post("/api/messages", {"text": "/join 8F3K2Q"}))[1]
        assert join["kind"] == "command" and "网格员" in join["answer"] and "企业微信" in join["answer"]
        assert "我的工单" in (await web.post("/api/messages", {"text": "/my"}))[1]["answer"]
        assert "撤回" in (await web.post("/api/messages", {"text": "/cancel T20261124-0001"}))[1]["answer"]
        assert "直接用文字" in (await web.post("/api/messages", {"text": "/start"}))[1]["answer"]
    assert await ticket_count(world) == 0


async def test_small_talk_while_the_place_is_asked_keeps_the_request_waiting(world: World) -> None:
    async with browser(world) as web:
        assert (await web.post("/api/messages", {"text": UNPLACED_LAMP}))[1]["kind"] == "ask_location"
        reply = (await web.post("/api/messages", {"text": "好的"}))[1]
        assert reply["kind"] == "ask_location" and "还差一步" in reply["answer"] and "位置" in reply["question"]
        reply = (await web.post("/api/messages", {"text": "西正路8号"}))[1]
        assert reply["kind"] == "opened"
        assert (await world.service.domain.tickets.get(reply["number"])).text == UNPLACED_LAMP


async def test_a_place_right_after_an_unplaced_ticket_places_it_on_the_web(world: World) -> None:
    tickets = world.service.domain.tickets
    async with browser(world) as web:
        assert (await web.post("/api/messages", {"text": UNPLACED_LAMP}))[1]["kind"] == "ask_location"
        number = (await web.post("/api/location", {"skip": True}))[1]["number"]
        assert (await tickets.get(number)).status == Status.PENDING
        reply = (await web.post("/api/messages", {"text": "西正路100号"}))[1]
        assert reply["kind"] == "placed" and reply["number"] == number
        told = await web.listen(2)  # the receipt, then the place
        assert "已补充位置" in told[-1]["html"] and number in told[-1]["html"]
        await world.sees(world.worker, "新工单", number)
        ticket = await tickets.get(number)
        assert (ticket.status, ticket.grid_id, ticket.text) == (Status.ASSIGNED, "GC-XY-01", UNPLACED_LAMP)
        assert [e.action for e in await world.service.domain.store.audit(number)] == ["open", "place"]

        # long after, a place is a new message of its own, not this ticket's
        assert (await web.post("/api/messages", {"text": UNPLACED_LAMP}))[1]["kind"] == "ask_location"
        later = (await web.post("/api/location", {"skip": True}))[1]["number"]
        world.clock.advance(3600)
        assert (await web.post("/api/messages", {"text": "西正路8号"}))[1]["kind"] != "placed"
        assert (await tickets.get(later)).grid_id is None


async def test_small_talk_and_unknown_commands_on_telegram_open_nothing(world: World) -> None:
    answers = {"谢谢！": ("不客气",), "你好，想问一下": ("请直接说说您遇到的问题",), "👍": ("好的。有新的问题随时告诉我",),
               "/help": ("没有 /help 这个命令", "/start", "/my")}
    for text, fragments in answers.items():
        await world.says(world.resident, text)
        await world.sees(world.resident, *fragments)
    assert await ticket_count(world) == 0


async def test_thanks_after_a_resolution_reach_the_worker(world: World) -> None:
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    await resolved_for(world, number)
    done = await world.sees(world.resident, number, "已办结")
    await world.presses(world.resident, done, "5")
    await world.says(world.resident, "谢谢你们，辛苦了！")
    await world.sees(world.resident, "不客气", "感谢", number)
    await world.sees(world.worker, "居民对工单", number, "表示感谢")
    await world.says(world.resident, "谢谢")  # said twice: passed on once
    await world.server.wait_until(lambda: len([m for m in world.server.messages_to(world.resident)
                                               if "不客气" in (m.get("text") or "")]) == 2)
    audit = await world.service.domain.store.audit(number)
    assert [e.action for e in audit].count("praise") == 1 and audit[-1].actor == telegram_key(world.resident.id)
    assert await ticket_count(world) == 1


async def test_an_address_right_after_an_urgent_ticket_places_it_on_telegram(world: World) -> None:
    await world.says(world.resident, "家里煤气泄漏了，味道很大，快来人")
    await world.sees(world.resident, "119")
    number = await world.ticket_number(world.resident)
    assert (await world.service.domain.tickets.get(number)).grid_id is None
    await world.says(world.resident, "西正路100号")
    await world.sees(world.resident, "已补充位置", number)
    offer = await world.sees(world.worker, "新工单", number)
    assert "紧急" in offer["text"] and not NUMBER.findall(offer["text"])[1:]
    ticket = await world.service.domain.tickets.get(number)
    assert (ticket.status, ticket.grid_id) == (Status.ASSIGNED, "GC-XY-01")
    assert await ticket_count(world) == 1
