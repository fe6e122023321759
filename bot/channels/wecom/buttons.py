"""The keys of a WeCom card's buttons (SPEC: ``accept:NUMBER`` …) ↔ the ticket actions of bot.texts.render.

A card event names the pressed button by its key, and anyone can post a key (WeCom checks only that the
member belongs to the app), so a key is parsed strictly: an unknown action, a malformed ticket number or
an argument that could not be a grid id or category code is no key at all, and changes nothing. Who may
do what is decided by the domain, not here.

    accept:N · return:N · resolve:N              a worker's steps
    refer:N                                      需上级处理 on a field report its reporter keeps
    dispatch:N · dispatch:N:GRID                 a supervisor: show the grids, then dispatch to one
    recategorise:N · recategorise:N:CODE         a supervisor: show the categories, then correct it
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.texts.render import Button, ButtonAction

NUMBER = re.compile(r"T\d{8}-\d{4,6}")
ARG = re.compile(r"[A-Za-z0-9_.-]{1,64}")

# The key's first word for each action; the actions with an argument share it with the one showing the choices.
WORDS = {
    ButtonAction.ACCEPT: "accept",
    ButtonAction.RETURN: "return",
    ButtonAction.RESOLVE: "resolve",
    ButtonAction.REFER_UP: "refer",
    ButtonAction.GRIDS: "dispatch",
    ButtonAction.DISPATCH: "dispatch",
    ButtonAction.CATEGORIES: "recategorise",
    ButtonAction.RECATEGORISE: "recategorise",
}
_PLAIN = {"accept": ButtonAction.ACCEPT, "return": ButtonAction.RETURN, "resolve": ButtonAction.RESOLVE,
          "refer": ButtonAction.REFER_UP,
          "dispatch": ButtonAction.GRIDS, "recategorise": ButtonAction.CATEGORIES}
_WITH_ARG = {"dispatch": ButtonAction.DISPATCH, "recategorise": ButtonAction.RECATEGORISE}


@dataclass(frozen=True)
class CardKey:
    """A pressed button: what to do to which ticket (``arg``: the grid or category chosen)."""

    action: ButtonAction
    number: str
    arg: str = ""


def key_of(button: Button) -> str:
    """The WeCom key of a ticket button (a rating button has none: residents are not on WeCom)."""
    word = WORDS.get(button.action)
    if word is None:
        raise ValueError(f"no WeCom key for {button.action}")
    return f"{word}:{button.number}:{button.arg}" if button.arg else f"{word}:{button.number}"


def parse_key(key: str) -> CardKey | None:
    """The action a card event's ``EventKey`` stands for; None for anything gridbot never put on a card."""
    parts = key.split(":")
    if len(parts) not in (2, 3) or not NUMBER.fullmatch(parts[1]):
        return None
    if len(parts) == 2:
        action = _PLAIN.get(parts[0])
        return CardKey(action, parts[1]) if action is not None else None
    action = _WITH_ARG.get(parts[0])
    if action is None or not ARG.fullmatch(parts[2]):
        return None
    return CardKey(action, parts[1], parts[2])
