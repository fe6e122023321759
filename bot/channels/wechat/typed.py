"""Typed text that stands for a command or a choice on the Official Account, where Telegram has
commands and buttons: 「我的工单」, 「取消 NUMBER」, a category's number or name, a rating 1…5."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.texts import wechat as wechat_texts

_STARS = re.compile(r"[1-5]")
_FULL_WIDTH_DIGITS = str.maketrans("１２３４５６７８９０", "1234567890")


class Command(StrEnum):
    MY_TICKETS = "my"
    HELP = "help"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Typed:
    """A typed command and what follows it (the ticket number of 「取消 …」)."""

    command: Command
    argument: str = ""


def _tidy(text: str) -> str:
    return text.strip().translate(_FULL_WIDTH_DIGITS).strip("。.！!")


def typed_command(text: str) -> Typed | None:
    """The command ``text`` is, if it is one."""
    said = _tidy(text)
    if said in wechat_texts.MY_TICKETS_WORDS:
        return Typed(Command.MY_TICKETS)
    if said in wechat_texts.HELP_WORDS:
        return Typed(Command.HELP)
    for word in wechat_texts.CANCEL_WORDS:
        rest = said.removeprefix(word)
        if rest != said and (not rest or rest[0] in " \u3000:：" or rest[0] in "Tt"):
            return Typed(Command.CANCEL, rest.strip(" \u3000:：").upper())
    return None


def chosen_category(text: str, choices: tuple[tuple[str, str], ...]) -> str | None:
    """The code of the category ``text`` names among ``choices`` (code, name): its number in the list
    (from 1) or its name."""
    said = _tidy(text)
    if said.isdigit() and 1 <= int(said) <= len(choices):
        return choices[int(said) - 1][0]
    return next((code for code, name in choices if said == name), None)


def typed_stars(text: str) -> int | None:
    """A rating typed as one digit 1…5 (「5」, 「５」, 「5分」)."""
    said = _tidy(text).removesuffix("分").strip()
    return int(said) if _STARS.fullmatch(said) else None


def skips_location(text: str) -> bool:
    return _tidy(text) in wechat_texts.SKIP_WORDS
