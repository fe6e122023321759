"""A local WeChat Official Account + WeCom API server for tests: gridbot talks to it over real HTTP.

    async with WxAPIServer() as server:
        settings = Settings(..., **server.account.settings(server.wechat_url),
                            **server.app.settings(server.wecom_url))

Two listeners on 127.0.0.1 (free ports), one per API, paths as the real ones (``/cgi-bin/…``):
``wechat_url`` stands for ``https://api.weixin.qq.com``, ``wecom_url`` for
``https://qyapi.weixin.qq.com``. Answers have the real shapes (``{"errcode": 0, "errmsg": "ok", …}``).

This class is the face tests see: start and stop, the people and media a test sets up, tokens to
revoke, fault injection (``server.faults``, :mod:`.faults`) and what was delivered (``sent``,
``texts_of``, ``wait_for``: :mod:`.mailbox`). The endpoints live in :mod:`.wechat`, :mod:`.menus`
and :mod:`.wecom`; the residents' and workers' side in :mod:`.simulator`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.botapi.app import serve
from tests.botapi.media import TINY_JPEG

from . import wechat, wecom
from .accounts import OfficialAccount, WeComApp
from .app import WxApp
from .faults import Faults
from .mailbox import Entry, Predicate
from .reading import text_of
from .simulator import OfficialAccountUser, WeComMember
from .state import RecordedCall, State
from .tokens import Token


class WxAPIServer:
    """A fake-but-faithful WeChat + WeCom API.

    State tests may read: ``calls`` (Counter by ``"wechat /cgi-bin/…"`` / ``"wecom /cgi-bin/…"``,
    every call, failed ones too), ``requests`` (RecordedCall log), ``token_fetches`` (Counter by
    endpoint: ``stable_token``, ``token``, ``gettoken``), ``tokens`` (every Token issued),
    ``card_updates``, ``menu``, ``faults.injected``, ``rate_limited``, ``internal_errors`` (bugs of
    this server, should stay empty).
    """

    def __init__(self, account: OfficialAccount | None = None, app: WeComApp | None = None, *,
                 clock: Callable[[], float] = time.time, token_lifetime: int = 7200, custom_quota: int = 5,
                 member_limit_per_minute: int | None = 30, strict_users: bool = True) -> None:
        self.account = account or OfficialAccount.random()
        self.app = app or WeComApp.random()
        self.host = "127.0.0.1"
        self.state = State(self.account, self.app, clock, token_lifetime=token_lifetime, custom_quota=custom_quota,
                           member_limit=member_limit_per_minute, strict_users=strict_users)
        self.faults = Faults()
        self._apps = {"wechat": WxApp("wechat", wechat.ENDPOINTS, self.state, self.faults),
                      "wecom": WxApp("wecom", wecom.ENDPOINTS, self.state, self.faults)}
        self._runners: list[web.AppRunner] = []
        self._ports: dict[str, int] = {}

    # ---- lifecycle ------------------------------------------------------------------------

    async def start(self) -> WxAPIServer:
        self.state.pulse.open()
        for api, wx_app in self._apps.items():
            runner, self._ports[api] = await serve(wx_app.application(), self.host)
            self._runners.append(runner)
        return self

    async def stop(self) -> None:
        self.state.pulse.close()
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()
        self._ports.clear()

    async def __aenter__(self) -> WxAPIServer:
        return await self.start()

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.stop()

    def _url(self, api: str) -> str:
        if api not in self._ports:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self._ports[api]}"

    @property
    def wechat_url(self) -> str:
        """What GRIDBOT_WECHAT_API points at."""
        return self._url("wechat")

    @property
    def wecom_url(self) -> str:
        """What GRIDBOT_WECOM_API points at."""
        return self._url("wecom")

    def settings(self) -> dict[str, object]:
        """gridbot ``Settings`` keyword arguments for both channels against this server."""
        return {**self.account.settings(self.wechat_url), **self.app.settings(self.wecom_url)}

    def env(self) -> dict[str, str]:
        """The same as ``GRIDBOT_*`` environment variables."""
        return {**self.account.env(self.wechat_url), **self.app.env(self.wecom_url)}

    def use_clock(self, clock: Callable[[], float]) -> None:
        """Tell time by ``clock`` from now on (e.g. a test's ``ManualClock.now``, so that the 48-hour
        window, token lifetimes and rate limits move with gridbot's clock)."""
        state = self.state
        state.clock = state.tokens.clock = state.followers.clock = state.members.clock = state.cards.clock = clock

    # ---- people ---------------------------------------------------------------------------

    def user_messaged(self, openid: str) -> None:
        """The follower messaged the account: a fresh 48-hour window and customer-message quota."""
        self.state.followers.messaged(openid)

    def add_user(self, openid: str) -> None:
        """A follower who has not messaged yet (customer messages to them answer 45015)."""
        self.state.followers.add(openid)

    def outside_window(self, openid: str) -> None:
        """The follower's last message is over 48 hours old: customer messages answer 45015."""
        self.state.followers.add(openid).outside = True

    def unsubscribe(self, openid: str) -> None:
        """The follower unfollowed: customer messages 45015, template messages 43004."""
        self.state.followers.add(openid).subscribed = False

    @property
    def custom_quota(self) -> int:
        return self.state.followers.quota

    @custom_quota.setter
    def custom_quota(self, value: int) -> None:
        """How many customer messages may follow one user message (45047 beyond)."""
        self.state.followers.quota = value

    def add_member(self, userid: str) -> None:
        """A member in the WeCom app's visible range (others are ``invaliduser``)."""
        self.state.members.known.add(userid)

    def wechat_user(self, gridbot_url: str, openid: str | None = None, **options: Any) -> OfficialAccountUser:
        """A follower posting to gridbot at ``gridbot_url`` (its messages open their window here)."""
        user = OfficialAccountUser(gridbot_url, self.account, openid, server=self, **options)
        self.add_user(user.openid)
        return user

    def wecom_member(self, gridbot_url: str, userid: str | None = None, **options: Any) -> WeComMember:
        """A member of the app (in its visible range) posting to gridbot at ``gridbot_url``."""
        member = WeComMember(gridbot_url, self.app, userid, server=self, **options)
        self.add_member(member.userid)
        return member

    def add_template(self, template_id: str, keys: list[str] | None = None) -> None:
        """Another template; with ``keys``, a message missing one of them answers 47003."""
        self.state.templates[template_id] = keys

    def add_media(self, data: bytes = TINY_JPEG, content_type: str = "image/jpeg") -> str:
        """Media that ``media/get`` serves (on either API); its media_id."""
        return self.state.media.add(data, content_type, created_at=int(self.state.clock()))

    def media_bytes(self, media_id: str) -> bytes:
        return self.state.media.items[media_id].data

    # ---- tokens ---------------------------------------------------------------------------

    def current_token(self, api: str = "wechat") -> Token | None:
        owner = self.account.app_id if api == "wechat" else self.app.corp_id
        return self.state.tokens.current(api, owner)

    def revoke(self, token: str | Token) -> None:
        """The token stops working at once (40001)."""
        self.state.tokens.revoke(token.value if isinstance(token, Token) else token)

    def revoke_all(self) -> None:
        self.state.tokens.revoke_all()

    def expire(self, token: str | Token) -> None:
        """The token is past its lifetime (42001)."""
        self.state.tokens.expire(token.value if isinstance(token, Token) else token)

    @property
    def token_fetches(self) -> Counter[str]:
        return self.state.tokens.fetches

    @property
    def tokens(self) -> list[Token]:
        return self.state.tokens.issued

    # ---- what was delivered ---------------------------------------------------------------

    @property
    def calls(self) -> Counter[str]:
        return self.state.calls

    @property
    def requests(self) -> list[RecordedCall]:
        return self.state.requests

    @property
    def internal_errors(self) -> list[str]:
        return self.state.internal_errors

    @property
    def card_updates(self) -> list[dict[str, Any]]:
        return self.state.card_updates

    @property
    def menu(self) -> dict[str, Any] | None:
        return self.state.menu

    @property
    def rate_limited(self) -> list[str]:
        return self.state.members.rate_limited

    def sent(self, recipient: object) -> list[Entry]:
        """What ``recipient`` (``wechat:OPENID``, ``wecom:USERID``, a bare id, a simulator) received."""
        return self.state.mailbox.of(recipient)

    def texts_of(self, recipient: object) -> list[str]:
        return self.state.mailbox.texts_of(recipient)

    text_of = staticmethod(text_of)

    async def wait_for(self, recipient: object, predicate: Predicate | None = None, timeout: float = 5.0,
                       *, after: int = 0) -> Entry:
        """The first delivery to ``recipient`` from index ``after`` matching ``predicate`` (see Mailbox)."""
        return await self.state.mailbox.wait_for(recipient, predicate, timeout, after=after)

    async def wait_for_text(self, recipient: object, *fragments: str, timeout: float = 5.0, after: int = 0) -> Entry:
        """The first delivery whose text holds every fragment."""
        return await self.state.mailbox.wait_for_text(recipient, *fragments, timeout=timeout, after=after)

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
        """``condition()``'s first truthy value, re-checked on every call the server gets."""
        found = await self.state.pulse.wait_for(lambda: condition() or None, timeout)
        if found is None:
            raise AssertionError(f"{what} not met within {timeout}s")
        return found

    # ---- cards ----------------------------------------------------------------------------

    def card(self, userid: str, task_id: str) -> Entry:
        """The card ``task_id`` as ``userid`` sees it now (``card``, ``replace_name``, ``updates``)."""
        entry = self.state.cards.entry(task_id, userid.removeprefix("wecom:"))
        if entry is None:
            raise AssertionError(f"{userid} has no card {task_id!r}")
        return entry

    def cards_of(self, userid: str) -> list[Entry]:
        """The template cards ``userid`` got, oldest first (each as it looks now)."""
        return [e for e in self.sent(f"wecom:{userid.removeprefix('wecom:')}") if e["msgtype"] == "template_card"]

    def press(self, userid: str, task_id: str, button: str) -> str:
        """``userid`` presses a button (its key, or else its text) of card ``task_id``: the fresh
        ResponseCode WeCom puts in the callback. An AssertionError if the member cannot press it."""
        entry = self.card(userid, task_id)
        if entry["replace_name"] is not None:
            raise AssertionError(f"card {task_id!r} of {userid} shows {entry['replace_name']!r}: no buttons")
        self.button_key(entry, button)
        return self.state.cards.new_code(task_id, entry["to"])

    @staticmethod
    def button_key(entry: Entry, button: str) -> str:
        """The key of the card's button whose key (or else text) is ``button``."""
        buttons = entry["card"].get("button_list") or []
        for field in ("key", "text"):
            found = [b.get("key") for b in buttons if b.get(field) == button]
            if found:
                return str(found[0])
        raise AssertionError(f"card {entry.get('task_id')!r} has no button {button!r}: {buttons}")
