"""A city's XYZ map tile service as the console's tests need it: an aiohttp app on 127.0.0.1 (plain
http, which gridbot accepts on a loopback address) serving a small PNG for any ``/tiles/{z}/{x}/{y}.png``
and logging every path asked for, so a test can see what the browser fetched."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from PIL import Image, ImageDraw

from tests.botapi.app import serve


def tile_png(z: int, x: int, y: int) -> bytes:
    """A 256 × 256 tile: a pale colour by its place (neighbours differ), its edges and its number."""
    image = Image.new("RGB", (256, 256), (225 + x % 3 * 10, 232 + y % 3 * 8, 215))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 255, 255), outline=(160, 160, 160))
    draw.text((8, 8), f"{z}/{x}/{y}", fill=(90, 90, 90))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class TileServer:
    """The running server: its URL template for ``GRIDBOT_MAP_TILE_URL`` and the paths it served."""

    origin: str
    requests: list[str] = field(default_factory=list)

    @property
    def template(self) -> str:
        return f"{self.origin}/tiles/{{z}}/{{x}}/{{y}}.png"

    async def tile(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        z, x, y = (int(request.match_info[name]) for name in ("z", "x", "y"))
        return web.Response(body=tile_png(z, x, y), content_type="image/png")


@asynccontextmanager
async def tile_server() -> AsyncIterator[TileServer]:
    """A tile server on a free port of 127.0.0.1 for the duration of the block."""
    app = web.Application()
    server = TileServer("")
    app.router.add_get(r"/tiles/{z:\d+}/{x:\d+}/{y:\d+}.png", server.tile)
    runner, port = await serve(app, "127.0.0.1")
    server.origin = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()
