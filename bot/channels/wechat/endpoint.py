"""``/wechat``: the Official Account's server URL (服务器地址).

GET is WeChat's check of the URL: the signature over token, timestamp and nonce, then ``echostr``
echoed. POST carries a message or event, in plain mode (``signature``), encrypted mode
(``encrypt_type=aes``, ``msg_signature`` over the ``Encrypt`` element too) or compatible mode (both:
either is accepted). A signature that does not verify is 403 and nothing changes; a body that is not
the XML WeChat sends (malformed, a DTD or entities, too large) is 400. A message is appended to the
durable inbound stream (deduplicated by ``MsgId``, an event by sender and time) before the answer
``success``, so WeChat's retries (it waits 5 s, three times) and a crash after the append change
nothing more. The work is done by the stream's consumer, well after the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from aiohttp import web
from redis.exceptions import RedisError

from bot.channels.weixin.crypto import DecryptError, MessageCrypto, signature_ok
from bot.channels.weixin.inbound import InboundLog, dedupe_id
from bot.channels.weixin.xml import MAX_BODY, BadXML, parse

log = logging.getLogger(__name__)
PATH = "/wechat"
SUCCESS = "success"  # WeChat's "received, no passive reply" (valid in every mode)


class WeChatEndpoint:
    """The two handlers of ``/wechat``."""

    def __init__(self, token: str, crypto: MessageCrypto | None, inbound: InboundLog) -> None:
        self.token = token
        self.crypto = crypto
        self.inbound = inbound

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(PATH, self.verify)
        app.router.add_post(PATH, self.receive)

    async def verify(self, request: web.Request) -> web.Response:
        """WeChat's URL check: ``echostr`` back when the signature verifies."""
        query = request.query
        if not signature_ok(query.get("signature", ""), self.token, query.get("timestamp", ""), query.get("nonce", "")):
            return _refused(403, "bad signature")
        return web.Response(text=query.get("echostr", ""))

    async def receive(self, request: web.Request) -> web.Response:
        """A message or event: verified, decrypted, appended, then ``success``."""
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _refused(400, "body too large")
        try:
            envelope = parse(await _body(request))
        except BadXML:
            return _refused(400, "bad xml")
        fields = self._opened(request.query, envelope)
        if fields is None:
            return _refused(403, "bad signature")
        if not fields:
            return _refused(400, "bad message")
        try:
            await self.inbound.append(dedupe_id(fields), fields)
        except (RedisError, OSError) as err:  # not kept: WeChat must send it again
            log.warning("WeChat message not stored, answered 503: %s", err)
            return _refused(503, "storage unavailable")
        return web.Response(text=SUCCESS)

    def _opened(self, query: Mapping[str, str], envelope: dict[str, str]) -> dict[str, str] | None:
        """The message fields; None when no signature verifies, {} when a verified body holds no message."""
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        encrypted = envelope.get("Encrypt")
        if query.get("encrypt_type") == "aes" and encrypted is not None and self.crypto is not None:
            if not signature_ok(query.get("msg_signature", ""), self.token, timestamp, nonce, encrypted):
                return None
            try:
                fields = parse(self.crypto.decrypt(encrypted).encode("utf-8"))
            except (DecryptError, BadXML) as err:
                log.warning("WeChat message signed but not readable: %s", err)
                return {}
        elif signature_ok(query.get("signature", ""), self.token, timestamp, nonce):
            fields = {name: value for name, value in envelope.items() if name != "Encrypt"}
        else:
            return None
        return fields if fields.get("FromUserName") and fields.get("MsgType") else {}


async def _body(request: web.Request) -> bytes:
    """The body, read no further than one byte past ``MAX_BODY`` (which ``parse`` refuses)."""
    body = bytearray()
    while len(body) <= MAX_BODY:
        chunk = await request.content.read(MAX_BODY + 1 - len(body))
        if not chunk:
            break
        body += chunk
    return bytes(body)


def _refused(status: int, reason: str) -> web.Response:
    return web.Response(status=status, text=reason)
