"""The statistics page in a real headless Chromium (Debian's), driven by Playwright: a city account logs
in, opens the statistics of a seeded range and finds the SVG charts drawn at the page's width, with no
request refused by the app's content security policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright, expect

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from tests.telegram_harness import World
from tests.test_browser import CHROMIUM_ARGS, chromium_path
from tests.test_console_stats import seed

PASSWORD = "a console password"


async def logged_in(page: Page, base: str, username: str, password: str = PASSWORD) -> list[str]:
    """Log ``page`` in to the console; the list it returns fills with the page's CSP refusals."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    await page.goto(f"{base}/console/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(password)
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("heading", name="工单看板")).to_be_visible()
    return refused


@pytest.mark.slow
async def test_the_statistics_page_shows_its_svg_charts(world: World, tmp_path: Path) -> None:
    assert world.service.domain is not None
    await Accounts(world.service.redis).add("city", Scope(Role.CITY), PASSWORD)
    await seed(world.service.domain.store)
    base = f"http://127.0.0.1:{world.service.http_port}"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for width, height in ((1280, 800), (1920, 1080)):  # a laptop and a wall screen
                page = await browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
                refused = await logged_in(page, base, "city")
                await page.goto(f"{base}/console/stats?from=2026-11-20&to=2026-11-23")
                await expect(page.get_by_role("heading", name="统计分析", exact=True)).to_be_visible()
                charts = page.locator("figure.chart svg")
                assert await charts.count() >= 8
                per_day = page.get_by_role("img", name="每日诉求量")
                await expect(per_day).to_be_visible()
                box = await per_day.bounding_box()
                assert box is not None and box["width"] > width * 0.6  # stretched to the page
                await expect(per_day.locator("rect.bar")).to_have_count(4)
                await expect(page.locator("section.cards")).to_contain_text("诉求总量6")
                await page.screenshot(path=str(tmp_path / f"stats-{width}.png"), full_page=True)
                assert refused == []
                await page.close()
        finally:
            await browser.close()
