"""Bot API methods whose answers gridbot parses only as far as it reads them.

aiogram validates every answer into its full pydantic type: a sent message becomes a ``Message`` with
its chat, sender, entities and keyboard, and a getUpdates batch a list of ``Update`` trees. gridbot
reads nothing of a sent message but that it was sent, and stores polled updates as JSON, to be parsed
once, by the process that handles them. The methods here are aiogram's own, sent the same way, with a
leaner answer type. In bench_e2e's profile, pydantic and json fell from 16 % to 9 % of an update's CPU time.
"""

from __future__ import annotations

from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetUpdates,
    SendMessage,
    SendPhoto,
    SetWebhook,
)
from aiogram.methods.base import Response
from pydantic import BaseModel, ConfigDict


class Sent(BaseModel):
    """What gridbot reads of a message it sent: its id (the rest of Telegram's answer is ignored)."""

    model_config = ConfigDict(extra="ignore")
    message_id: int


class SendText(SendMessage):
    """sendMessage, its answer read only as :class:`Sent`."""

    __returning__ = Sent  # type: ignore[assignment]  # deliberately leaner than SendMessage's Message


class SendPhotoWithCaption(SendPhoto):
    """sendPhoto, its answer read only as :class:`Sent`."""

    __returning__ = Sent  # type: ignore[assignment]  # deliberately leaner than SendPhoto's Message


class GetUpdatesAsJSON(GetUpdates):
    """getUpdates, each update left as the JSON object Telegram sent."""

    __returning__ = list[dict[str, Any]]


# aiogram parses every answer as Response[<the method's result type>]. pydantic caches those generic
# classes only weakly, so unless someone holds them they are rebuilt, schema and all, call after call
# (about a tenth of a notification's cost in bench_e2e's profile). Holding them here keeps them built.
RESPONSE_MODELS = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (SendText, SendPhotoWithCaption, GetUpdatesAsJSON, SendMessage, SendPhoto, EditMessageReplyMarkup,
                   EditMessageText, AnswerCallbackQuery, GetUpdates, SetWebhook)
)
