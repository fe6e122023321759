"""What WeChat's and WeCom's servers do to gridbot: post a user's messages and events, signed and encrypted.

    resident = server.wechat_user(gridbot_url)          # or OfficialAccountUser(url, account, openid)
    posted = await resident.text("路灯坏了")              # Posted(status, body, elapsed, reply …)
    await resident.repost(posted)                        # WeChat's retry: the same MsgId again
    worker = server.wecom_member(gridbot_url, "zhangsan")
    await worker.press(task_id, "accept:T20240101-0001")

Official Account posts go to ``/wechat`` with ``signature, timestamp, nonce, openid`` (and, encrypted,
``encrypt_type=aes, msg_signature``), in the account's mode (plain, compatible, safe); WeCom posts to
``/wecom`` always encrypted with ``msg_signature, timestamp, nonce``. With a ``server``, a user's message
(also subscribe and menu clicks, not LOCATION reports) opens the 48-hour window there first, as it
does on WeChat. CreateTime rises by at least a second per post, so two events are never one.
With ``retry=Retry()`` a post that gets no answer within 5 seconds (or a 5xx) is posted again, the
same bytes, up to 3 more times, as WeChat does; ``Posted.attempts`` says how many it took.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import aiohttp

from bot.channels.weixin.crypto import MessageCrypto

from .accounts import OfficialAccount, WeComApp
from .posting import Posted, Poster, Retry
from .reading import menu_choices
from .xmlmsg import Value, xml_of

if TYPE_CHECKING:
    from .server import WxAPIServer

_MSG_IDS = itertools.count(24_000_000_000_000_000 + secrets.randbelow(10**15))


def new_openid() -> str:
    return "o" + secrets.token_urlsafe(21)[:27]


class _Sender:
    """What a follower and a member both send; CreateTime and MsgId the way WeChat numbers them."""

    poster: Poster
    pic_url = "http://mmbiz.qpic.cn/mmbiz_jpg/{}/0"

    def __init__(self, clock: Callable[[], float], retry: Retry | None) -> None:
        self.clock = clock
        self.retry = retry
        self._last = 0

    async def post(self, fields: dict[str, Value], body: bytes, query: dict[str, str]) -> Posted:
        """One post, or with ``retry`` as many as WeChat would make."""
        if self.retry is not None:
            return await self.poster.deliver(query, body, fields, self.retry)
        return await self.poster.request("POST", query, body, fields)

    def create_time(self) -> int:
        self._last = max(int(self.clock()), self._last + 1)
        return self._last

    def fields(self, msg_type: str, **fields: Value) -> dict[str, Value]:
        raise NotImplementedError

    def plain_query(self) -> dict[str, str]:
        """A signed query for :meth:`raw` posts."""
        raise NotImplementedError

    async def send(self, fields: dict[str, Value]) -> Posted:
        raise NotImplementedError

    async def repost(self, posted: Posted) -> Posted:
        """The platform's retry of a post it got no answer for: the same bytes, the same query."""
        return await self.poster.repost(posted)

    async def text(self, content: str, msg_id: int | None = None) -> Posted:
        return await self.send(self.fields("text", Content=content, MsgId=msg_id or next(_MSG_IDS)))

    async def image(self, media_id: str, pic_url: str = "") -> Posted:
        pic = pic_url or self.pic_url.format(media_id[:12])
        return await self.send(self.fields("image", PicUrl=pic, MediaId=media_id, MsgId=next(_MSG_IDS)))

    async def location(self, lat: float, lon: float, label: str = "") -> Posted:
        """A location message; (lat, lon) in GCJ-02, as WeChat's map picker gives them."""
        return await self.send(self.fields("location", Location_X=lat, Location_Y=lon, Scale=15, Label=label,
                                           MsgId=next(_MSG_IDS)))

    async def raw(self, body: bytes | str, query: dict[str, str] | None = None) -> Posted:
        """Post ``body`` as it is; ``query`` default: a valid signature (forged posts pass their own)."""
        data = body.encode() if isinstance(body, str) else body
        return await self.poster.request("POST", query if query is not None else self.plain_query(), data)


class OfficialAccountUser(_Sender):
    """A follower of the Official Account, as WeChat's servers post for them."""

    def __init__(self, base_url: str, account: OfficialAccount, openid: str | None = None, *,
                 server: WxAPIServer | None = None, path: str = "/wechat",
                 session: aiohttp.ClientSession | None = None, clock: Callable[[], float] = time.time,
                 retry: Retry | None = None) -> None:
        super().__init__(clock, retry)
        self.account, self.openid, self.server = account, openid or new_openid(), server
        crypto = MessageCrypto(account.token, account.aes_key, account.app_id) if account.aes_key else None
        self.poster = Poster(base_url, path, account.token, crypto, session, clock)

    @property
    def key(self) -> str:
        """gridbot's recipient key for this follower."""
        return f"wechat:{self.openid}"

    def fields(self, msg_type: str, **fields: Value) -> dict[str, Value]:
        return {"ToUserName": self.account.original_id, "FromUserName": self.openid,
                "CreateTime": self.create_time(), "MsgType": msg_type, **fields}

    def body_and_query(self, fields: dict[str, Value]) -> tuple[bytes, dict[str, str]]:
        """The body WeChat posts in the account's mode, and its query string."""
        plain = xml_of(fields)
        if self.poster.crypto is None:
            return plain.encode(), self.poster.signed(openid=self.openid)
        encrypted = self.poster.crypto.encrypt(plain)
        outer: dict[str, Value] = (dict(fields) if self.account.mode == "compatible"
                                   else {"ToUserName": self.account.original_id})
        body = xml_of({**outer, "Encrypt": encrypted})
        return body.encode(), self.poster.signed(encrypted, openid=self.openid, encrypt_type="aes")

    def plain_query(self) -> dict[str, str]:
        return self.poster.signed(openid=self.openid)

    async def send(self, fields: dict[str, Value], *, opens_window: bool = True) -> Posted:
        """Post one message or event (``fields`` as :meth:`fields` builds them)."""
        if opens_window and self.server is not None:
            self.server.user_messaged(self.openid)
        body, query = self.body_and_query(fields)
        return await self.post(fields, body, query)

    async def voice(self, media_id: str, recognition: str | None = None) -> Posted:
        extra: dict[str, Value] = {} if recognition is None else {"Recognition": recognition}
        return await self.send(self.fields("voice", MediaId=media_id, Format="amr", MsgId=next(_MSG_IDS), **extra))

    async def subscribe(self) -> Posted:
        return await self.send(self.fields("event", Event="subscribe", EventKey=""))

    async def unsubscribe(self) -> Posted:
        if self.server is not None:
            self.server.unsubscribe(self.openid)
        return await self.send(self.fields("event", Event="unsubscribe", EventKey=""), opens_window=False)

    async def click(self, key: str) -> Posted:
        return await self.send(self.fields("event", Event="CLICK", EventKey=key))

    async def menu_choice(self, menu_id: str | int, content: str) -> Posted:
        """A press on a customer-service menu (msgmenu) choice: a text with its ``bizmsgmenuid``."""
        return await self.send(self.fields("text", Content=content, MsgId=next(_MSG_IDS), bizmsgmenuid=str(menu_id)))

    async def choose(self, entry: dict[str, Any], content: str) -> Posted:
        """Press the choice ``content`` of a customer-service menu (msgmenu) this user got."""
        for menu_id, label in menu_choices(entry):
            if label == content:
                return await self.menu_choice(menu_id, label)
        raise AssertionError(f"no choice {content!r} in {menu_choices(entry)}")

    async def location_event(self, lat: float, lon: float, precision: float = 30.0) -> Posted:
        """The automatic location report (GCJ-02); it does not open the 48-hour window."""
        return await self.send(self.fields("event", Event="LOCATION", Latitude=lat, Longitude=lon,
                                           Precision=precision), opens_window=False)

    async def verify(self, echostr: str = "") -> Posted:
        """The GET with which the admin console checks the server URL; gridbot answers ``echostr``."""
        query = self.poster.signed(echostr=echostr or secrets.token_hex(8))
        return await self.poster.request("GET", query)


class WeComMember(_Sender):
    """A member of the WeCom app, as WeCom's servers post for them (always encrypted)."""

    pic_url = "https://wework.qpic.cn/wwpic/{}/0"

    def __init__(self, base_url: str, app: WeComApp, userid: str | None = None, *,
                 server: WxAPIServer | None = None, path: str = "/wecom",
                 session: aiohttp.ClientSession | None = None, clock: Callable[[], float] = time.time,
                 retry: Retry | None = None) -> None:
        super().__init__(clock, retry)
        self.app, self.userid, self.server = app, userid or "u" + secrets.token_hex(5), server
        self.poster = Poster(base_url, path, app.token, MessageCrypto(app.token, app.aes_key, app.corp_id),
                             session, clock)

    @property
    def key(self) -> str:
        return f"wecom:{self.userid}"

    def fields(self, msg_type: str, **fields: Value) -> dict[str, Value]:
        return {"ToUserName": self.app.corp_id, "FromUserName": self.userid, "CreateTime": self.create_time(),
                "MsgType": msg_type, **fields, "AgentID": self.app.agent_id}

    def body_and_query(self, fields: dict[str, Value]) -> tuple[bytes, dict[str, str]]:
        assert self.poster.crypto is not None
        encrypted = self.poster.crypto.encrypt(xml_of(fields))
        body = xml_of({"ToUserName": self.app.corp_id, "AgentID": self.app.agent_id, "Encrypt": encrypted})
        return body.encode(), self.poster.signed(encrypted, plain_signature=False)

    def plain_query(self) -> dict[str, str]:
        return self.poster.signed("", plain_signature=False)

    async def send(self, fields: dict[str, Value]) -> Posted:
        body, query = self.body_and_query(fields)
        return await self.post(fields, body, query)

    async def click(self, key: str) -> Posted:
        """A press on the app's own menu."""
        return await self.send(self.fields("event", Event="click", EventKey=key))

    async def card_event(self, event_key: str, task_id: str, response_code: str | None = None,
                         card_type: str = "button_interaction") -> Posted:
        """A ``template_card_event`` callback as WeCom posts it when a card button is pressed.

        Without ``response_code`` the callback carries one the server never issued (a forged press:
        updating a card with it answers 40098); :meth:`press` gets a real one."""
        code = response_code or secrets.token_urlsafe(24)
        return await self.send(self.fields("event", Event="template_card_event", EventKey=event_key,
                                           TaskId=task_id, CardType=card_type, ResponseCode=code))

    async def press(self, card: str | dict[str, Any], button: str) -> Posted:
        """Press a button (its key, or else its text) of a card this member got: ``card`` is its task
        id or its entry in ``server.sent`` (needs ``server``, for the card and a fresh response code)."""
        if self.server is None:
            raise RuntimeError("press needs the WxAPIServer (for the card and a response code)")
        task_id = card if isinstance(card, str) else str(card["task_id"])
        code = self.server.press(self.userid, task_id, button)
        key = self.server.button_key(self.server.card(self.userid, task_id), button)
        return await self.card_event(key, task_id, code)

    async def verify(self, echostr: str = "") -> Posted:
        """URL verification: ``echostr`` encrypted and signed; gridbot must answer it decrypted."""
        assert self.poster.crypto is not None
        encrypted = self.poster.crypto.encrypt(echostr or secrets.token_hex(8))
        return await self.poster.request("GET", self.poster.signed(encrypted, plain_signature=False, echostr=encrypted))

