"""Chinese and emoji render in the headless Chromium the screenshots are taken with (no ☒ boxes):
`make test` runs scripts/ensure-chromium.sh, which installs Debian's CJK and colour emoji fonts."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from playwright.async_api import async_playwright

from tests.test_browser import CHROMIUM_ARGS, chromium_path

CHARACTERS = {"zhong": "中", "guo": "国", "check": "✅", "cross": "❎"}
# one character per block, each at the left edge and a whole number of pixels down: a missing glyph comes
# out pixel for pixel the same box whatever the character
PAGE = ('<!doctype html><meta charset="utf-8"><body style="margin:0;background:#fff;color:#000">'
        + "".join(f'<div id="{name}" style="width:80px;height:80px;font-size:64px;line-height:80px">{text}</div>'
                  for name, text in CHARACTERS.items()) + "</body>")


async def glyphs() -> dict[str, Image.Image]:
    """Each character of the page, rendered by Chromium, as an image."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(locale="zh-CN")
            await page.set_content(PAGE)
            return {name: Image.open(io.BytesIO(await page.locator(f"#{name}").screenshot())).convert("RGB")
                    for name in CHARACTERS}
        finally:
            await browser.close()


def alike(first: Image.Image, second: Image.Image) -> bool:
    return first.tobytes() == second.tobytes()


def green_pixels(image: Image.Image) -> int:
    pixels = np.asarray(image, dtype=int)
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(np.sum((green > 120) & (green > red + 40) & (green > blue + 40)))


async def test_chinese_and_emoji_render_as_glyphs_not_boxes() -> None:
    rendered = await glyphs()
    assert not alike(rendered["zhong"], rendered["guo"]), "no CJK font: 中 and 国 render as the same box"
    assert not alike(rendered["check"], rendered["cross"]), "no emoji font: ✅ and ❎ render as the same box"
    assert green_pixels(rendered["check"]) > 200, "✅ is not drawn in colour (no colour emoji font)"
