"""The console's knowledge-base page over real HTTP: admins list, add and edit entries (the next question
is answered from them); everyone else gets 404; a bad form changes nothing."""

from __future__ import annotations

import asyncio

import pytest

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from bot.faq.store import FaqStore
from tests.console_harness import PASSWORD, Console
from tests.telegram_harness import World
from tests.test_web_chat import browser

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
async def admin(world: World, console: Console) -> Console:
    await Accounts(world.service.redis).add("admin", Scope(Role.ADMIN), PASSWORD)
    await console.login("admin")
    return console


async def test_an_admin_lists_adds_and_edits_entries(world: World, admin: Console) -> None:
    status, html = await admin.page("/console/faq")
    assert status == 200 and "知识库" in html and "garbage_sorting" in html and "未核实" in html
    status, where = await admin.post("/console/faq/add", {
        "id": "library_hours", "question": "社区图书室几点开门？", "answer": "社区图书室每天9:00–21:00开放。",
        "examples": "图书室开到几点\n\n周末图书室开吗"})
    assert status == 303 and "/console/faq" in where
    store = FaqStore(world.service.redis)
    added = await store.get("library_hours")
    assert added is not None and added.examples == ("图书室开到几点", "周末图书室开吗") and not added.reviewed
    await asyncio.sleep(1.2)  # every process uses a change within a second (the index's version is checked)
    async with browser(world) as web:  # the base in use answers from it
        _, reply = await web.post("/api/messages", {"text": "请问社区图书室周末几点开门？"})
        assert reply["kind"] == "faq_answer" and "9:00–21:00" in reply["answer"]
    await admin.page("/console/faq")
    status, _ = await admin.post("/console/faq/edit", {
        "id": "library_hours", "question": "社区图书室几点开门？", "answer": "每天8:30–21:00开放。",
        "examples": "图书室开到几点", "reviewed": "1"})
    edited = await store.get("library_hours")
    assert status == 303 and edited is not None and edited.reviewed and edited.answer == "每天8:30–21:00开放。"


async def test_bad_forms_change_nothing(world: World, admin: Console) -> None:
    await admin.page("/console/faq")
    store = FaqStore(world.service.redis)
    before = await store.entries()
    for form in ({"id": "garbage_sorting", "question": "问", "answer": "答"},  # exists
                 {"id": "Bad Id", "question": "问", "answer": "答"},
                 {"id": "no_answer", "question": "问", "answer": " "}):
        status, where = await admin.post("/console/faq/add", form)
        assert status == 303 and "done=" in where
    status, _ = await admin.post("/console/faq/edit", {"id": "no_such_entry", "question": "问", "answer": "答"})
    assert status == 303 and await store.entries() == before


async def test_anyone_but_an_admin_gets_404(world: World, console: Console) -> None:
    await console.login("city")
    assert (await console.page("/console/faq"))[0] == 404
    status, _ = await console.post("/console/faq/add", {"id": "x_y", "question": "问", "answer": "答"})
    assert status == 404 and await FaqStore(world.service.redis).get("x_y") is None
