"""The classifier page in a real headless Chromium (Debian's), driven by Playwright: an admin logs in,
reads a version's metrics and confusion heat map, rejects a correction and rolls the model back to an
earlier version; the running service serves it (its /healthz says so)."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import async_playwright, expect

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from tests.telegram_harness import World
from tests.test_browser import CHROMIUM_ARGS, chromium_path
from tests.test_console_classifier import OLD, earlier_version, labelled
from tests.test_console_stats_browser import PASSWORD, logged_in


@pytest.mark.slow
async def test_an_admin_rejects_a_correction_and_rolls_the_model_back(world: World, tmp_path: Path) -> None:
    await Accounts(world.service.redis).add("admin", Scope(Role.ADMIN), PASSWORD)
    earlier_version(world)
    number = await labelled(world, "楼上装修太吵了", "construction")
    base = f"http://127.0.0.1:{world.service.http_port}"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
            refused = await logged_in(page, base, "admin")
            await page.goto(f"{base}/console/classifier")
            await expect(page.get_by_role("img", name="混淆矩阵（行：真实类别，列：预测类别）")).to_be_visible()
            row = page.locator(f'tr[data-number="{number}"]')
            await row.get_by_role("button", name="驳回").click()
            await expect(page.get_by_role("status").first).to_have_text("已记录审核结果。")
            await expect(page.locator(f'tr[data-number="{number}"]')).to_contain_text("已驳回")
            await page.screenshot(path=str(tmp_path / "classifier.png"), full_page=True)
            await page.locator("table.versions tr", has_text=OLD).get_by_role("button", name="切换到此版本").click()
            await expect(page.get_by_role("status").first).to_contain_text(f"已切换到版本 {OLD}")
            assert refused == []
        finally:
            await browser.close()
    async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as response:
        assert (await response.json())["model"] == OLD
