"""The dispatch console in a real headless Chromium (Debian's), driven by Playwright: log in, find a
ticket by searching for its words, dispatch it to a grid; the worker hears of it on Telegram."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from bot.grids.map import Location
from bot.tickets.service import NewRequest
from tests.telegram_harness import World
from tests.test_browser import CHROMIUM_ARGS, chromium_path

PASSWORD = "a console password"
XY02 = Location("GC-XY-02", "西隅第二网格", "西隅社区", "莞城街道", "alias", "西隅")


@pytest.mark.slow
async def test_log_in_find_a_ticket_by_search_dispatch_it_and_see_a_new_one_arrive_live(world: World, tmp_path: Path) -> None:
    assert world.service.domain is not None
    await Accounts(world.service.redis).add("xiyu", Scope(Role.COMMUNITY, "莞城街道", "西隅社区"), PASSWORD)
    tickets = world.service.domain.tickets
    resident = f"telegram:{world.resident.id}"
    await tickets.open(NewRequest(resident=resident, text="西隅的路灯坏了", category="municipal", location=XY02))
    number = (await tickets.open(NewRequest(resident=resident, text="西隅第二网格的垃圾桶满了没人收",
                                            category="sanitation", location=XY02))).ticket.number
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
            problems: list[str] = []
            page.on("console", lambda message: problems.append(f"{message.text} {message.location.get('url')}")
                    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")
                    else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            await page.goto(f"http://127.0.0.1:{world.service.http_port}/console")
            await expect(page.get_by_role("heading", name="登录指挥调度台")).to_be_visible()
            await page.get_by_label("用户名").fill("xiyu")
            await page.get_by_label("密码").fill(PASSWORD)
            await page.get_by_role("button", name="登录").click()
            await expect(page.get_by_role("heading", name="工单看板")).to_be_visible()
            await page.get_by_role("searchbox").fill("垃圾桶")
            await page.get_by_role("button", name="筛选").click()
            await expect(page.locator("table.board tbody tr")).to_have_count(1)
            await page.get_by_role("link", name=number).click()
            await expect(page.get_by_role("heading", name=f"工单 {number}")).to_be_visible()
            await page.locator('form[action$="/dispatch"] select[name="grid"]').select_option("GC-XY-01")
            await page.get_by_role("button", name="派单", exact=True).click()
            await expect(page.get_by_role("status")).to_have_text("已完成。")
            await expect(page.locator(".timeline")).to_contain_text("指挥调度台 xiyu 派单")
            await page.screenshot(path=str(tmp_path / "console.png"), full_page=True)
            await world.sees(world.worker, number)
            await page.get_by_role("link", name="返回看板").click()
            await expect(page.locator("table.board tbody tr")).to_have_count(2)
            await expect(page.locator('li[data-state="pending"] b')).to_have_text("1")  # the street lamp
            page_loads = []
            page.on("load", lambda: page_loads.append(1))
            fresh = (await tickets.open(NewRequest(resident=resident, text="西隅的井盖丢了", category="municipal",
                                                   location=XY02))).ticket.number
            row = page.locator(f'tr[data-number="{fresh}"]')
            await expect(row).to_have_count(1)  # live: no reload
            await expect(row).to_have_class(re.compile("changed"))
            await expect(page.locator('li[data-state="pending"] b')).to_have_text("2")
            assert not page_loads
            await page.screenshot(path=str(tmp_path / "console-board.png"), full_page=True)
            await page.get_by_role("link", name="网格地图").click()
            await expect(page.locator(f'svg.map a[data-number="{fresh}"] circle.state-pending')).to_have_count(1)
            await page.screenshot(path=str(tmp_path / "console-map.png"), full_page=True)
            await page.locator(f'svg.map a[data-number="{number}"]').click()
            await expect(page.get_by_role("heading", name=f"工单 {number}")).to_be_visible()
            assert not problems, problems  # nothing refused by the CSP, no script errors
        finally:
            await browser.close()
