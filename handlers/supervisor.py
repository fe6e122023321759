"""Supervisors: dispatch a pending or overdue ticket to a grid of their area, or correct its category;
/warnings lists the early warnings of their area."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.texts import staff as staff_texts
from bot.texts import warnings as warning_texts
from bot.texts.render import ButtonAction, choice_buttons
from bot.channels.telegram.channel import TicketAction, keyboard
from bot.tickets.service import Tickets
from bot.tickets.supervision import Choices
from bot.warnings.cases import active_for
from bot.warnings.watch import WarningWatch
from handlers.common import answer_outcome, callback_message, key_of, settled_message
from nlp.taxonomy import Taxonomy


async def _offer(query: CallbackQuery, number: str, choices: Choices, question: str, action: ButtonAction,
                 per_row: int) -> None:
    """Ask which of ``choices`` (or say why there are none to make)."""
    if not choices.outcome.ok:
        await answer_outcome(query, choices.outcome, number, "")
        return
    await query.answer()
    message = callback_message(query)
    if message is not None:
        await message.answer(question, reply_markup=keyboard(choice_buttons(number, action, choices.options, per_row)))


async def show_grids(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets) -> None:
    number = callback_data.number
    choices = await tickets.dispatch_choices(number, key_of(query.from_user))
    await _offer(query, number, choices, staff_texts.choose_grid(number), ButtonAction.DISPATCH, 2)


async def dispatch(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets) -> None:
    number, grid_id = callback_data.number, callback_data.arg
    outcome = await tickets.dispatch(number, key_of(query.from_user), grid_id)
    if (message := await settled_message(query, outcome, number, staff_texts.dispatched(number, grid_id))) is not None:
        await message.edit_text(staff_texts.dispatched(number, grid_id))


async def show_categories(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets) -> None:
    number = callback_data.number
    choices = await tickets.category_choices(number, key_of(query.from_user))
    await _offer(query, number, choices, staff_texts.choose_category(number), ButtonAction.RECATEGORISE, 3)


async def recategorise(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets, taxonomy: Taxonomy) -> None:
    number, code = callback_data.number, callback_data.arg
    outcome = await tickets.recategorise(number, key_of(query.from_user), code)
    done = staff_texts.recategorised_done(number, taxonomy.name(code))
    if (message := await settled_message(query, outcome, number, done)) is not None:
        await message.edit_text(done)


async def warnings(message: Message, warnings: WarningWatch, tickets: Tickets) -> None:
    """/warnings: the active early warnings of the supervisor's area (admins: all)."""
    found = await active_for(warnings.warnings, tickets, key_of(message.from_user))
    await message.answer(warning_texts.not_a_supervisor() if found is None else warning_texts.warnings_list(
        found, tickets.taxonomy.name, warnings.thresholds.radius_m))


def build_router() -> Router:
    """A new router with this audience's handlers (one per dispatcher)."""
    router = Router(name="supervisor")
    router.message.register(warnings, Command("warnings"))
    router.callback_query.register(show_grids, TicketAction.filter(F.action == ButtonAction.GRIDS))
    router.callback_query.register(dispatch, TicketAction.filter(F.action == ButtonAction.DISPATCH))
    router.callback_query.register(show_categories, TicketAction.filter(F.action == ButtonAction.CATEGORIES))
    router.callback_query.register(recategorise, TicketAction.filter(F.action == ButtonAction.RECATEGORISE))
    return router
