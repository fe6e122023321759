"""The dispatch console as a browser sees it, over real HTTP: one client with its cookies and the CSRF token
of the last page it read; the accounts the console tests log in as; opening a ticket in a grid."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from bot.grids.map import Location
from bot.tickets.service import NewRequest
from tests.telegram_harness import World

PASSWORD = "西隅社区的密码很长很长"
XY01 = Location("GC-XY-01", "西隅第一网格", "西隅社区", "莞城街道", "alias", "西隅")
XY02 = Location("GC-XY-02", "西隅第二网格", "西隅社区", "莞城街道", "alias", "西隅")
BY01 = Location("GC-BY-01", "北隅第一网格", "北隅社区", "莞城街道", "alias", "北隅")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Console:
    """One browser on the console: its cookies, and the CSRF token of the last page it read."""

    http: aiohttp.ClientSession
    base: str
    csrf: str = ""

    async def page(self, path: str, **kwargs: object) -> tuple[int, str]:
        async with self.http.get(self.base + path, allow_redirects=False, **kwargs) as response:  # type: ignore[arg-type]
            text = await response.text()
            if found := CSRF.search(text):
                self.csrf = found.group(1)
            return response.status, text if response.status != 302 else response.headers["Location"]

    async def post(self, path: str, data: dict[str, str], csrf: bool = True) -> tuple[int, str]:
        form = {**data, "csrf": self.csrf} if csrf else data
        async with self.http.post(self.base + path, data=form, allow_redirects=False) as response:
            return response.status, response.headers.get("Location") or await response.text()

    async def login(self, username: str, password: str = PASSWORD) -> tuple[int, str]:
        await self.page("/console/login")
        return await self.post("/console/login", {"username": username, "password": password})


@asynccontextmanager
async def console_for(world: World) -> AsyncIterator[Console]:
    """A browser on ``world``'s console; accounts ``xiyu`` (西隅社区) and ``city`` (the whole city) exist."""
    accounts = Accounts(world.service.redis)
    await accounts.add("xiyu", Scope(Role.COMMUNITY, "莞城街道", "西隅社区"), PASSWORD)
    await accounts.add("city", Scope(Role.CITY), PASSWORD)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield Console(http, f"http://127.0.0.1:{world.service.http_port}")


async def opened(world: World, place: Location | None, text: str = "路灯坏了三天没人修") -> str:
    assert world.service.domain is not None
    request = NewRequest(resident=f"telegram:{world.resident.id}", text=text, category="municipal", location=place)
    return (await world.service.domain.tickets.open(request)).ticket.number
