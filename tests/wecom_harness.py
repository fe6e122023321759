"""A running gridbot with its WeCom channel, against the local WeCom API server (tests/wxapi) and the
local Bot API server (residents, and a Telegram worker, are on Telegram).

WeCom members are the simulator's :class:`tests.wxapi.simulator.WeComMember`: each posts signed,
encrypted callbacks to ``/wecom`` as WeCom does (a text, an image, a card's button pressed), and reads
what gridbot sent them from the API server's mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.app.config import Settings
from bot.app.service import Service
from bot.grids.map import Location
from bot.infra.clock import ManualClock
from bot.people.directory import Level, telegram_key
from bot.photos.store import PhotoStore
from bot.tickets.service import NewRequest
from tests.botapi.client import User
from tests.botapi.server import BotAPIServer
from tests.domain import START
from tests.telegram_harness import copy_models
from tests.wxapi.posting import Posted
from tests.wxapi.reading import text_of
from tests.wxapi.server import WxAPIServer
from tests.wxapi.simulator import WeComMember as Member

Entry = dict[str, Any]
LAMP = "西正路8号门口的路灯坏了好几天，晚上黑漆漆的"


@dataclass
class World:
    """The service, both API servers, and the people the tests play."""

    service: Service
    wx: WxAPIServer
    tg: BotAPIServer
    clock: ManualClock
    resident: User
    worker: Member  # of GC-XY-01
    colleague: Member  # of GC-XY-01 too
    stranger: Member  # in the app, but no worker or supervisor
    supervisor: Member  # of 西隅社区 (GC-XY-01's community)
    session: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.service.http_port}/wecom"

    def service_photos(self) -> PhotoStore:
        """The service's photo store (as its web chat keeps residents' uploads)."""
        return PhotoStore(self.service.settings.uploads_dir)

    async def open_ticket(self, text: str = LAMP, grid_id: str | None = "GC-XY-01", photo: str | None = None,
                          category: str = "municipal") -> str:
        """A resident's request, opened as Telegram's intake would (the resident hears of it there)."""
        assert self.service.domain is not None
        grid_map = await self.service.domain.grids.current()
        grid = grid_map.get(grid_id) if grid_map and grid_id else None
        location = Location.of_grid(grid, "alias") if grid is not None else None
        request = NewRequest(telegram_key(self.resident.id), text, category, location=location, photo=photo)
        return (await self.service.domain.tickets.open(request)).ticket.number

    async def card(self, member: Member, *fragments: str, timeout: float = 8.0) -> Entry:
        """The first ticket card ``member`` got whose text holds every fragment."""
        return await self.wx.wait_for(
            member.key, lambda e: e["msgtype"] == "template_card" and all(f in text_of(e) for f in fragments),
            timeout)

    async def hears(self, member: Member, *fragments: str, after: int = 0, timeout: float = 8.0) -> Entry:
        """The first text message to ``member`` (from index ``after``) holding every fragment."""
        return await self.wx.wait_for(
            member.key, lambda e: e["msgtype"] == "text" and all(f in text_of(e) for f in fragments), timeout,
            after=after)

    async def presses(self, member: Member, card: Entry, key: str) -> Posted:
        """``member`` presses the button ``key`` on ``card`` (WeCom issues the event's response code)."""
        posted = await member.press(card, key)
        assert posted.ok, posted
        return posted

    async def accepts(self, member: Member, number: str) -> Entry:
        """``member`` presses 接单 on their card of ``number``; the card once gridbot updated it."""
        card = await self.card(member, "新工单", number)
        await self.presses(member, card, f"accept:{number}")
        await self.wx.wait_until(lambda: card["updates"], what="the card updated")
        return card

    def texts(self, member: Member) -> list[str]:
        return [text_of(e) for e in self.wx.sent(member.key)]

    async def resident_sees(self, *fragments: str, timeout: float = 8.0) -> dict[str, Any]:
        def match(message: dict[str, Any]) -> bool:
            body = message.get("text") or message.get("caption") or ""
            return all(fragment in body for fragment in fragments)

        return await self.tg.wait_for_message(self.resident.id, match, timeout, after=0)


async def start_world(tg: BotAPIServer, wx: WxAPIServer, redis_url: str, data_dir: Path, trained_models: Path,
                      session: aiohttp.ClientSession, **overrides: Any) -> World:
    copy_models(trained_models, data_dir)
    settings = Settings(_env_file=None, bot_token=tg.token, telegram_api=tg.base_url, redis_url=redis_url,
                        data_dir=data_dir, http_port=0, **wx.app.settings(wx.wecom_url), **overrides)
    service = Service(settings, clock=ManualClock(START))
    await service.start()
    assert service.domain is not None and isinstance(service.clock, ManualClock)
    base = f"http://127.0.0.1:{service.http_port}"
    members = {name: wx.wecom_member(base, name, session=session) for name in ("lisi", "wangwu", "zhaoliu", "chenzr")}
    people = service.domain.people
    await people.add_worker(members["lisi"].key, "GC-XY-01", "李四")
    await people.add_worker(members["wangwu"].key, "GC-XY-01", "王五")
    await people.add_supervisor(members["chenzr"].key, Level.COMMUNITY, "西隅社区", "陈主任")
    return World(service, wx, tg, service.clock, tg.user("王阿姨"), members["lisi"], members["wangwu"],
                 members["zhaoliu"], members["chenzr"], session)
