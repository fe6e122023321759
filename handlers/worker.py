"""Grid workers: /join, /tasks, and the 接单 / 退回 / 办结 buttons with their follow-up questions."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.texts import refusals as refusal_texts
from bot.texts import staff as staff_texts
from bot.texts.render import ButtonAction, worker_buttons
from bot.channels.telegram.channel import TicketAction, keyboard
from bot.people.directory import People
from bot.tickets.outcome import Outcome, Refusal
from bot.tickets.store import TicketStore
from bot.tickets.tasks import open_tasks
from bot.tickets.states import Action, Status
from bot.tickets.service import Tickets
from handlers.common import Matches, answer_outcome, callback_message, key_of, settled_message



class WorkerSteps(StatesGroup):
    """What the bot waits for from a worker after a button."""

    return_reason = State()
    result_note = State()


async def join(message: Message, command: CommandObject, people: People) -> None:
    worker = await people.redeem_invite((command.args or "").strip(), key_of(message.from_user),
                                        message.from_user.full_name if message.from_user else "")
    await message.answer(staff_texts.joined(worker.grids) if worker else staff_texts.join_failed())


async def tasks(message: Message, people: People, store: TicketStore) -> None:
    await message.answer(staff_texts.tasks(await open_tasks(store, people, key_of(message.from_user))))


async def accept(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets) -> None:
    number = callback_data.number
    outcome = await tickets.accept(number, key_of(query.from_user))
    if (message := await settled_message(query, outcome, number, staff_texts.accepted_by_you(number))) is not None:
        await message.edit_reply_markup(reply_markup=keyboard(worker_buttons(number, accepted=True)))


async def _ask(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets, state: FSMContext,
               action: Action, step: State, question: str) -> None:
    number = callback_data.number
    allowed = await tickets.may_act(number, key_of(query.from_user), action)
    if not allowed.ok:
        await answer_outcome(query, allowed, number, "")
        return
    await state.set_state(step)
    await state.update_data(number=number)
    await query.answer()
    message = callback_message(query)
    if message is not None:
        await message.answer(question)


async def return_pressed(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets, state: FSMContext) -> None:
    await _ask(query, callback_data, tickets, state, Action.RETURN, WorkerSteps.return_reason,
               staff_texts.ask_return_reason(callback_data.number))


async def resolve_pressed(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets, state: FSMContext) -> None:
    await _ask(query, callback_data, tickets, state, Action.RESOLVE, WorkerSteps.result_note,
               staff_texts.ask_result(callback_data.number))


async def step_abandoned(message: Message, state: FSMContext) -> None:
    """A command while a reason or result is awaited: the worker changed their mind; nothing changes."""
    number = (await state.get_data()).get("number", "")
    await state.clear()
    await message.answer(staff_texts.step_abandoned(number))


async def return_reason(message: Message, tickets: Tickets, state: FSMContext) -> None:
    number = (await state.get_data())["number"]
    outcome = await tickets.return_to_supervisor(number, key_of(message.from_user), message.text or "")
    if outcome.refusal is Refusal.BAD_INPUT:  # an empty reason: ask again
        await message.answer(staff_texts.ask_return_reason(number))
        return
    await state.clear()
    await message.answer(staff_texts.returned(number) if outcome.ok else refusal_texts.refusal(outcome.refusal, number))


async def result_note(message: Message, tickets: Tickets, state: FSMContext) -> None:
    number = (await state.get_data())["number"]
    note = message.text or message.caption or ""
    photo = f"telegram:{message.photo[-1].file_id}" if message.photo else None
    outcome = await tickets.resolve(number, key_of(message.from_user), note, photo)
    if outcome.refusal is Refusal.BAD_INPUT:  # an empty note: ask again
        await message.answer(staff_texts.ask_result(number))
        return
    await state.clear()
    await message.answer(staff_texts.resolved_by_you(number, _closed(outcome)) if outcome.ok else refusal_texts.refusal(outcome.refusal, number))


def _closed(outcome: Outcome) -> bool:
    """The step closed the ticket (a field report closes with its result: nobody rates it)."""
    return outcome.ticket is not None and outcome.ticket.status is Status.CLOSED


def build_router() -> Router:
    """A new router with this audience's handlers (one per dispatcher)."""
    router = Router(name="worker")
    router.message.register(join, Command("join"))
    router.message.register(tasks, Command("tasks"))
    router.callback_query.register(accept, TicketAction.filter(F.action == ButtonAction.ACCEPT))
    router.callback_query.register(return_pressed, TicketAction.filter(F.action == ButtonAction.RETURN))
    router.callback_query.register(resolve_pressed, TicketAction.filter(F.action == ButtonAction.RESOLVE))
    router.message.register(step_abandoned, StateFilter(WorkerSteps.return_reason, WorkerSteps.result_note),
                            Matches(F.text.startswith("/")))
    router.message.register(return_reason, StateFilter(WorkerSteps.return_reason), Matches(F.text))
    router.message.register(result_note, StateFilter(WorkerSteps.result_note), Matches(F.text | F.photo))
    return router
