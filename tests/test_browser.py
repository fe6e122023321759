"""The web chat in a real headless Chromium (Debian's), driven by Playwright: file a request, get the
ticket number, see the status change when a worker accepts on Telegram, and rate the result."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.async_api import async_playwright, expect

from tests.telegram_harness import NUMBER, World

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
    return path


async def test_resident_files_a_request_in_the_browser_and_rates_it(world: World, tmp_path: Path) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 780}, locale="zh-CN")
            await page.goto(f"http://127.0.0.1:{world.service.http_port}/")
            await expect(page.get_by_role("heading", name="网格服务")).to_be_visible()
            await page.get_by_label("描述您的问题").fill("西正路8号门口的路灯坏了好几天，晚上很黑")
            await page.get_by_role("button", name="发送", exact=True).click()
            receipt = page.locator(".msg.bot", has_text="已受理")
            await expect(receipt).to_be_visible(timeout=10_000)
            number = NUMBER.search(await receipt.inner_text()).group(0)

            offer = await world.sees(world.worker, "新工单", number)
            await world.presses(world.worker, offer, "接单")
            await expect(page.locator(".msg.bot", has_text="处理中")).to_be_visible(timeout=10_000)
            await page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)

            await world.service.domain.tickets.resolve(number, f"telegram:{world.worker.id}", "已更换灯泡")
            await expect(page.locator(".msg.bot", has_text="已办结")).to_be_visible(timeout=10_000)
            await page.get_by_role("button", name="评分 5 分").click()
            await expect(page.locator(".msg.bot", has_text="感谢您的评价")).to_be_visible(timeout=10_000)
            await expect(page.locator(".msg.bot b", has_text=number).first).to_be_visible()  # HTML, not tags as text
            ticket = await world.service.domain.tickets.get(number)
            assert str(ticket.status) == "closed" and ticket.rating == 5
        finally:
            await browser.close()
