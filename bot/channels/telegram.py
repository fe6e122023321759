"""The Telegram channel: rendered notifications → Bot API calls, and Telegram's answers → results."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters.callback_data import CallbackData
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
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.channels.render import Button, Rendered
from bot.delivery import DeliveryResult, Result
from bot.notifications import Notification

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024

# aiogram parses every answer as Response[<the method's result type>]. pydantic caches those generic
# classes only weakly, so unless someone holds them they are rebuilt, schema and all, call after call
# (about a tenth of a notification's cost in bench_e2e's profile). Holding them here keeps them built.
RESPONSE_MODELS = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (SendMessage, SendPhoto, EditMessageReplyMarkup, EditMessageText, AnswerCallbackQuery, GetUpdates,
                   SetWebhook)
)


class TicketAction(CallbackData, prefix="t"):
    """A button about a ticket: accept, return, resolve, rate, grids, dispatch, categories, recat."""

    action: str
    number: str
    arg: str = ""


class CategoryChoice(CallbackData, prefix="c"):
    """A resident's answer to "which category?"."""

    code: str


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    """Inline keyboard of ticket buttons."""
    if not rows:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.text, callback_data=TicketAction(action=b.action, number=b.number, arg=b.arg).pack())
         for b in row]
        for row in rows
    ])


def telegram_file(reference: str | None) -> str | None:
    """The Telegram file id of a stored photo reference (``telegram:<file_id>``), if it is one."""
    if reference and reference.startswith("telegram:"):
        return reference.split(":", 1)[1]
    return None


class TelegramChannel:
    """Sends notifications to Telegram chats."""

    name = "telegram"
    marks_sent = False  # the Bot API has no idempotency key

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        markup = keyboard(message.buttons)
        photo = telegram_file(message.photo)
        try:
            if photo and len(message.text) <= CAPTION_LIMIT:
                await self.bot.send_photo(int(chat_id), photo, caption=message.text, reply_markup=markup)
            else:
                await self.bot.send_message(int(chat_id), texts.cut(message.text), reply_markup=markup)
        except TelegramRetryAfter as err:
            return DeliveryResult(Result.RETRY, float(err.retry_after))
        except (TelegramServerError, TelegramNetworkError):
            return DeliveryResult(Result.RETRY, 1.0)
        except TelegramForbiddenError:
            return DeliveryResult(Result.UNREACHABLE)
        except TelegramBadRequest as err:  # chat gone or message invalid: retrying cannot help
            log.warning("dropping notification %s for %s: %s", note.kind, chat_id, err)
            return DeliveryResult(Result.UNREACHABLE)
        return DeliveryResult(Result.SENT)
