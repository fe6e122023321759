"""The Official Account as an outbox channel: a resident's notifications as customer-service messages,
and as template messages when WeChat refuses those.

WeChat takes customer-service messages only within 48 hours of the follower's last message (45015) and
only a few per message of theirs (45047). A notice it refuses goes as the template message
``GRIDBOT_WECHAT_TEMPLATE_ID`` with the ticket number, its state and a signed link to the ticket's page;
with no template configured the notice cannot reach the resident (UNREACHABLE, logged). WeChat busy
(-1) or a 5xx is RETRY; no answer (a timeout, a broken connection) is RETRY that may have arrived. An
invalid access token is refreshed and the send repeated by ``WeixinApi``. Template data keys:
``number``, ``status`` and ``remark``.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.channels.delivery import DeliveryResult, Result
from bot.channels.wechat.messages import CustomMessages, Image, Menu, Outgoing, Text, button_item
from bot.channels.wechat.photos import WeChatPhotos
from bot.channels.wechat.ticket_page import TicketPage
from bot.channels.weixin.api import TOKEN_INVALID, WeixinError, WeixinUnanswered
from bot.texts import wechat as wechat_texts
from bot.texts.common import status_label
from bot.texts.render import Rendered
from bot.tickets.notifications import Notification

log = logging.getLogger(__name__)
TEMPLATE_PATH = "/cgi-bin/message/template/send"
OUTSIDE_WINDOW = frozenset({45015, 45047})  # out of the 48-hour window; over the quota per message
LATER = frozenset({-1, 45009, 45011}) | TOKEN_INVALID  # busy, API quota; a token still refused after a refresh
QUOTA_WAIT_SECONDS = 60.0


def outgoing(message: Rendered) -> Outgoing:
    """A rendered notification as one message: its buttons (a rating) as a choice menu."""
    items = tuple((button_item(button), button.text) for row in message.buttons for button in row)
    if not items:
        return Text(message.text)
    return Menu(message.text, items, wechat_texts.rating_menu_tail())


class WeChatChannel:
    """Delivers ``wechat:OPENID`` notifications."""

    name = "wechat"
    marks_sent = False  # WeChat has no idempotency key either

    def __init__(self, messages: CustomMessages, page: TicketPage, template_id: str | None,
                 photos: WeChatPhotos) -> None:
        self.messages = messages
        self.page = page
        self.template_id = template_id
        self.photos = photos

    async def deliver(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        try:
            await self.messages.send(chat_id, outgoing(message))
        except WeixinError as err:
            if err.errcode in OUTSIDE_WINDOW:
                return await self._as_template(chat_id, note, err)
            return _result_of(err, note, chat_id)
        except WeixinUnanswered:
            return DeliveryResult(Result.RETRY, may_have_arrived=True)
        if message.photo:
            await self._send_photo(chat_id, message.photo, note)
        return DeliveryResult(Result.SENT)

    async def _send_photo(self, openid: str, reference: str, note: Notification) -> None:
        """The notice's photo (a worker's result photo) after its text. Best effort: the text went, and
        sending the notice again for its photo would repeat the text."""
        media_id = await self.photos.uploaded(reference)
        if media_id is None:
            return
        try:
            await self.messages.send(openid, Image(media_id))
        except (WeixinError, WeixinUnanswered) as err:
            log.warning("photo of notification %s for %s not sent: %s", note.kind, openid, err)

    async def _as_template(self, openid: str, note: Notification, refused: WeixinError) -> DeliveryResult:
        if not self.template_id:
            log.warning("notification %s for %s refused (%s) and no GRIDBOT_WECHAT_TEMPLATE_ID: unreachable",
                        note.kind, openid, refused.errcode)
            return DeliveryResult(Result.UNREACHABLE)
        try:
            await self.messages.api.post(TEMPLATE_PATH, self.template(openid, note))
        except WeixinError as err:
            return _result_of(err, note, openid)
        except WeixinUnanswered:
            return DeliveryResult(Result.RETRY, may_have_arrived=True)
        return DeliveryResult(Result.SENT)

    def template(self, openid: str, note: Notification) -> dict[str, Any]:
        """The template message for ``note``: number, state, time, and the link to the ticket's page."""
        status = note.data.get("status")
        data = {"number": note.number, "status": status_label(status) if status else "",
                "remark": wechat_texts.template_remark()}
        return {"touser": openid, "template_id": self.template_id, "url": self.page.url(note.number),
                "data": {name: {"value": value} for name, value in data.items()}}


def _result_of(err: WeixinError, note: Notification, openid: str) -> DeliveryResult:
    if err.errcode in LATER:
        wait = QUOTA_WAIT_SECONDS if err.errcode in (45009, 45011) else 0.0
        return DeliveryResult(Result.RETRY, wait)
    # 43004 unfollowed, 40003 not a follower, 43019 blocked, or a message WeChat will never take
    log.warning("dropping notification %s for %s: %s %s", note.kind, openid, err.errcode, err.errmsg)
    return DeliveryResult(Result.UNREACHABLE)
