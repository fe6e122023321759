"""Included last: buttons nobody else understood (old messages, forged or malformed data)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.texts import messages as texts
from bot.channels.telegram.channel import TicketAction
from handlers.common import Matches



async def unknown_action(query: CallbackQuery) -> None:
    """A button of an action this version does not know (old message, forged data)."""
    await query.answer(texts.stale_button(), show_alert=True)


async def malformed(query: CallbackQuery) -> None:
    """Callback data that is not ours at all."""
    await query.answer(texts.stale_button(), show_alert=True)


async def group_message(message: Message) -> None:
    """Requests are private: in a group, ask to be messaged directly (once per command or mention)."""
    if message.text and (message.text.startswith("/") or "@" in message.text):
        await message.answer(texts.group_chat())


def build_router() -> Router:
    """A new router with this audience's handlers (one per dispatcher)."""
    router = Router(name="fallback")
    router.message.register(group_message, Matches(F.chat.type != "private"))
    router.callback_query.register(unknown_action, TicketAction.filter())
    router.callback_query.register(malformed)
    return router
