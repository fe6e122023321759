"""The HTTP side of the simulator: posting signed callbacks to gridbot and reading its answers.

A passive reply in encrypted mode (``<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>``) has
its signature checked (an AssertionError if wrong: gridbot signed it badly) and is decrypted;
``Posted.reply`` holds the reply's fields (``MsgType``, ``Content`` …), None for ``success`` or "".
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp

from bot.channels.weixin import xml
from bot.channels.weixin.crypto import MessageCrypto, signature


@dataclass(frozen=True)
class Posted:
    """What one callback post got: HTTP status, body, seconds taken, the (decrypted) passive reply.

    ``sent`` and ``query`` are the exact bytes and query string, for a retry (:meth:`Poster.repost`)."""

    status: int
    body: str
    elapsed: float
    reply: dict[str, str] | None
    sent: bytes = b""
    query: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)  # the message before encryption
    method: str = "POST"
    attempts: int = 1  # with a Retry: how many times it was posted (status 0: never answered)

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True)
class Retry:
    """WeChat's patience: ``wait`` seconds for an answer (5 on the real platform), then the same post
    again, up to ``times`` more times, ``pause`` seconds apart. A 5xx answer counts as none."""

    wait: float = 5.0
    times: int = 3
    pause: float = 0.0


def nonce() -> str:
    return str(secrets.randbelow(10**10))


class Poster:
    """Posts to one gridbot callback URL (``base_url`` + ``path``) for one account's token and crypto."""

    def __init__(self, base_url: str, path: str, token: str, crypto: MessageCrypto | None,
                 session: aiohttp.ClientSession | None, clock: Callable[[], float]) -> None:
        self.url = base_url.rstrip("/") + path
        self.token, self.crypto, self.session, self.clock = token, crypto, session, clock

    def timestamp(self) -> str:
        return str(int(self.clock()))

    def signed(self, encrypted: str | None = None, *, plain_signature: bool = True, **extra: str) -> dict[str, str]:
        """A query with ``timestamp``, ``nonce``, ``signature`` over them (the Official Account's; WeCom
        has none) and, given ``encrypted``, ``msg_signature`` over them and it; then ``extra``."""
        ts, once = self.timestamp(), nonce()
        query = {"signature": signature(self.token, ts, once)} if plain_signature else {}
        query.update(timestamp=ts, nonce=once)
        if encrypted is not None:
            query["msg_signature"] = signature(self.token, ts, once, encrypted)
        return {**query, **extra}

    async def request(self, method: str, query: dict[str, str], body: bytes = b"",
                      fields: dict[str, Any] | None = None, timeout: float | None = None) -> Posted:
        """Send it; time the answer; decrypt a passive reply."""
        started = time.perf_counter()
        if self.session is not None:
            status, text = await self._send(self.session, method, query, body, timeout)
        else:
            async with aiohttp.ClientSession() as session:
                status, text = await self._send(session, method, query, body, timeout)
        elapsed = time.perf_counter() - started
        reply = self.read_reply(text) if status == 200 and method == "POST" else None
        return Posted(status, text, elapsed, reply, body, dict(query), dict(fields or {}), method)

    async def _send(self, session: aiohttp.ClientSession, method: str, query: dict[str, str],
                    body: bytes, timeout: float | None) -> tuple[int, str]:
        headers = {"Content-Type": "text/xml"} if method == "POST" else {}
        async with session.request(method, self.url, params=query, data=body or None, headers=headers,
                                   timeout=aiohttp.ClientTimeout(total=timeout)) as answer:
            return answer.status, await answer.text()

    async def deliver(self, query: dict[str, str], body: bytes, fields: dict[str, Any], retry: Retry) -> Posted:
        """POST as WeChat does: again while no answer comes (or a 5xx); the last answer, or status 0."""
        started = time.perf_counter()
        for attempt in range(1, retry.times + 2):
            try:
                posted = await self.request("POST", query, body, fields, timeout=retry.wait)
                if posted.status < 500 or attempt > retry.times:
                    return replace(posted, attempts=attempt)
            except (TimeoutError, aiohttp.ClientError):
                pass
            if attempt <= retry.times:
                await asyncio.sleep(retry.pause)
        return Posted(0, "", time.perf_counter() - started, None, body, dict(query), dict(fields), attempts=attempt)

    async def repost(self, posted: Posted) -> Posted:
        """WeChat's retry: the very same body and query again."""
        return await self.request(posted.method, posted.query, posted.sent, posted.fields)

    def read_reply(self, text: str) -> dict[str, str] | None:
        """The passive reply's fields (decrypted and its signature checked when encrypted)."""
        if not text.strip() or text.strip() == "success":
            return None
        fields = xml.parse(text.encode("utf-8"))
        if "Encrypt" not in fields:
            return fields
        if self.crypto is None:
            raise AssertionError("an encrypted reply from an account in plain mode")
        expected = signature(self.token, fields.get("TimeStamp", ""), fields.get("Nonce", ""), fields["Encrypt"])
        if fields.get("MsgSignature") != expected:
            raise AssertionError(f"the reply's MsgSignature is wrong: {fields}")
        return xml.parse(self.crypto.decrypt(fields["Encrypt"]).encode("utf-8"))
