"""The knowledge base's answer in a real headless Chromium: the answer with 已解决 / 转人工办理 as quick
replies, both back after a reload, and 转人工办理 opening the resident's own words as a ticket."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from bot.texts import faq as faq_texts
from tests.telegram_harness import NUMBER, World
from tests.test_browser_conversation import chips, chromium, phone_page, receipts, reload_and_compare, send
from tests.test_faq_flow import QUESTION

pytestmark = pytest.mark.slow


async def test_the_answer_offers_two_choices_that_survive_a_reload(world: World) -> None:
    async with chromium() as browser:
        page = await phone_page(browser, world)
        await send(page, QUESTION)
        await expect(chips(page)).to_have_text([faq_texts.SOLVED, faq_texts.TO_HUMAN], timeout=10_000)
        await expect(page.locator(".msg.bot").last).to_contain_text("低保")
        await reload_and_compare(page)
        await page.get_by_role("button", name=faq_texts.TO_HUMAN).click()
        await expect(receipts(page)).to_have_count(1, timeout=10_000)
        number = NUMBER.search(await receipts(page).last.inner_text()).group(0)
        assert (await world.service.domain.tickets.get(number)).text == QUESTION
        await expect(page.locator(".msg.me")).to_have_text([QUESTION, faq_texts.TO_HUMAN])
