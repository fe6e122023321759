"""Included last: buttons nobody else understood (old messages, forged or malformed data)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Message

from bot.texts import refusals as refusal_texts
from bot.texts import residents as resident_texts
from handlers.common import Matches


async def stale_button(query: CallbackQuery) -> None:
    """A button no handler took: of an action this version does not know (an old message), forged, or
    not ours at all (such data does not parse as a
    :class:`bot.channels.telegram.channel.TicketAction`)."""
    await query.answer(refusal_texts.stale_button(), show_alert=True)


async def group_message(message: Message) -> None:
    """Requests are private: in a group, ask to be messaged directly (once per command or mention)."""
    if message.text and (message.text.startswith("/") or "@" in message.text):
        await message.answer(resident_texts.group_chat())


def build_router() -> Router:
    """A new router with this audience's handlers (one per dispatcher)."""
    router = Router(name="fallback")
    router.message.register(group_message, Matches(F.chat.type != ChatType.PRIVATE))
    router.callback_query.register(stale_button)
    return router
