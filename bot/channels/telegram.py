"""The Telegram channel: rendered notifications → Bot API calls, and Telegram's answers → results."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.channels.render import Button, Rendered
from bot.channels.telegram_methods import SendPhotoWithCaption, SendText
from bot.delivery import DeliveryResult, Result
from bot.notifications import Notification

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024

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

    def __init__(self, bot: Bot, send_timeout: float = 15.0) -> None:
        self.bot = bot
        self.send_timeout = send_timeout

    async def deliver(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        markup = keyboard(message.buttons)
        photo = telegram_file(message.photo)
        try:
            if photo and len(message.text) <= CAPTION_LIMIT:
                await self.bot(SendPhotoWithCaption(chat_id=int(chat_id), photo=photo, caption=message.text,
                                                    reply_markup=markup), request_timeout=self.send_timeout)
            else:
                await self.bot(SendText(chat_id=int(chat_id), text=texts.cut(message.text), reply_markup=markup),
                               request_timeout=self.send_timeout)
        except TelegramRetryAfter as err:  # flood control: nothing was sent; wait as long as Telegram asks
            return DeliveryResult(Result.RETRY, float(err.retry_after))
        except (TelegramForbiddenError, TelegramMigrateToChat):  # blocked, or the chat is no more
            return DeliveryResult(Result.UNREACHABLE)
        except (TelegramBadRequest, TelegramEntityTooLarge) as err:  # chat gone or message invalid: retrying cannot help
            log.warning("dropping notification %s for %s: %s", note.kind, chat_id, err)
            return DeliveryResult(Result.UNREACHABLE)
        except TelegramNetworkError:  # a timeout or a broken connection: Telegram may have taken it
            return DeliveryResult(Result.RETRY, may_have_arrived=True)
        except (TelegramAPIError, ClientDecodeError) as err:  # 5xx, or a wrong token, or a proxy's page: later
            log.warning("notification %s for %s not sent, will retry: %s", note.kind, chat_id, err)
            return DeliveryResult(Result.RETRY)
        return DeliveryResult(Result.SENT)
