"""WeCom template cards: the shape checks of ``template_card``, task ids, response codes, card state.

The checks catch what the real API refuses (40058 with a hint naming the field): an unknown
``card_type``, a button_interaction card without ``main_title.title``, ``task_id`` missing, malformed
(``[0-9A-Za-z_-@]``, ≤ 128) or used before by the app, ``button_list`` empty or over 6, a button
without ``text`` or ``key`` (or a duplicate key), over 6 ``horizontal_content_list`` items, a notice
card without ``card_action``.

Response codes: one per interactive card sent (for every recipient), one per button press (for the
presser). Each updates a card once, within 72 hours; anything else is 40098 (this server's choice).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import INVALID_PARAMETER, INVALID_RESPONSE_CODE, TASK_ID_EXISTS, WxError

CARD_TYPES = {"text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction"}
INTERACTIVE = {"button_interaction", "vote_interaction", "multiple_interaction"}
TASK_ID = re.compile(r"[0-9A-Za-z_\-@]{1,128}")
CODE_LIFETIME = 72 * 3600
MAX_BUTTONS = 6


def _bad(detail: str) -> WxError:
    return WxError(INVALID_PARAMETER, f"template_card.{detail}")


def _check_buttons(buttons: Any) -> None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_BUTTONS:
        raise _bad(f"button_list must hold 1 to {MAX_BUTTONS} buttons")
    keys: set[str] = set()
    for i, button in enumerate(buttons):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
            raise _bad(f"button_list[{i}].text missing")
        if button.get("type", 0) == 1:
            if not button.get("url"):
                raise _bad(f"button_list[{i}].url missing")
            continue
        key = button.get("key")
        if not isinstance(key, str) or not 0 < len(key.encode()) <= 1024:
            raise _bad(f"button_list[{i}].key missing or over 1024 bytes")
        if key in keys:
            raise _bad(f"button_list[{i}].key {key!r} repeated")
        keys.add(key)


def validate_card(card: Any) -> None:
    """Raise the 40058 WxError the real API answers for a malformed ``template_card``."""
    if not isinstance(card, dict):
        raise WxError(INVALID_PARAMETER, "template_card missing")
    card_type = card.get("card_type")
    if card_type not in CARD_TYPES:
        raise _bad(f"card_type {card_type!r}")
    main = card.get("main_title")
    if main is not None and not isinstance(main, dict):
        raise _bad("main_title must be an object")
    title = (main or {}).get("title")
    if card_type == "button_interaction" and not (isinstance(title, str) and title):
        raise _bad("main_title.title missing")
    if not title and not card.get("sub_title_text"):
        raise _bad("main_title.title or sub_title_text required")
    items = card.get("horizontal_content_list") or []
    if not isinstance(items, list) or len(items) > 6 or any(not isinstance(i, dict) or not i.get("keyname") for i in items):
        raise _bad("horizontal_content_list: at most 6 items, each with keyname")
    if card_type in INTERACTIVE and not (isinstance(card.get("task_id"), str) and TASK_ID.fullmatch(card["task_id"])):
        raise _bad("task_id missing or malformed")
    if card_type == "button_interaction":
        _check_buttons(card.get("button_list"))
    if card_type in ("text_notice", "news_notice") and not isinstance(card.get("card_action"), dict):
        raise _bad("card_action missing")


@dataclass
class ResponseCode:
    code: str
    task_id: str
    userid: str | None  # None: issued at send, for every recipient
    issued_at: float
    used: bool = False


@dataclass
class CardBook:
    """Task ids used, response codes issued, and each card's recipient entries (live, by task id)."""

    clock: Callable[[], float]
    codes: dict[str, ResponseCode] = field(default_factory=dict)
    entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def check_task(self, task_id: str) -> None:
        """40058 if the app used ``task_id`` before."""
        if task_id in self.entries:
            raise WxError(TASK_ID_EXISTS, f"task_id {task_id!r} exist")

    def claim_task(self, task_id: str) -> None:
        self.check_task(task_id)
        self.entries[task_id] = []

    def new_code(self, task_id: str, userid: str | None) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = ResponseCode(code, task_id, userid, self.clock())
        return code

    def take_code(self, code: Any) -> ResponseCode:
        """The response code, now used; 40098 if unknown, used or expired."""
        found = self.codes.get(code) if isinstance(code, str) else None
        if found is None or found.used or self.clock() - found.issued_at > CODE_LIFETIME:
            raise WxError(INVALID_RESPONSE_CODE, "unknown, used or expired")
        found.used = True
        return found

    def entry(self, task_id: str, userid: str) -> dict[str, Any] | None:
        return next((e for e in self.entries.get(task_id, []) if e["to"] == userid), None)
