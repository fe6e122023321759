"""Small helpers shared by the routers: who is writing, answering a button with a domain outcome, and
checking magic filters without a thread hop."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.magic_filter import MagicFilter

from bot.texts import refusals as refusal_texts
from bot.tickets.outcome import Outcome
from bot.people.directory import telegram_key


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
        await query.answer(refusal_texts.refusal(outcome.refusal, number, outcome.detail), show_alert=True)


async def settled_message(query: CallbackQuery, outcome: Outcome, number: str, done_text: str) -> Message | None:
    """:func:`answer_outcome`, then the message the button was on when the press took effect (None: it
    did not, or Telegram no longer has the message), for the caller to update."""
    await answer_outcome(query, outcome, number, done_text)
    return callback_message(query) if outcome.ok else None


def callback_message(query: CallbackQuery) -> Message | None:
    """The message a button was on, when Telegram still has it."""
    return query.message if isinstance(query.message, Message) else None


class Matches(Filter):
    """A magic filter (``F.text``, ``F.chat.type == ChatType.PRIVATE``) checked in the event loop.

    aiogram runs a plain (synchronous) filter in a worker thread: a thread hop per filter and update,
    which was the largest part of routing an update in bench_e2e's profile. Wrapped, it is a plain call.
    """

    def __init__(self, rule: MagicFilter) -> None:
        self.rule = rule

    async def __call__(self, event: TelegramObject) -> bool:
        return bool(self.rule.resolve(event))
