"""Supervisors: dispatch a pending or overdue ticket to a grid of their area, or correct its category."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import messages as texts
from bot.channels.telegram.channel import TicketAction
from bot.grids.store import GridStore
from bot.people.directory import Level, People
from bot.tickets.service import Tickets
from handlers.common import answer_outcome, callback_message, key_of
from nlp.taxonomy import Taxonomy



def _choices(number: str, action: str, options: list[tuple[str, str]], per_row: int = 2) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(text=label, callback_data=TicketAction(action=action, number=number, arg=arg).pack())
               for arg, label in options]
    return InlineKeyboardMarkup(inline_keyboard=[buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


async def show_grids(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets, people: People,
                     grids: GridStore) -> None:
    key, number = key_of(query.from_user), callback_data.number
    ticket = await tickets.get(number)
    grid_map = await grids.current()
    if ticket is None or grid_map is None or not await tickets.routing.covers(key, ticket.community, ticket.town):
        await query.answer(texts.refusal("not_allowed" if ticket else "not_found", number), show_alert=True)
        return
    supervisor = await people.get_supervisor(key)
    if supervisor is None:  # an admin: every grid
        area = list(grid_map.grids)
    elif supervisor.level == Level.TOWN:
        area = list(grid_map.grids_in_town(supervisor.area))
    else:
        area = list(grid_map.grids_in_community(supervisor.area))
    await query.answer()
    message = callback_message(query)
    if message is not None:
        await message.answer(texts.choose_grid(number),
                             reply_markup=_choices(number, "dispatch", [(g.grid_id, g.name) for g in area]))


async def dispatch(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets) -> None:
    number, grid_id = callback_data.number, callback_data.arg
    outcome = await tickets.dispatch(number, key_of(query.from_user), grid_id)
    await answer_outcome(query, outcome, number, texts.dispatched(number, grid_id))
    message = callback_message(query)
    if outcome.ok and message is not None:
        await message.edit_text(texts.dispatched(number, grid_id))


async def show_categories(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets,
                          taxonomy: Taxonomy) -> None:
    key, number = key_of(query.from_user), callback_data.number
    ticket = await tickets.get(number)
    if ticket is None or not await tickets.routing.covers(key, ticket.community, ticket.town):
        await query.answer(texts.refusal("not_allowed" if ticket else "not_found", number), show_alert=True)
        return
    await query.answer()
    message = callback_message(query)
    if message is not None:
        options = [(c.code, c.name) for c in taxonomy.categories if c.code != ticket.category]
        await message.answer(texts.choose_category(number), reply_markup=_choices(number, "recat", options, 3))


async def recategorise(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets, taxonomy: Taxonomy) -> None:
    number, code = callback_data.number, callback_data.arg
    outcome = await tickets.recategorise(number, key_of(query.from_user), code)
    done = texts.recategorised_done(number, taxonomy.name(code))
    await answer_outcome(query, outcome, number, done)
    message = callback_message(query)
    if outcome.ok and message is not None:
        await message.edit_text(done)


def build_router() -> Router:
    """A new router with this audience's handlers (one per dispatcher)."""
    router = Router(name="supervisor")
    router.callback_query.register(show_grids, TicketAction.filter(F.action == "grids"))
    router.callback_query.register(dispatch, TicketAction.filter(F.action == "dispatch"))
    router.callback_query.register(show_categories, TicketAction.filter(F.action == "categories"))
    router.callback_query.register(recategorise, TicketAction.filter(F.action == "recat"))
    return router
