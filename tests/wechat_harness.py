"""gridbot serving the Official Account against the local WeChat API server, with a follower who posts
signed (and, in encrypted modes, encrypted) XML to ``/wechat`` as WeChat's servers do.

Workers are on Telegram (tests/telegram_harness.py) until the WeCom channel takes them. The XML and
the encryption are built here from WeChat's documented formats, with gridbot's crypto module, whose
own tests check it against WeChat's published vectors.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bot.channels.weixin.crypto import MessageCrypto, signature
from bot.channels.weixin.xml import build
from tests.botapi.server import BotAPIServer
from tests.telegram_harness import NUMBER, World, start_world
from tests.wxapi.accounts import OfficialAccount
from tests.wxapi.mailbox import Entry
from tests.wxapi.reading import menu_choices
from tests.wxapi.server import WxAPIServer

_MSG_IDS = itertools.count(int(time.time()) * 1000)


@dataclass
class Posted:
    """gridbot's answer to one POST."""

    status: int
    text: str


@dataclass
class Follower:
    """A resident on the Official Account."""

    openid: str

    @property
    def key(self) -> str:
        return f"wechat:{self.openid}"


@dataclass
class WeChatWorld:
    """The service (Telegram for staff, WeChat for residents), both API servers, and a follower."""

    world: World
    wx: WxAPIServer
    http: aiohttp.ClientSession
    resident: Follower
    mode: str = "plain"  # how posts are sent: plain, compatible or safe
    _created: itertools.count = field(default_factory=lambda: itertools.count(int(time.time())))

    @property
    def account(self) -> OfficialAccount:
        return self.wx.account

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.world.service.http_port}/wechat"

    def follower(self) -> Follower:
        return Follower("o" + secrets.token_urlsafe(20))

    def message(self, follower: Follower, msg_type: str, **fields: str | int) -> dict[str, str | int]:
        """A message's fields as WeChat sends them (a fresh MsgId unless given; events have none)."""
        base: dict[str, str | int] = {"ToUserName": self.account.original_id, "FromUserName": follower.openid,
                                      "CreateTime": next(self._created), "MsgType": msg_type}
        if msg_type != "event" and "MsgId" not in fields:
            base["MsgId"] = next(_MSG_IDS)
        return {**base, **fields}

    async def post(self, fields: dict[str, str | int], mode: str | None = None, **query: str) -> Posted:
        """POST one message as WeChat does: signed, and encrypted in the safe and compatible modes."""
        self.wx.user_messaged(str(fields["FromUserName"]))
        return await self.post_body(self.body(fields, mode or self.mode), mode or self.mode, **query)

    def body(self, fields: dict[str, str | int], mode: str) -> str:
        plain = build(fields)
        if mode == "plain":
            return plain
        encrypted = self.crypto().encrypt(plain)
        envelope: dict[str, str | int] = {"ToUserName": self.account.original_id, "Encrypt": encrypted}
        return build({**fields, "Encrypt": encrypted} if mode == "compatible" else envelope)

    def crypto(self) -> MessageCrypto:
        assert self.account.aes_key is not None
        return MessageCrypto(self.account.token, self.account.aes_key, self.account.app_id)

    async def post_body(self, body: str | bytes, mode: str = "plain", **query: str) -> Posted:
        """POST ``body`` with the query WeChat would sign it with (``query`` overrides any part)."""
        timestamp, nonce = str(int(time.time())), secrets.token_hex(5)
        params = {"signature": signature(self.account.token, timestamp, nonce), "timestamp": timestamp,
                  "nonce": nonce, "openid": "x"}
        if mode != "plain":
            raw = body.encode() if isinstance(body, str) else body
            encrypted = raw.split(b"<Encrypt><![CDATA[")[1].split(b"]]>")[0].decode()
            params |= {"encrypt_type": "aes", "msg_signature": signature(self.account.token, timestamp, nonce, encrypted)}
        params |= query
        async with self.http.post(self.url, params=params, data=body,
                                  headers={"Content-Type": "text/xml"}) as response:
            return Posted(response.status, await response.text())

    async def says(self, follower: Follower, text: str, **fields: str | int) -> Posted:
        posted = await self.post(self.message(follower, "text", Content=text, **fields))
        assert posted.status == 200, posted
        return posted

    async def taps(self, follower: Follower, menu: Entry, label: str) -> Posted:
        """Tap the choice labelled ``label`` of a msgmenu: WeChat sends its text with ``bizmsgmenuid``."""
        item = next((item_id for item_id, content in menu_choices(menu) if content == label), None)
        assert item is not None, (label, menu_choices(menu))
        return await self.says(follower, label, bizmsgmenuid=item)

    async def event(self, follower: Follower, event: str, **fields: str | int) -> Posted:
        posted = await self.post(self.message(follower, "event", Event=event, **fields))
        assert posted.status == 200, posted
        return posted

    async def sees(self, follower: Follower, *fragments: str, timeout: float = 8.0, after: int = 0) -> Entry:
        return await self.wx.wait_for_text(follower.key, *fragments, timeout=timeout, after=after)

    def received(self, follower: Follower) -> int:
        """How many messages ``follower`` got so far (for ``after=``)."""
        return len(self.wx.sent(follower.key))

    async def close(self) -> None:
        await self.http.close()
        await self.world.service.stop()

    async def ticket_number(self, follower: Follower, after: int = 0) -> str:
        opened = await self.sees(follower, "已受理", after=after)
        found = NUMBER.search(self.wx.text_of(opened))
        assert found, opened
        return found.group(0)


async def start_wechat_world(bot_api: BotAPIServer, wx: WxAPIServer, redis_url: str, data_dir: Path,
                             trained_models: Path, mode: str = "plain", **overrides: Any) -> WeChatWorld:
    settings = {**wx.account.settings(wx.wechat_url), **overrides}
    world = await start_world(bot_api, redis_url, data_dir, trained_models, **settings)
    http = aiohttp.ClientSession()
    return WeChatWorld(world, wx, http, Follower("o" + secrets.token_urlsafe(20)), mode)

