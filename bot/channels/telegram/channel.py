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
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import common as common_texts
from bot.texts import staff as staff_texts
from bot.texts.render import Button, ButtonAction, Rendered
from bot.channels.telegram.methods import SendPhotoWithCaption, SendText
from bot.channels.delivery import DeliveryResult, Result
from bot.tickets.notifications import Notification
from bot.photos.store import PhotoStore, photo_name

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024


class TicketAction(CallbackData, prefix="t"):
    """A button about a ticket (``t:accept:T20261124-0007:``); data with an action not in
    :class:`ButtonAction` does not parse, so no filter of a handler matches it."""

    action: ButtonAction
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
    """Sends notifications to Telegram chats; a ticket's web photo goes with them as an upload."""

    name = "telegram"
    marks_sent = False  # the Bot API has no idempotency key

    def __init__(self, bot: Bot, photos: PhotoStore, send_timeout: float = 15.0) -> None:
        self.bot = bot
        self.photos = photos
        self.send_timeout = send_timeout

    async def deliver(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        try:
            await self._send(int(chat_id), message, note)
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

    async def _send(self, chat_id: int, message: Rendered, note: Notification) -> None:
        """The message with its photo: the text as its caption, or, too long for one, the photo first and
        the text after it. Without the photo, and saying so, if it is lost or Telegram refuses it: a
        photo never holds back the ticket itself."""
        markup = keyboard(message.buttons)
        photo, missing = await self._photo(message.photo)
        fits = len(message.text) <= CAPTION_LIMIT
        if photo is not None:
            try:
                await self._call(SendPhotoWithCaption(chat_id=chat_id, photo=photo,
                                                      caption=message.text if fits else staff_texts.photo_of(note.number),
                                                      reply_markup=markup if fits else None))
                if fits:
                    return
            except (TelegramBadRequest, TelegramEntityTooLarge) as err:  # e.g. IMAGE_PROCESS_FAILED
                log.warning("photo of notification %s for %s refused, sending the text: %s", note.kind, chat_id, err)
                missing = staff_texts.photo_not_sent()
        text = f"{message.text}\n{missing}" if missing else message.text
        await self._call(SendText(chat_id=chat_id, text=common_texts.cut(text), reply_markup=markup))

    async def _call(self, method: SendText | SendPhotoWithCaption) -> None:
        # aiogram annotates request_timeout as int, yet hands it to aiohttp as is, like its own float default
        await self.bot(method, request_timeout=self.send_timeout)  # type: ignore[arg-type]

    async def _photo(self, reference: str | None) -> tuple[str | BufferedInputFile | None, str]:
        """What to send as the photo (a Telegram file id, or a stored photo's bytes to upload), and
        else a note for the text when there was a photo that is lost."""
        file_id = telegram_file(reference)
        if file_id is not None or photo_name(reference) is None:
            return file_id, ""
        stored = self.photos.find(reference)
        data = await self.photos.read(stored) if stored is not None else None
        if stored is None or data is None:
            log.warning("photo %s is missing; sending the text without it", reference)
            return None, staff_texts.photo_lost()
        return BufferedInputFile(data, filename=stored.name), ""
