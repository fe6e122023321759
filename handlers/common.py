"""Small helpers shared by the routers: who is writing, and answering a button with a domain outcome."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message, User

from bot import texts
from bot.outcome import Outcome
from bot.people import telegram_key


def key_of(user: User | None) -> str:
    """The recipient key of a Telegram user."""
    if user is None:
        raise ValueError("update without a sender")
    return telegram_key(user.id)


async def answer_outcome(query: CallbackQuery, outcome: Outcome, number: str, done_text: str) -> None:
    """Answer a button press: the done text, or why nothing changed (as an alert)."""
    if outcome.ok:
        await query.answer(done_text)
    else:
        await query.answer(texts.refusal(str(outcome.refusal), number, outcome.detail), show_alert=True)


def callback_message(query: CallbackQuery) -> Message | None:
    """The message a button was on, when Telegram still has it."""
    return query.message if isinstance(query.message, Message) else None
