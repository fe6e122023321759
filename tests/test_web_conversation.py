"""The web conversation kept on the server (what a reloaded page shows again), the page's own words, and
the ticket list, over real HTTP against a running service with real Redis."""

from __future__ import annotations

import asyncio
import json
import re

import aiohttp
from redis.asyncio import Redis

from bot.texts import common as common_texts
from bot.texts import residents as resident_texts
from bot.channels.web.conversation import ConversationLog
from tests.messages import UNSURE
from tests.telegram_harness import World
from tests.test_web_chat import STATIC, Browser, browser

LAMP = "西正路8号门口的路灯坏了好几天，晚上很黑"
GARBAGE_NOWHERE = "我家楼下的垃圾好几天没人收了"
GAS = "西正路8号楼道里燃气泄漏了，味道很大"


async def conversation(web: Browser) -> dict:
    async with web.http.get(f"{web.base}/api/conversation") as response:
        assert response.status == 200
        return await response.json()


async def listed(web: Browser) -> list[dict]:
    async with web.http.get(f"{web.base}/api/tickets") as response:
        return (await response.json())["tickets"]


def shown(entries: list[dict]) -> list[tuple[str, str]]:
    """Who said what, as the page shows it: the resident's words, the bot's answers, notifications."""
    return [(e["who"], e.get("text") or e.get("html")) for e in entries]


async def test_the_conversation_and_the_where_question_come_back_to_their_session_only(world: World) -> None:
    async with browser(world) as web, browser(world) as neighbour:
        opened = (await web.post("/api/messages", {"text": LAMP}))[1]
        receipt = (await web.listen(1))[0]
        asked = (await web.post("/api/messages", {"text": GARBAGE_NOWHERE}))[1]
        assert asked["kind"] == "ask_location"

        restored = await conversation(web)
        assert shown(restored["entries"]) == [
            ("me", LAMP), ("note", receipt["html"]), ("me", GARBAGE_NOWHERE), ("bot", asked["question"])]
        assert restored["entries"][1]["number"] == opened["number"]
        assert restored["last_event_id"] == web.last_id  # the page skips it when the stream replays it
        assert (restored["pending"]["kind"], restored["pending"]["question"]) == ("ask_location", asked["question"])

        assert await conversation(neighbour) == {"ok": True, "entries": [], "last_event_id": None, "pending": None}
        assert await listed(neighbour) == []

        reply = (await web.post("/api/messages", {"text": "西正路8号"}))[1]  # the address for the waiting request
        assert reply["kind"] == "opened"
        assert (await world.service.domain.tickets.get(reply["number"])).text == GARBAGE_NOWHERE
        assert (await conversation(web))["pending"] is None


async def test_the_category_question_comes_back_with_its_buttons(world: World) -> None:
    async with browser(world) as web:
        asked = (await web.post("/api/messages", {"text": UNSURE}))[1]
        assert asked["kind"] == "ask_category"
        pending = (await conversation(web))["pending"]
        assert (pending["kind"], pending["question"], pending["options"]) == (
            "ask_category", asked["question"], asked["options"])

        chosen = asked["options"][0]
        await web.post("/api/category", {"code": chosen["code"]})
        restored = await conversation(web)
        assert shown(restored["entries"])[2] == ("me", chosen["name"])  # the button pressed, as the page showed it
        assert restored["pending"]["kind"] == "ask_location"
        await web.post("/api/location", {"skip": True})
        assert shown((await conversation(web))["entries"])[4] == ("me", common_texts.SKIP_LOCATION)


async def test_an_answer_comes_back_before_the_notifications_of_its_request(world: World) -> None:
    """The emergency numbers answer the message itself; the receipt follows, however fast it was delivered."""
    async with browser(world) as web:
        reply = (await web.post("/api/messages", {"text": GAS}))[1]
        assert reply["kind"] == "opened" and reply["emergency"]
        receipt = (await web.listen(1))[0]
        entries = (await conversation(web))["entries"]
        assert [who for who, _ in shown(entries)] == ["me", "bot", "note"]
        assert shown(entries)[0] == ("me", GAS) and shown(entries)[2] == ("note", receipt["html"])
        kept = shown(entries)[1][1]  # the emergency answer, with its numbers still tel: links after a reload
        assert 'href="tel:119"' in kept and reply["emergency"]["text"] in kept
        assert entries[1]["cls"] == "alert emergency"


async def test_the_log_keeps_the_newest_entries_and_expires(redis: Redis) -> None:
    log = ConversationLog(redis, ttl_seconds=1, length=5)
    for i in range(8):
        await log.said("session-1", f"第{i}条")
    assert [e["text"] for e in (await log.history("session-1")).entries] == [f"第{i}条" for i in range(3, 8)]
    assert (await log.history("session-2")).entries == []
    await asyncio.sleep(1.2)
    assert (await log.history("session-1")).entries == []


async def test_my_tickets_gives_date_category_grid_state_and_who_may_withdraw(world: World) -> None:
    domain = world.service.domain
    async with browser(world) as first, browser(world) as neighbour:
        number = (await first.post("/api/messages", {"text": LAMP}))[1]["number"]
        linked = (await neighbour.post("/api/messages", {"text": "西正路8号门口路灯坏了好几天，晚上黑"}))[1]
        assert linked["number"] == number
        ticket = await domain.tickets.get(number)
        [line] = await listed(first)
        assert (line["date"], line["category_name"], line["grid"], line["status_label"], line["can_cancel"]) == (
            common_texts.when(ticket.created_at), domain.taxonomy.name(ticket.category), ticket.grid_name,
            ticket.status.label, True)
        assert [(t["number"], t["can_cancel"]) for t in await listed(neighbour)] == [(number, False)]

        assert (await first.post(f"/api/tickets/{number}/cancel"))[0] == 200
        [line] = await listed(first)
        assert (line["status"], line["can_cancel"]) == ("cancelled", False)


async def test_the_page_gets_its_words_from_the_server(world: World) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{world.service.http_port}/page-texts.js") as response:
            assert response.status == 200 and response.content_type == "text/javascript"
            script = await response.text()
    assert json.loads(script.removeprefix("window.GRIDBOT_TEXTS = ").rstrip().rstrip(";")) == resident_texts.web_page()
    used = set(re.findall(r"\bT\.(\w+)", (STATIC / "app.js").read_text(encoding="utf-8")))
    assert used and used <= resident_texts.web_page().keys(), used - resident_texts.web_page().keys()
