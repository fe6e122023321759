"""The WeCom channel: notifications to ``wecom:USERID`` members → cards and texts, WeCom's answers → results.

A notification with ticket buttons (a new ticket, one reopened, to dispatch, escalated, urgent) and the
reminders about a ticket go as ``button_interaction`` cards; the card's response code is kept per
ticket and member, so that when a colleague takes the ticket (``Kind.TAKEN``) that member's card is
updated to say who did, instead of another message. Everything else goes as text.
"""

from __future__ import annotations

import logging

from bot.channels.delivery import DeliveryResult, Result
from bot.channels.wecom.cards import photo_link, ticket_card, task_id
from bot.channels.wecom.client import NO_SUCH_MEMBER, WeComClient
from bot.channels.wecom.state import CardCodes
from bot.channels.weixin.api import BUSY, TOKEN_INVALID, WeixinError, WeixinUnanswered
from bot.channels.weixin.markup import plain
from bot.photos.links import PhotoLinks
from bot.texts import wecom as wecom_texts
from bot.texts.render import Rendered, worker_buttons
from bot.tickets.notifications import Kind, Notification
from bot.tickets.states import Status

log = logging.getLogger(__name__)
# Sent as cards even without buttons of their own: a worker can act on the ticket from the reminder.
REMINDERS = frozenset({Kind.REMINDER, Kind.OVERDUE})
# Notices that end what a card asked for: its buttons are replaced by the reason.
CARD_ENDS = {Kind.CANCELLED: wecom_texts.WITHDRAWN, Kind.REDISPATCHED: wecom_texts.REDISPATCHED}
# The API's "try later": busy, over the frequency limits, too many calls at once; and a token refused twice.
LATER = frozenset({BUSY, 45009, 45033}) | TOKEN_INVALID
LATER_SECONDS = {45009: 10.0, 45033: 1.0}
# Not a member this app can reach (left the company, outside the app's visible range).
GONE = frozenset({NO_SUCH_MEMBER, 60111, 81014, 301002})


class WeComChannel:
    """Sends notifications to WeCom members through the app's API."""

    name = "wecom"
    marks_sent = False  # message/send has no idempotency key

    def __init__(self, client: WeComClient, codes: CardCodes, links: PhotoLinks) -> None:
        self.client = client
        self.codes = codes
        self.links = links

    async def deliver(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        try:
            if note.kind == Kind.TAKEN and await self._card_says(chat_id, note, wecom_texts.taken_by(
                    str(note.data.get("worker_name") or ""))):
                return DeliveryResult(Result.SENT)
            if note.kind in CARD_ENDS:  # the card's buttons would only be refused now; the text says why
                await self._card_says(chat_id, note, CARD_ENDS[note.kind])
            if message.buttons or note.kind in REMINDERS:
                await self._send_card(chat_id, message, note)
            else:
                await self.client.send_text(chat_id, plain(message.text))
        except WeixinUnanswered:  # WeCom may have taken it
            return DeliveryResult(Result.RETRY, may_have_arrived=True)
        except WeixinError as err:
            if err.errcode in LATER:
                return DeliveryResult(Result.RETRY, LATER_SECONDS.get(err.errcode, 0.0))
            if err.errcode not in GONE:  # the message itself is refused: sending it again cannot help
                log.warning("dropping notification %s for WeCom member %s: %s", note.kind, chat_id, err)
            return DeliveryResult(Result.UNREACHABLE)
        return DeliveryResult(Result.SENT)

    async def _send_card(self, chat_id: str, message: Rendered, note: Notification) -> None:
        buttons = [b for row in message.buttons for b in row]
        if not buttons:  # a reminder: the steps the ticket's state allows
            accepted = note.data.get("status") == Status.ACCEPTED
            buttons = [b for row in worker_buttons(note.number, accepted=accepted) for b in row]
        card = ticket_card(note.kind, note.number, note.data, message.text, buttons, photo_link(self.links, message.photo),
                           task_id(note.number))
        code = await self.client.send_card(chat_id, card)
        if code is not None:
            await self.codes.keep(note.number, note.recipient, code)

    async def _card_says(self, chat_id: str, note: Notification, replace_name: str) -> bool:
        """Replace the buttons of the member's card of the ticket with ``replace_name`` (who took it, that
        it was withdrawn); False when there is no card to update."""
        code = await self.codes.take(note.number, note.recipient)
        return await self.client.update_quietly(chat_id, code, replace_name=replace_name)
