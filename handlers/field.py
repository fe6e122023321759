"""Grid workers' field reports (巡查上报): ``/report``, the problem and its place, and ``需上级处理``.

The report itself lives in the domain (bot/intake/reporting.py); the FSM state only sends the worker's
next messages here rather than to the resident intake. The ticket's confirmation, with its buttons,
comes from the outbox like every ticket message.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.channels.telegram.channel import TicketAction
from bot.intake.reporting import FieldReports, ReportReply, ReportReplyKind
from bot.texts import common as common_texts
from bot.texts import field_reports as report_texts
from bot.texts.render import ButtonAction
from bot.tickets.service import Tickets
from handlers.common import Matches, key_of, settled_message


class ReportSteps(StatesGroup):
    """What a worker's report waits for (the domain keeps the report; this routes the next message)."""

    words = State()
    location = State()


def location_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=common_texts.SEND_LOCATION, request_location=True)]],
                               resize_keyboard=True, one_time_keyboard=True)


async def show(message: Message, reply: ReportReply, state: FSMContext) -> None:
    """Tell the worker what the report needs next, and keep the FSM state in step with it."""
    kind = reply.kind
    if kind is ReportReplyKind.ASK_LOCATION:
        await state.set_state(ReportSteps.location)
        await message.answer(report_texts.ask_location(), reply_markup=location_keyboard())
    elif kind is ReportReplyKind.LOCATION_NOT_FOUND:
        await message.answer(report_texts.location_not_found(reply.address), reply_markup=location_keyboard())
    elif kind is ReportReplyKind.OUT_OF_AREA:
        await message.answer(report_texts.out_of_area(), reply_markup=location_keyboard())
    elif kind is ReportReplyKind.NEEDS_WORDS:
        await message.answer(report_texts.needs_words())
    elif kind is ReportReplyKind.PHOTO_KEPT:
        await message.answer(report_texts.photo_kept())
    elif kind is ReportReplyKind.OPENED:
        asked_where = await state.get_state() == ReportSteps.location.state
        await state.clear()
        if asked_where:  # the 发送位置 keyboard goes away
            await message.answer(report_texts.location_received(), reply_markup=ReplyKeyboardRemove())
    else:  # nothing pending: the report expired meanwhile
        await state.clear()
        await message.answer(report_texts.nothing_pending(), reply_markup=ReplyKeyboardRemove())


async def start(message: Message, reports: FieldReports, state: FSMContext) -> None:
    reply = await reports.start(key_of(message.from_user))
    if reply.kind is ReportReplyKind.NOT_A_WORKER:
        await message.answer(report_texts.only_workers())
        return
    await state.set_state(ReportSteps.words)
    await message.answer(report_texts.ask_report(), reply_markup=ReplyKeyboardRemove())


async def abandoned(message: Message, reports: FieldReports, state: FSMContext) -> None:
    """A command while the report waits: the worker changed their mind; nothing opens."""
    await reports.abandon(key_of(message.from_user))
    await state.clear()
    await message.answer(report_texts.abandoned(), reply_markup=ReplyKeyboardRemove())


async def words(message: Message, reports: FieldReports, state: FSMContext) -> None:
    photo = f"telegram:{message.photo[-1].file_id}" if message.photo else None
    text = message.text or message.caption or ""
    await show(message, await reports.describe(key_of(message.from_user), text, photo), state)


async def location(message: Message, reports: FieldReports, state: FSMContext) -> None:
    point = message.location
    assert point is not None
    await show(message, await reports.locate_by_point(key_of(message.from_user), point.latitude, point.longitude),
               state)


async def address(message: Message, reports: FieldReports, state: FSMContext) -> None:
    await show(message, await reports.locate_by_address(key_of(message.from_user), message.text or ""), state)


async def unexpected(message: Message, state: FSMContext) -> None:
    """Anything else while the report waits (a sticker, a photo where the place was asked): ask again."""
    where = await state.get_state() == ReportSteps.location.state
    await message.answer(report_texts.ask_location() if where else report_texts.needs_words(),
                         reply_markup=location_keyboard() if where else None)


async def refer_up(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets) -> None:
    number = callback_data.number
    outcome = await tickets.refer_up(number, key_of(query.from_user))
    if (message := await settled_message(query, outcome, number, report_texts.referred(number))) is not None:
        await message.edit_reply_markup(reply_markup=None)


def build_router() -> Router:
    """A new router with this audience's handlers (one per dispatcher)."""
    router = Router(name="field")
    router.message.filter(Matches(F.chat.type == ChatType.PRIVATE))
    router.message.register(start, Command("report"))
    waiting = StateFilter(ReportSteps.words, ReportSteps.location)
    router.message.register(abandoned, waiting, Matches(F.text.startswith("/")))
    router.message.register(words, StateFilter(ReportSteps.words), Matches(F.text | F.photo))
    router.message.register(location, StateFilter(ReportSteps.location), Matches(F.location))
    router.message.register(address, StateFilter(ReportSteps.location), Matches(F.text))
    router.message.register(unexpected, waiting)
    router.callback_query.register(refer_up, TicketAction.filter(F.action == ButtonAction.REFER_UP))
    return router
