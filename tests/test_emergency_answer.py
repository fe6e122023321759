"""The emergency answer says only what happened: who was told of the urgent ticket (escalating to the
town and then to the admins when nobody nearer is registered), advice that fits the hazard, and in the web
chat the numbers to call as tel: links."""

from __future__ import annotations

import pytest
from playwright.async_api import async_playwright, expect

from bot.texts import residents as resident_texts
from bot.tickets.alerts import Alert, Reached
from bot.grids.map import Location
from bot.tickets.notifications import Kind
from bot.people.directory import Level, telegram_key
from bot.tickets.service import NewRequest
from nlp.urgency import FIRE, Hazard
from tests.domain import Domain, build_domain
from tests.telegram_harness import World
from tests.test_browser import CHROMIUM_ARGS, chromium_path
from tests.test_web_chat import browser

ADMIN_ID = 9001
RESIDENT, WORKER, ADMIN = "web:resident", "telegram:2001", telegram_key(ADMIN_ID)
COMMUNITY_SUP, TOWN_SUP = "telegram:3001", "telegram:3002"
HD01 = Location("HD-01", "河东一网格", "河东社区", "新城街道", "alias", "滨河路")
HX01 = Location("HX-01", "河西一网格", "河西社区", "新城街道", "alias", "西湖大道")
FIRE_AT_HOME = "西正路8号三楼着火了，好大的烟"
GAS_AT_HOME = "西正路8号楼道里一股很浓的煤气味，煤气泄漏了"


def fire(location: Location) -> NewRequest:
    return NewRequest(resident=RESIDENT, text="三楼着火了，好大的烟", category="safety", urgent=True, location=location)


async def answer(domain: Domain, location: Location) -> tuple[str, set[tuple[str, Kind]]]:
    """What the resident is told at once, and who got which notification."""
    ticket = (await domain.tickets.open(fire(location))).ticket
    told = {(n.recipient, n.kind) for n in await domain.outbox()}
    return resident_texts.emergency((FIRE,), (Hazard.FIRE,), Alert.of(ticket)), told


@pytest.fixture
async def domain(redis) -> Domain:
    d = await build_domain(redis, admin_ids=[ADMIN_ID])
    await d.people.add_worker(WORKER, "HD-01", "李网格")
    await d.people.add_supervisor(COMMUNITY_SUP, Level.COMMUNITY, "河东社区", "陈主任")
    return d


async def test_an_urgent_ticket_names_the_grid_workers_and_community_it_reached(domain: Domain) -> None:
    said, told = await answer(domain, HD01)
    assert "已通知本网格的网格员和河东社区负责人。" in said
    assert {(WORKER, Kind.NEW_TICKET), (COMMUNITY_SUP, Kind.URGENT_ALERT)} <= told
    assert (ADMIN, Kind.URGENT_ALERT) not in told


async def test_where_nobody_works_the_town_is_alerted_and_named(domain: Domain) -> None:
    await domain.people.add_supervisor(TOWN_SUP, Level.TOWN, "新城街道", "周科长")
    said, told = await answer(domain, HX01)
    assert "已通知新城街道指挥中心。" in said and "网格员" not in said
    assert (TOWN_SUP, Kind.URGENT_ALERT) in told and (COMMUNITY_SUP, Kind.URGENT_ALERT) not in told


async def test_where_nobody_works_nor_supervises_the_admins_are_alerted_and_named(domain: Domain) -> None:
    said, told = await answer(domain, HX01)
    assert "已通知值班管理员。" in said
    assert (ADMIN, Kind.URGENT_ALERT) in told


async def test_when_nobody_at_all_can_be_told_the_resident_must_call(redis) -> None:
    domain = await build_domain(redis)
    said, told = await answer(domain, HX01)
    assert "已通知" not in said and "工单已记录" in said and "拨打" in said
    assert {kind for _, kind in told} == {Kind.TICKET_OPENED}


async def test_a_neighbour_reporting_the_same_emergency_is_told_the_same_truth(domain: Domain) -> None:
    first = (await domain.tickets.open(fire(HD01))).ticket
    again = await domain.tickets.open(NewRequest(resident="web:neighbour", text="三楼着火了，烟好大", category="safety",
                                                 urgent=True, location=HD01))
    assert again.linked and again.ticket.number == first.number
    assert Alert.of(again.ticket) == Alert((Reached.GRID, Reached.COMMUNITY), "河东社区", "新城街道")


async def test_an_urgent_report_does_not_vanish_into_a_ticket_that_is_not_urgent(domain: Domain) -> None:
    # the same words, not flagged urgent (say the first resident wrote calmly about it)
    calm = (await domain.tickets.open(NewRequest(resident="web:neighbour", text="三楼着火了，好大的烟", category="safety",
                                                 location=HD01))).ticket
    urgent = await domain.tickets.open(fire(HD01))
    assert not urgent.linked and urgent.ticket.number != calm.number and urgent.ticket.urgent


async def test_on_telegram_an_emergency_where_nobody_works_reaches_the_admins_and_says_so(world: World) -> None:
    await world.says(world.resident, "北正路6号门口有个老人晕倒了，叫不醒")
    said = await world.sees(world.resident, "120", "已通知值班管理员")
    assert "不要搬动" in said["text"]  # the advice for a person collapsed
    number = await world.ticket_number(world.resident)
    await world.sees(world.admin, "紧急工单", number, "请立即派单")


async def test_on_telegram_a_gas_leak_gets_gas_advice_and_names_who_was_told(world: World) -> None:
    await world.says(world.resident, GAS_AT_HOME)
    said = await world.sees(world.resident, "119", "已通知本网格的网格员和西隅社区负责人")
    assert "不要开关电灯" in said["text"] and "打开门窗" in said["text"]
    number = await world.ticket_number(world.resident)
    await world.sees(world.worker, "新工单", number)
    await world.sees(world.supervisor, "紧急工单", number)


async def test_the_web_emergency_answer_carries_the_numbers_as_data(world: World) -> None:
    async with browser(world) as web:
        status, reply = await web.post("/api/messages", {"text": FIRE_AT_HOME})
    assert status == 200 and reply["kind"] == "opened"
    emergency = reply["emergency"]
    assert emergency["numbers"] == [{"number": "119", "label": "火警 119"}]
    assert "不要乘电梯" in emergency["text"] and "已通知本网格的网格员和西隅社区负责人" in emergency["text"]


@pytest.mark.slow
async def test_the_web_chat_shows_the_numbers_as_tel_links(world: World) -> None:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = await chromium.new_page(viewport={"width": 390, "height": 780}, locale="zh-CN")
            await page.goto(f"http://127.0.0.1:{world.service.http_port}/")
            await page.get_by_label("描述您的问题").fill(GAS_AT_HOME)
            await page.get_by_role("button", name="发送", exact=True).click()
            call = page.get_by_role("link", name="火警 119")
            await expect(call).to_be_visible(timeout=10_000)
            assert await call.get_attribute("href") == "tel:119"
            await expect(page.locator(".msg.alert", has_text="不要开关电灯")).to_be_visible()
        finally:
            await chromium.close()
