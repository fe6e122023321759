"""Residents: /start, /my, /cancel, requests in words or photos, locations, category and rating buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    CallbackQuery,
    Update,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.texts import common as common_texts
from bot.texts import refusals as refusal_texts
from bot.texts import faq as faq_texts
from bot.texts import residents as resident_texts
from bot.channels.telegram.channel import CategoryChoice, TicketAction
from bot.channels.telegram.faq_buttons import FaqButton, chosen, faq_keyboard
from bot.intake.conversation import Intake, has_words
from bot.intake.replies import OTHER_CATEGORY, IntakeReply, ReplyKind
from bot.texts.render import ButtonAction
from bot.tickets.service import Tickets
from handlers.common import Matches, callback_message, key_of, settled_message
from nlp.taxonomy import Taxonomy



async def edited(message: Message) -> None:
    await message.answer(refusal_texts.edited_message())


def request_id(update: Update) -> str:
    """The id that makes a redelivered update open its ticket only once."""
    return f"telegram:{update.update_id}"


def location_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=common_texts.SEND_LOCATION, request_location=True)],
                  [KeyboardButton(text=common_texts.SKIP_LOCATION)]],
        resize_keyboard=True, one_time_keyboard=True,
    )


def category_keyboard(options: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text=name, callback_data=CategoryChoice(code=code).pack())] for code, name in options]
    other = CategoryChoice(code=OTHER_CATEGORY).pack()
    rows.append([InlineKeyboardButton(text=common_texts.OTHER_CATEGORY, callback_data=other)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def show(message: Message, reply: IntakeReply, after_location: bool = False) -> None:
    """Tell the resident what the intake needs next (the ticket itself arrives from the outbox)."""
    if reply.to_human:
        await message.answer(faq_texts.to_human())
    if reply.earlier is not None:  # the answer to "where?" was a new request
        after_location = False
        await message.answer(resident_texts.earlier_request_unplaced(reply.earlier.number), reply_markup=ReplyKeyboardRemove())
    if reply.services:
        await message.answer(resident_texts.emergency(reply.services, reply.hazards, reply.alert))
    if reply.small_talk is not None:
        await message.answer(resident_texts.small_talk(reply.small_talk, reply.ticket, reply.waiting))
    if reply.kind is ReplyKind.ASK_CATEGORY:
        await message.answer(resident_texts.ask_category(name for _, name in reply.options),
                             reply_markup=category_keyboard(reply.options))
    elif reply.kind is ReplyKind.ASK_LOCATION:
        await message.answer(resident_texts.ask_location(), reply_markup=location_keyboard())
    elif reply.kind is ReplyKind.LOCATION_NOT_FOUND:
        await message.answer(resident_texts.location_not_found(reply.address), reply_markup=location_keyboard())
    elif reply.kind is ReplyKind.OUT_OF_AREA:
        await message.answer(resident_texts.out_of_area(reply.towns), reply_markup=location_keyboard())
    elif reply.kind is ReplyKind.NOTHING_PENDING:
        await message.answer(resident_texts.nothing_pending(), reply_markup=ReplyKeyboardRemove())
    elif reply.kind is ReplyKind.COMMAND:  # this channel's commands have their own handlers: this one is unknown
        await message.answer(resident_texts.unknown_command(reply.command or ""))
    elif reply.kind is ReplyKind.EMPTY:
        await message.answer(resident_texts.empty_text())
    elif reply.kind is ReplyKind.FAQ_ANSWER and reply.faq is not None:
        await message.answer(faq_texts.answer(reply.faq), reply_markup=faq_keyboard())
    elif reply.kind is ReplyKind.FAQ_SOLVED:
        await message.answer(faq_texts.solved(), reply_markup=ReplyKeyboardRemove())
    elif after_location:
        await message.answer(resident_texts.location_received(), reply_markup=ReplyKeyboardRemove())


async def start(message: Message, taxonomy: Taxonomy) -> None:
    await message.answer(resident_texts.welcome(c.name for c in taxonomy.categories if c.code != OTHER_CATEGORY))


async def my_tickets(message: Message, tickets: Tickets) -> None:
    await message.answer(resident_texts.my_tickets(await tickets.seen_by(key_of(message.from_user), limit=20)))


async def cancel(message: Message, command: CommandObject, tickets: Tickets) -> None:
    number = (command.args or "").strip().upper()
    if not number:
        await message.answer(resident_texts.cancel_usage())
        return
    outcome = await tickets.cancel(number, key_of(message.from_user))
    if not outcome.ok:
        await message.answer(refusal_texts.refusal(outcome.refusal, number, outcome.detail))


async def location(message: Message, intake: Intake, event_update: Update) -> None:
    point = message.location
    assert point is not None
    reply = await intake.locate_by_point(key_of(message.from_user), point.latitude, point.longitude,
                                         request_id(event_update))
    await show(message, reply, True)


async def skip_location(message: Message, intake: Intake, event_update: Update) -> None:
    await show(message, await intake.skip_location(key_of(message.from_user), request_id(event_update)), True)


async def photo(message: Message, intake: Intake, event_update: Update) -> None:
    caption = (message.caption or "").strip()
    if not has_words(caption):
        await message.answer(resident_texts.photo_needs_caption())
        return
    assert message.photo
    reference = f"telegram:{message.photo[-1].file_id}"
    await show(message, await intake.submit(key_of(message.from_user), caption, reference, request_id(event_update)))


async def request(message: Message, intake: Intake, event_update: Update) -> None:
    """Any other text: the intake says whether it is small talk, an answer, a place or a request."""
    reply = await intake.message(key_of(message.from_user), (message.text or "").strip(), request_id(event_update))
    await show(message, reply, reply.answered)


async def other_media(message: Message) -> None:
    await message.answer(resident_texts.media_unsupported())


async def category_chosen(query: CallbackQuery, callback_data: CategoryChoice, intake: Intake,
                          taxonomy: Taxonomy, event_update: Update) -> None:
    reply = await intake.choose_category(key_of(query.from_user), callback_data.code, request_id(event_update))
    message = callback_message(query)
    if reply.kind is ReplyKind.NOTHING_PENDING or message is None:
        await query.answer(refusal_texts.stale_button(), show_alert=True)
        return
    await query.answer(resident_texts.category_noted(taxonomy.name(callback_data.code)))
    await message.edit_reply_markup(reply_markup=None)
    await show(message, reply)


async def faq_chosen(query: CallbackQuery, callback_data: FaqButton, intake: Intake) -> None:
    """已解决 or 转人工办理 under a knowledge-base answer."""
    choice, message = chosen(callback_data), callback_message(query)
    reply = await intake.faq_choice(key_of(query.from_user), choice) if choice is not None else None
    if reply is None or reply.kind is ReplyKind.NOTHING_PENDING or message is None:
        await query.answer(faq_texts.stale_choice(), show_alert=True)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await show(message, reply)


async def rate(query: CallbackQuery, callback_data: TicketAction, tickets: Tickets) -> None:
    stars = int(callback_data.arg) if callback_data.arg.isdigit() else 0
    outcome = await tickets.rate(callback_data.number, key_of(query.from_user), stars)
    if (message := await settled_message(query, outcome, callback_data.number, resident_texts.rated(callback_data.number, stars))) is not None:
        await message.edit_reply_markup(reply_markup=None)


def build_router() -> Router:
    """A new router with this audience's handlers (one per dispatcher)."""
    router = Router(name="resident")
    router.message.filter(Matches(F.chat.type == ChatType.PRIVATE))
    router.message.register(start, CommandStart())
    router.message.register(my_tickets, Command("my"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(location, Matches(F.location))
    router.message.register(skip_location, Matches(F.text == common_texts.SKIP_LOCATION))
    router.message.register(photo, Matches(F.photo))
    router.message.register(request, Matches(F.text))
    router.message.register(other_media)
    router.edited_message.register(edited, Matches(F.chat.type == ChatType.PRIVATE))
    router.callback_query.register(category_chosen, CategoryChoice.filter())
    router.callback_query.register(faq_chosen, FaqButton.filter())
    router.callback_query.register(rate, TicketAction.filter(F.action == ButtonAction.RATE))
    return router
