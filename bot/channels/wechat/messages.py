"""Customer-service messages (客服消息) of the Official Account: what gridbot says to a resident.

A message is text, or a choice menu (``msgmenu``: a head, tappable items, a tail) whose tapped item
comes back as a text message carrying the item's id in ``bizmsgmenuid``. Texts are written as the HTML
of bot/texts/ and sent as WeChat text (``markup.plain``). Item ids say what a tap means: ``cat:CODE``
(a category) and ``rate:NUMBER:STARS`` (a rating; the value of ``ButtonAction.RATE``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.channels.weixin.api import WeixinApi, WeixinError, WeixinUnanswered
from bot.channels.weixin.markup import plain
from bot.texts.render import Button

log = logging.getLogger(__name__)
SEND_PATH = "/cgi-bin/message/custom/send"
TEXT_LIMIT = 2000  # WeChat cuts a customer-service text near 2,048 characters
CATEGORY_ITEM = "cat"
BUSY = -1
ANSWER_RETRIES = 3
ANSWER_BACKOFF_SECONDS = 0.5


@dataclass(frozen=True)
class Text:
    """A text message (HTML of bot/texts/)."""

    html: str


@dataclass(frozen=True)
class Menu:
    """A choice menu: ``items`` are (id, label); ``head`` is HTML, ``tail`` plain text."""

    head: str
    items: tuple[tuple[str, str], ...]
    tail: str = ""


@dataclass(frozen=True)
class Image:
    """A picture already uploaded to WeChat (``media/upload``)."""

    media_id: str


Outgoing = Text | Menu | Image


@dataclass(frozen=True)
class MenuItem:
    """A tapped menu item, parsed from its id."""

    kind: str
    args: tuple[str, ...] = field(default_factory=tuple)


def category_item(code: str) -> str:
    return f"{CATEGORY_ITEM}:{code}"


def button_item(button: Button) -> str:
    """The menu item id of a ticket button (``rate:T20261124-0007:5``)."""
    return f"{button.action}:{button.number}:{button.arg}"


def parse_item(item_id: str) -> MenuItem:
    kind, *args = item_id.split(":")
    return MenuItem(kind, tuple(args))


def cut(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def payload(openid: str, message: Outgoing) -> dict[str, Any]:
    """The body of ``custom/send`` for one message."""
    if isinstance(message, Text):
        return {"touser": openid, "msgtype": "text", "text": {"content": cut(plain(message.html))}}
    if isinstance(message, Image):
        return {"touser": openid, "msgtype": "image", "image": {"media_id": message.media_id}}
    return {"touser": openid, "msgtype": "msgmenu", "msgmenu": {
        "head_content": cut(plain(message.head), 1000),
        "list": [{"id": item_id, "content": label} for item_id, label in message.items],
        "tail_content": message.tail}}


class CustomMessages:
    """Sends customer-service messages."""

    def __init__(self, api: WeixinApi, backoff_seconds: float = ANSWER_BACKOFF_SECONDS) -> None:
        self.api = api
        self.backoff_seconds = backoff_seconds

    async def send(self, openid: str, message: Outgoing) -> None:
        """Send one message; WeixinError and WeixinUnanswered reach the caller (the outbox decides)."""
        await self.api.post(SEND_PATH, payload(openid, message))

    async def answer(self, openid: str, messages: list[Outgoing]) -> None:
        """Answer the resident's own message: in order, a busy WeChat tried again a few times. An answer
        that cannot go is logged and dropped, not retried by handling the message again, which would
        repeat the answers already sent (what the message did is kept either way)."""
        for message in messages:
            for attempt in range(ANSWER_RETRIES):
                try:
                    await self.send(openid, message)
                    break
                except WeixinError as err:
                    if err.errcode != BUSY or attempt == ANSWER_RETRIES - 1:
                        log.warning("answer to %s not sent: %s %s", openid, err.errcode, err.errmsg)
                        break
                except WeixinUnanswered as err:  # it may have arrived: sending again could repeat it
                    log.warning("answer to %s unanswered, not repeated: %s", openid, err)
                    break
                await asyncio.sleep(self.backoff_seconds * 2**attempt)
