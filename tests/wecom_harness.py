"""A running gridbot with its WeCom channel, against the local WeCom API server (tests/wxapi) and the
local Bot API server (residents, and a Telegram worker, are on Telegram).

WeCom members are played by :class:`Member`: each posts signed, encrypted callbacks to ``/wecom`` as
WeCom does (a text, an image, a card's button pressed), and reads what gridbot sent them from the API
server's mailbox.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bot.app.config import Settings
from bot.app.service import Service
from bot.channels.weixin.crypto import MessageCrypto, signature
from bot.grids.map import Location
from bot.infra.clock import ManualClock
from bot.people.directory import Level, telegram_key
from bot.photos.store import PhotoStore
from bot.tickets.service import NewRequest
from tests.botapi.client import User
from tests.botapi.server import BotAPIServer
from tests.domain import START
from tests.telegram_harness import copy_models
from tests.wxapi.accounts import WeComApp
from tests.wxapi.reading import text_of
from tests.wxapi.server import WxAPIServer
from tests.wxapi.xmlmsg import xml_of

Entry = dict[str, Any]
LAMP = "西正路8号门口的路灯坏了好几天，晚上黑漆漆的"
_create_times = itertools.count(int(time.time()))  # every callback its own second, as if typed one by one


@dataclass
class Member:
    """A WeCom member of the app, posting callbacks to gridbot's ``/wecom``."""

    userid: str
    app: WeComApp
    url: str
    session: aiohttp.ClientSession
    last: tuple[dict[str, str], bytes] | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        return f"wecom:{self.userid}"

    def envelope(self, fields: dict[str, Any]) -> tuple[dict[str, str], bytes]:
        """The query and body WeCom posts for a message: the message encrypted, the whole signed."""
        crypto = MessageCrypto(self.app.token, self.app.aes_key, self.app.corp_id)
        encrypted = crypto.encrypt(xml_of(fields))
        timestamp, nonce = str(int(time.time())), secrets.token_hex(5)
        query = {"msg_signature": signature(self.app.token, timestamp, nonce, encrypted),
                 "timestamp": timestamp, "nonce": nonce}
        body = xml_of({"ToUserName": self.app.corp_id, "AgentID": self.app.agent_id, "Encrypt": encrypted})
        return query, body.encode("utf-8")

    async def post(self, query: dict[str, str], body: bytes) -> int:
        async with self.session.post(self.url, params=query, data=body) as response:
            await response.read()
            return response.status

    async def callback(self, fields: dict[str, Any]) -> int:
        self.last = self.envelope({"ToUserName": self.app.corp_id, "FromUserName": self.userid,
                                   "CreateTime": next(_create_times), **fields, "AgentID": self.app.agent_id})
        return await self.post(*self.last)

    async def retry(self) -> int:
        """WeCom posting the last callback again (no answer in 5 s, it thinks)."""
        assert self.last is not None
        return await self.post(*self.last)

    async def says(self, text: str) -> int:
        return await self.callback({"MsgType": "text", "Content": text, "MsgId": secrets.randbelow(2**63)})

    async def sends_image(self, media_id: str) -> int:
        return await self.callback({"MsgType": "image", "PicUrl": "http://example.invalid/p.jpg",
                                    "MediaId": media_id, "MsgId": secrets.randbelow(2**63)})

    async def presses(self, task_id: str, key: str, response_code: str) -> int:
        return await self.callback({"MsgType": "event", "Event": "template_card_event", "EventKey": key,
                                    "TaskId": task_id, "CardType": "button_interaction",
                                    "ResponseCode": response_code})


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

    async def presses(self, member: Member, card: Entry, key: str) -> None:
        """``member`` presses the button ``key`` on ``card`` (WeCom issues the event's response code)."""
        code = self.wx.press(member.userid, card["task_id"], key)
        assert await member.presses(card["task_id"], key, code) == 200

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
    url = f"http://127.0.0.1:{service.http_port}/wecom"
    members = {name: Member(name, wx.app, url, session) for name in ("lisi", "wangwu", "zhaoliu", "chenzr")}
    for userid in members:
        wx.add_member(userid)
    people = service.domain.people
    await people.add_worker(members["lisi"].key, "GC-XY-01", "李四")
    await people.add_worker(members["wangwu"].key, "GC-XY-01", "王五")
    await people.add_supervisor(members["chenzr"].key, Level.COMMUNITY, "西隅社区", "陈主任")
    return World(service, wx, tg, service.clock, tg.user("王阿姨"), members["lisi"], members["wangwu"],
                 members["zhaoliu"], members["chenzr"], session)
