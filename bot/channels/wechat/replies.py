"""The intake's replies as Official Account messages: what handlers/resident.py ``show`` says on
Telegram, with a menu for the category question and typed answers where Telegram has buttons."""

from __future__ import annotations

from bot.channels.wechat.messages import Menu, Outgoing, Text, category_item
from bot.intake.replies import OTHER_CATEGORY, IntakeReply, ReplyKind
from bot.faq.answers import FaqChoice
from bot.texts import common as common_texts
from bot.texts import faq as faq_texts
from bot.texts import residents as resident_texts
from bot.texts import wechat as wechat_texts


def category_choices(reply: IntakeReply) -> tuple[tuple[str, str], ...]:
    """The categories offered for ``reply`` (an ASK_CATEGORY), 其他 last: the order typed numbers count in."""
    return reply.options + ((OTHER_CATEGORY, common_texts.OTHER_CATEGORY),)


def category_menu(reply: IntakeReply) -> Menu:
    choices = category_choices(reply)
    return Menu(resident_texts.ask_category(name for _, name in reply.options),
                tuple((category_item(code), name) for code, name in choices),
                wechat_texts.category_menu_tail(len(choices)))


FAQ_ITEM = "faq"  # a menu item under a knowledge-base answer: faq:solved, faq:human


def faq_menu(reply: IntakeReply) -> Menu | None:
    """The answer with its two choices, as a menu (None: ``reply`` carries no entry)."""
    if reply.faq is None:
        return None
    return Menu(faq_texts.answer(reply.faq), ((f"{FAQ_ITEM}:{FaqChoice.SOLVED}", faq_texts.SOLVED),
                                              (f"{FAQ_ITEM}:{FaqChoice.HUMAN}", faq_texts.TO_HUMAN)),
                faq_texts.wechat_tail())


def reply_messages(reply: IntakeReply, after_location: bool = False) -> list[Outgoing]:
    """What to tell the resident next (the ticket itself arrives from the outbox)."""
    out: list[Outgoing] = [Text(faq_texts.to_human())] if reply.to_human else []
    if reply.earlier is not None:  # the answer to "where?" was a new request
        after_location = False
        out.append(Text(resident_texts.earlier_request_unplaced(reply.earlier.number)))
    if reply.services:
        out.append(Text(resident_texts.emergency(reply.services, reply.hazards, reply.alert)))
    if reply.small_talk is not None:
        out.append(Text(resident_texts.small_talk(reply.small_talk, reply.ticket, reply.waiting)))
    question = _question(reply)
    if question is not None:
        out.append(question)
    elif after_location and reply.kind in (ReplyKind.OPENED, ReplyKind.LINKED, ReplyKind.PLACED):
        out.append(Text(resident_texts.location_received()))
    return out


def _question(reply: IntakeReply) -> Outgoing | None:
    """The question or explanation ``reply`` asks for, if any."""
    match reply.kind:
        case ReplyKind.ASK_CATEGORY:
            return category_menu(reply)
        case ReplyKind.ASK_LOCATION:
            return Text(wechat_texts.ask_location())
        case ReplyKind.LOCATION_NOT_FOUND:
            return Text(wechat_texts.location_not_found(reply.address))
        case ReplyKind.OUT_OF_AREA:
            return Text(resident_texts.out_of_area(reply.towns))
        case ReplyKind.NOTHING_PENDING:
            return Text(resident_texts.nothing_pending())
        case ReplyKind.COMMAND:
            return Text(wechat_texts.command_elsewhere(reply.command or ""))
        case ReplyKind.EMPTY:
            return Text(resident_texts.empty_text())
        case ReplyKind.FAQ_ANSWER:
            return faq_menu(reply)
        case ReplyKind.FAQ_SOLVED:
            return Text(faq_texts.solved())
    return None
