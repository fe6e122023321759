"""The web chat remembers, in a real headless Chromium on a phone-sized screen: after a reload the
conversation comes back with its pending question and buttons; quick replies are in view; "我的工单" is
a list that follows each ticket's state and asks before withdrawing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from bot.texts import common as common_texts
from bot.texts import residents as resident_texts
from bot.tickets.states import Status
from tests.messages import UNSURE
from tests.telegram_harness import NUMBER, World
from tests.test_browser import CHROMIUM_ARGS, chromium_path

# Each drives Chromium for a few seconds, and stopping the service waits for the page's event stream to end.
pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
LAMP = "西正路8号门口的路灯坏了好几天，晚上很黑"
GARBAGE_NOWHERE = "我家楼下的垃圾好几天没人收了"  # names no place: asks where
PAGE = resident_texts.web_page()  # the page's own words


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def phone_page(browser: Browser, world: World) -> Page:
    """A resident's phone with the chat open (its own cookies: its own session)."""
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    await page.goto(f"http://127.0.0.1:{world.service.http_port}/")
    await expect(page.get_by_role("heading", name="网格服务")).to_be_visible()
    return page


async def send(page: Page, text: str) -> None:
    await page.get_by_label("描述您的问题").fill(text)
    await page.get_by_role("button", name="发送", exact=True).click()


def messages(page: Page):
    return page.locator("#log .msg")


def chips(page: Page):
    return page.locator("#actions .chip")


def receipts(page: Page):
    return page.locator(".msg.bot", has_text="已受理")


async def reload_and_compare(page: Page) -> None:
    """Reload the page: every message and quick-reply button comes back, in the same order."""
    await expect(messages(page).last).to_be_visible()
    before, buttons = await messages(page).all_inner_texts(), await chips(page).all_inner_texts()
    await page.reload()
    await expect(messages(page)).to_have_count(len(before), timeout=10_000)
    assert await messages(page).all_inner_texts() == before
    await expect(chips(page)).to_have_text(buttons)


async def test_a_reload_brings_back_the_conversation_and_the_where_question(world: World) -> None:
    async with chromium() as browser:
        page = await phone_page(browser, world)
        await send(page, LAMP)
        await expect(receipts(page)).to_have_count(1, timeout=10_000)
        await send(page, GARBAGE_NOWHERE)
        await expect(chips(page)).to_have_text([common_texts.SEND_LOCATION, common_texts.SKIP_LOCATION])

        await reload_and_compare(page)
        await expect(page.locator(".msg.me")).to_have_text([LAMP, GARBAGE_NOWHERE])

        await send(page, "西正路8号")  # the pending question still takes the address
        await expect(receipts(page)).to_have_count(2, timeout=10_000)
        number = NUMBER.search(await receipts(page).last.inner_text()).group(0)
        ticket = await world.service.domain.tickets.get(number)
        assert (ticket.text, ticket.grid_id) == (GARBAGE_NOWHERE, "GC-XY-01")
        await expect(chips(page)).to_have_count(0)


async def test_a_reload_brings_back_the_category_question_and_then_nothing_is_pending(world: World) -> None:
    async with chromium() as browser:
        page = await phone_page(browser, world)
        await send(page, UNSURE)
        await expect(chips(page).first).to_be_visible(timeout=10_000)
        await reload_and_compare(page)

        chosen = await chips(page).first.inner_text()
        await chips(page).first.click()
        await expect(chips(page)).to_have_text([common_texts.SEND_LOCATION, common_texts.SKIP_LOCATION])
        await reload_and_compare(page)
        await expect(page.locator(".msg.me")).to_have_text([UNSURE, chosen])

        await page.get_by_role("button", name=common_texts.SKIP_LOCATION).click()
        await expect(receipts(page)).to_have_count(1, timeout=10_000)
        first = NUMBER.search(await receipts(page).first.inner_text()).group(0)
        await reload_and_compare(page)
        await expect(chips(page)).to_have_count(0)

        await send(page, "西正路8号门口的井盖丢了，很危险")  # nothing pending: a request of its own
        await expect(receipts(page)).to_have_count(2, timeout=10_000)
        second = NUMBER.search(await receipts(page).last.inner_text()).group(0)
        assert second != first
        assert (await world.service.domain.tickets.get(first)).text == UNSURE
        assert (await world.service.domain.tickets.get(second)).grid_id == "GC-XY-01"


async def test_each_session_gets_back_only_its_own_conversation(world: World) -> None:
    async with chromium() as browser:
        mine, neighbour = await phone_page(browser, world), await phone_page(browser, world)
        private = "我家楼下的垃圾好几天没人收了，我电话13800138000"
        await send(mine, private)
        await expect(chips(mine)).to_have_count(2, timeout=10_000)
        await reload_and_compare(mine)

        await neighbour.reload()
        await expect(neighbour.locator("#log")).not_to_contain_text("13800138000")
        await expect(messages(neighbour)).to_have_count(1)  # only the welcome
        await expect(chips(neighbour)).to_have_count(0)
        await neighbour.get_by_role("button", name="我的工单").click()
        await expect(neighbour.locator("#tickets")).to_contain_text(PAGE["noTickets"])

        await mine.context.clear_cookies()  # a new session in the same browser: a new conversation
        await mine.reload()
        await expect(messages(mine)).to_have_count(1)
        await expect(mine.locator("#log")).not_to_contain_text("13800138000")


async def test_quick_reply_buttons_are_in_view_on_a_phone(world: World) -> None:
    async with chromium() as browser:
        page = await phone_page(browser, world)
        earlier = (LAMP, "西正路8号门口有个井盖丢了，晚上很危险", "西正路8号楼下餐馆油烟太大，熏得没法开窗")
        for count, text in enumerate(earlier, 1):  # earlier requests fill the screen
            await send(page, text)
            await expect(receipts(page)).to_have_count(count, timeout=10_000)
        await send(page, GARBAGE_NOWHERE)
        await expect(chips(page)).to_have_count(2, timeout=10_000)
        composer = await page.locator("#composer").bounding_box()
        for chip in await chips(page).all():
            await expect(chip).to_be_in_viewport(ratio=1)
            box = await chip.bounding_box()
            assert 0 <= box["y"] and box["y"] + box["height"] <= composer["y"], (box, composer)


async def test_my_tickets_is_a_list_that_follows_each_state_and_asks_before_withdrawing(world: World) -> None:
    async with chromium() as browser:
        page = await phone_page(browser, world)
        await send(page, LAMP)
        await expect(receipts(page)).to_have_count(1, timeout=10_000)
        number = NUMBER.search(await receipts(page).inner_text()).group(0)
        ticket = await world.service.domain.tickets.get(number)

        await page.get_by_role("button", name="我的工单").click()
        item = page.locator("#tickets li", has_text=common_texts.when(ticket.created_at))
        await expect(item).to_have_count(1)
        for shown in (world.service.domain.taxonomy.name(ticket.category), ticket.grid_name, Status.ASSIGNED.label):
            await expect(item.locator("summary")).to_contain_text(shown)
        full_text = item.get_by_text(LAMP, exact=True)
        await expect(full_text).to_be_hidden()
        await item.locator("summary").click()  # tap: the whole text
        await expect(full_text).to_be_visible()

        offer = await world.sees(world.worker, "新工单", number)
        await world.presses(world.worker, offer, "接单")
        await expect(item.locator("summary")).to_contain_text(Status.ACCEPTED.label, timeout=10_000)  # by itself

        await item.get_by_role("button", name=PAGE["withdrawLabel"].format(number=number)).click()
        confirm = page.get_by_role("alertdialog")
        await expect(confirm).to_contain_text(number)
        await confirm.get_by_role("button", name=PAGE["confirmNo"]).click()
        await expect(confirm).to_have_count(0)
        assert (await world.service.domain.tickets.get(number)).status == Status.ACCEPTED

        await item.get_by_role("button", name=PAGE["withdrawLabel"].format(number=number)).click()
        await page.get_by_role("alertdialog").get_by_role("button", name=PAGE["confirmYes"]).click()
        await expect(item.locator("summary")).to_contain_text(Status.CANCELLED.label, timeout=10_000)
        assert (await world.service.domain.tickets.get(number)).status == Status.CANCELLED
        await expect(item.get_by_role("button", name=PAGE["withdrawLabel"].format(number=number))).to_have_count(0)

        await page.get_by_role("button", name="关闭").click()
        withdrawn = page.locator("#log .msg", has_text=Status.CANCELLED.label)
        await expect(withdrawn).to_be_visible(timeout=10_000)
        await page.wait_for_timeout(1000)  # time for a second message, if one were coming
        await expect(page.locator("#log .msg", has_text=PAGE["withdraw"])).to_have_count(1)
