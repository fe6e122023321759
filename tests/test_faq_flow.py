"""End to end on Telegram (local Bot API server) and the web chat: a question gets the knowledge base's
answer with 已解决 / 转人工办理; 已解决 opens nothing; 转人工办理 opens a ticket with the resident's words."""

from __future__ import annotations

import pytest

from bot.channels.telegram.faq_buttons import FaqButton
from bot.infra import keys
from tests.botapi.client import buttons
from tests.telegram_harness import World
from tests.test_bad_input import ticket_count
from tests.test_web_chat import browser
from tests.test_web_conversation import conversation

pytestmark = pytest.mark.asyncio(loop_scope="session")

QUESTION = "我住西正路8号，请问低保怎么申请？"  # a place too, so the request opens without a further question


async def test_telegram_answer_then_solved_opens_nothing(world: World) -> None:
    await world.says(world.resident, "请问养狗要办证吗？")
    answer = await world.sees(world.resident, "养犬登记")
    assert buttons(answer) == ["已解决", "转人工办理"]
    await world.presses(world.resident, answer, "已解决")
    await world.sees(world.resident, "很高兴能帮到您")
    assert await ticket_count(world) == 0
    again = await world.server.press_raw(world.resident, answer, FaqButton(choice="human").pack())  # no longer waits
    assert "已经处理过" in (await world.server.wait_for_callback_answer(again))["text"]
    assert await ticket_count(world) == 0


async def test_telegram_to_human_opens_a_ticket_with_the_residents_words(world: World) -> None:
    await world.says(world.resident, QUESTION)
    answer = await world.sees(world.resident, "低保", "转人工办理")
    assert buttons(answer) == ["已解决", "转人工办理"]
    await world.presses(world.resident, answer, "转人工办理")
    await world.sees(world.resident, "已转人工办理")
    number = await world.ticket_number(world.resident)
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.text == QUESTION and ticket.grid_id == "GC-XY-01"
    await world.sees(world.worker, "新工单", number)
    assert await ticket_count(world) == 1


async def test_a_complaint_with_a_topic_word_is_a_request_on_telegram(world: World) -> None:
    await world.says(world.resident, "西正路8号的垃圾分类点臭死了，一直没人清理")
    await world.ticket_number(world.resident)
    assert await ticket_count(world) == 1


async def test_web_answer_choices_reload_and_to_human(world: World) -> None:
    async with browser(world) as web:
        status, reply = await web.post("/api/messages", {"text": "请问养狗要办证吗？"})
        assert status == 200 and reply["kind"] == "faq_answer" and "养犬登记" in reply["answer"]
        assert [c["name"] for c in reply["choices"]] == ["已解决", "转人工办理"]
        status, solved = await web.post("/api/faq", {"choice": "solved"})
        assert status == 200 and solved["kind"] == "faq_solved" and "很高兴" in solved["answer"]
        assert await ticket_count(world) == 0

        await web.post("/api/messages", {"text": QUESTION})
        reloaded = await conversation(web)  # a reloaded page offers the two choices again
        assert reloaded["pending"]["kind"] == "faq_answer" and len(reloaded["pending"]["choices"]) == 2
        status, opened = await web.post("/api/faq", {"choice": "human"})
        assert status == 200 and opened["kind"] == "opened" and "已转人工办理" in opened["notice"]
        ticket = await world.service.domain.tickets.get(opened["number"])
        assert ticket.text == QUESTION
        status, stale = await web.post("/api/faq", {"choice": "human"})
        assert status == 409 and "已经处理过" in stale["error"]
        assert (await web.post("/api/faq", {"choice": "maybe"}))[0] == 400
        assert await ticket_count(world) == 1
        said = [entry.get("text") for entry in (await conversation(web))["entries"] if entry["who"] == "me"]
        assert said[-2:] == [QUESTION, "转人工办理"]
    assert world.service.metrics is not None
    await world.service.metrics.flush()  # operators see how answers fare in /metrics
    counts = await world.service.redis.hgetall(keys.metrics())
    assert (int(counts["faq_answered"]), int(counts["faq_solved"]), int(counts["faq_to_human"])) == (2, 1, 1)


async def test_wechat_answer_menu_tapped_and_typed(wechat) -> None:
    from tests.wxapi.reading import menu_choices

    await wechat.says(wechat.resident, "请问养狗要办证吗？")
    menu = await wechat.wx.wait_for(wechat.resident.key, lambda e: e["msgtype"] == "msgmenu")
    assert menu_choices(menu) == [("faq:solved", "已解决"), ("faq:human", "转人工办理")]
    assert "养犬登记" in menu["payload"]["msgmenu"]["head_content"]
    await wechat.taps(wechat.resident, menu, "已解决")
    await wechat.sees(wechat.resident, "很高兴能帮到您")
    assert await ticket_count(wechat.world) == 0
    await wechat.says(wechat.resident, QUESTION)
    await wechat.wx.wait_for(wechat.resident.key, lambda e: e["msgtype"] == "msgmenu" and "低保" in str(e))
    await wechat.says(wechat.resident, "转人工")  # typed instead of tapped
    await wechat.sees(wechat.resident, "已转人工办理")
    number = await wechat.ticket_number(wechat.resident)
    assert (await wechat.world.service.domain.tickets.get(number)).text == QUESTION
