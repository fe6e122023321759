"""``reply_markup`` as Telegram checks it: inline keyboards, reply keyboards, remove / force reply."""

from __future__ import annotations

import re
from typing import Any

from .errors import bad
from .params import Params

_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
)
_NOT_AN_OBJECT = "can't parse inline keyboard button: InlineKeyboardButton must be an Object"


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise bad(_NOT_AN_OBJECT)
    if not button.get("text"):
        raise bad("can't parse inline keyboard button: Text must be non-empty")
    if not any(key in button for key in _INLINE_ACTIONS):
        raise bad("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button and not 1 <= len(str(button["callback_data"]).encode("utf-8")) <= 64:
        raise bad("BUTTON_DATA_INVALID")
    if "url" in button and not re.match(r"(https?|tg)://\S+$", str(button["url"])):
        raise bad(f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL")
    return dict(button)


def _inline_keyboard(rows: Any) -> dict[str, Any] | None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad(_NOT_AN_OBJECT)
    clean = [[_inline_button(button) for button in row] for row in rows]
    clean = [row for row in clean if row]
    return {"inline_keyboard": clean} if clean else None


def _reply_keyboard(raw: dict[str, Any]) -> dict[str, Any]:
    rows = raw["keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad("can't parse reply keyboard markup JSON object")
    keyboard = []
    for row in rows:
        buttons = []
        for button in row:
            button = {"text": button} if isinstance(button, str) else dict(button)
            if not button.get("text"):
                raise bad("keyboard button text must be non-empty")
            buttons.append(button)
        if buttons:
            keyboard.append(buttons)
    if not keyboard:
        raise bad("keyboard must be non-empty")
    return {**raw, "keyboard": keyboard}


def read_markup(p: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
    """The call's ``reply_markup``, checked (None when absent or an empty inline keyboard).

    Edits take only inline keyboards (``inline_only``)."""
    raw = p.get_json("reply_markup")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        return _inline_keyboard(raw["inline_keyboard"])
    if inline_only:
        raise bad("inline keyboard expected")
    if "keyboard" in raw:
        return _reply_keyboard(raw)
    if raw.get("remove_keyboard") or raw.get("force_reply"):
        return dict(raw)
    raise bad("can't parse reply keyboard markup JSON object")
