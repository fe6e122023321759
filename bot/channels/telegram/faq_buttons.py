"""The two buttons under a knowledge-base answer on Telegram: 已解决 and 转人工办理."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.faq.answers import FaqChoice
from bot.texts import faq as faq_texts


class FaqButton(CallbackData, prefix="q"):
    """A resident's answer to a knowledge-base answer (``choice``: a :class:`FaqChoice` value)."""

    choice: str


def faq_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=faq_texts.SOLVED, callback_data=FaqButton(choice=FaqChoice.SOLVED).pack()),
        InlineKeyboardButton(text=faq_texts.TO_HUMAN, callback_data=FaqButton(choice=FaqChoice.HUMAN).pack()),
    ]])


def chosen(button: FaqButton) -> FaqChoice | None:
    """The choice a pressed button makes (None: a value no button of ours carries)."""
    try:
        return FaqChoice(button.choice)
    except ValueError:
        return None
