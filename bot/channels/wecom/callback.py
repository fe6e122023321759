"""``/wecom``: the WeCom app's callback URL (always encrypted; the receive id is the corp id).

GET is the URL verification WeCom makes when the admin saves the URL: ``msg_signature`` over the token,
``timestamp``, ``nonce`` and ``echostr``, then ``echostr`` decrypted and answered as plain text. POST is a
message or an event: the signature over the ``Encrypt`` field is checked, the message decrypted and
parsed, and appended to the durable callback log before WeCom hears 200 (handled afterwards, within
WeCom's 5 seconds whatever the work). A bad signature, or a ciphertext that is not for this corp, is
403 and a body that is not a callback 400, changing nothing; Redis unreachable is 503, so WeCom retries.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from redis.exceptions import RedisError

from bot.channels.weixin import xml
from bot.channels.weixin.crypto import DecryptError, MessageCrypto, signature_ok
from bot.channels.weixin.inbound import InboundLog, dedupe_id

log = logging.getLogger(__name__)
PATH = "/wecom"
Handler = Callable[[web.Request], Awaitable[web.Response]]


def _signed(crypto: MessageCrypto, request: web.Request, encrypted: str) -> bool:
    query = request.query
    return signature_ok(query.get("msg_signature", ""), crypto.token, query.get("timestamp", ""),
                        query.get("nonce", ""), encrypted)


def verify_handler(crypto: MessageCrypto) -> Handler:
    """GET /wecom: WeCom checks that the URL is ours (the echostr decrypted)."""
    async def verify(request: web.Request) -> web.Response:
        echostr = request.query.get("echostr", "")
        if not echostr or not _signed(crypto, request, echostr):
            return web.Response(status=403, text="forbidden")
        try:
            return web.Response(text=crypto.decrypt(echostr))
        except DecryptError:
            return web.Response(status=403, text="forbidden")
    return verify


def receive_handler(crypto: MessageCrypto, inbound: InboundLog) -> Handler:
    """POST /wecom: a member's message or event, in the callback log before the 200."""
    async def receive(request: web.Request) -> web.Response:
        try:
            envelope = xml.parse(await request.content.read(xml.MAX_BODY + 1))
        except xml.BadXML:
            return web.Response(status=400, text="bad request")
        encrypted = envelope.get("Encrypt", "")
        if not encrypted or not _signed(crypto, request, encrypted):
            return web.Response(status=403, text="forbidden")
        try:
            fields = xml.parse(crypto.decrypt(encrypted).encode("utf-8"))
        except DecryptError:
            return web.Response(status=403, text="forbidden")
        except xml.BadXML:
            return web.Response(status=400, text="bad request")
        try:
            await inbound.append(dedupe_id(fields), fields)
        except (RedisError, OSError) as err:
            log.warning("WeCom callback not stored, WeCom will retry: %s", err)
            return web.Response(status=503, text="unavailable")
        return web.Response(text="")
    return receive


def add_wecom_routes(app: web.Application, crypto: MessageCrypto, inbound: InboundLog) -> None:
    """GET and POST /wecom."""
    app.router.add_get(PATH, verify_handler(crypto))
    app.router.add_post(PATH, receive_handler(crypto, inbound))
