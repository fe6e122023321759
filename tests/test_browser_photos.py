"""A phone photo over 5 MB, chosen in the web chat in a real headless Chromium: the page shrinks it
before the upload, a ticket opens with it, and the grid's worker receives it on Telegram."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import async_playwright, expect

from bot.photos.store import MAX_EDGE, MAX_UPLOAD_BYTES
from tests.telegram_harness import NUMBER, World
from tests.test_browser import CHROMIUM_ARGS, chromium_path


def noisy_png(path: Path, width: int = 6000, height: int = 4000) -> Path:
    """A 6000×4000 PNG of coarse noise: over 5 MB, as a phone camera's photo is."""
    coarse = Image.frombytes("RGB", (width // 4, height // 4), os.urandom(width // 4 * height // 4 * 3))
    coarse.resize((width, height), Image.Resampling.NEAREST).save(path, "PNG", compress_level=1)
    return path


@pytest.mark.slow
async def test_a_photo_over_5_mb_is_shrunk_in_the_browser_and_reaches_the_worker(world: World, tmp_path: Path) -> None:
    photo = noisy_png(tmp_path / "IMG_20261124_0900.png")
    assert photo.stat().st_size > MAX_UPLOAD_BYTES
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 780}, locale="zh-CN")
            await page.goto(f"http://127.0.0.1:{world.service.http_port}/")
            await page.get_by_label("描述您的问题").fill("西正路8号门口的井盖坏了，晚上很危险")
            await page.locator("#photo").set_input_files(str(photo))
            receipt = page.locator(".msg.bot", has_text="已受理")
            await expect(receipt).to_be_visible(timeout=20_000)
            number = NUMBER.search(await receipt.inner_text()).group(0)
        finally:
            await browser.close()

    ticket = await world.service.domain.tickets.get(number)
    kept = (world.service.settings.uploads_dir / ticket.photo.removeprefix("web:")).read_bytes()
    assert Image.open(io.BytesIO(kept)).size == (MAX_EDGE, round(4000 * MAX_EDGE / 6000))
    offer = await world.sees(world.worker, "新工单", number)
    received = world.server.file_bytes(offer["photo"][-1]["file_id"])
    assert received == kept and Image.open(io.BytesIO(received)).format == "JPEG"
