"""Methods that change or delete a message the bot sent."""

from __future__ import annotations

import copy
import time
from typing import Any

from ..chats import public
from ..errors import bad
from ..formatting import format_text, read_caption, utf16_len
from ..markup import read_markup
from ..params import Params
from ..state import Handler, State

_MEDIA = ("photo", "video", "document", "voice", "audio", "animation")


def _editable(state: State, p: Params) -> dict[str, Any]:
    if p.has("inline_message_id"):
        raise bad("MESSAGE_ID_INVALID")
    chat = state.chats.resolve(p, send=True)
    message_id = p.get_int("message_id", required=True)
    assert message_id is not None
    message = state.chats.message(chat["id"], message_id)
    if message is None:
        raise bad("message to edit not found")
    if message.get("from", {}).get("id") != state.bot_id:
        raise bad("message can't be edited")
    return message


def _apply_edit(state: State, method: str, message: dict[str, Any], changes: dict[str, Any],
                new_markup: dict[str, Any] | None) -> dict[str, Any]:
    """Change the live message; an edit is recorded with the message before and after it.

    An edit that changes nothing is refused, as Telegram does. Without a new inline keyboard the old
    one is removed (a reply keyboard is not part of the message's markup)."""
    current_markup = message.get("reply_markup")
    current_inline = current_markup if current_markup and "inline_keyboard" in current_markup else None
    if all(message.get(k) == v for k, v in changes.items()) and current_inline == new_markup:
        raise bad(
            "message is not modified: specified new message content and reply markup are exactly "
            "the same as a current content and reply markup of the message"
        )
    before = copy.deepcopy(message)
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    if new_markup is not None:
        message["reply_markup"] = new_markup
    elif current_inline is not None:
        del message["reply_markup"]
    message["edit_date"] = int(time.time())
    state.edits.append({"method": method, "chat_id": message["chat"]["id"], "message_id": message["message_id"],
                        "before": before, "after": copy.deepcopy(message), "date": message["edit_date"]})
    state.pulse.wake()
    return public(message)


async def edit_message_text(state: State, p: Params) -> dict[str, Any]:
    message = _editable(state, p)
    if "text" not in message:
        raise bad("there is no text in the message to edit")
    text = p.get_str("text") or ""
    if not text.strip():
        raise bad("message text is empty")
    plain, entities = format_text(text, p.get_str("parse_mode"), p.get_json("entities"))
    if utf16_len(plain) > 4096:
        raise bad("message is too long")
    markup = read_markup(p, inline_only=True)
    return _apply_edit(state, "editMessageText", message, {"text": plain, "entities": entities}, markup)


async def edit_message_caption(state: State, p: Params) -> dict[str, Any]:
    message = _editable(state, p)
    if not any(k in message for k in _MEDIA):
        raise bad("there is no caption in the message to edit")
    caption, entities = read_caption(p)
    markup = read_markup(p, inline_only=True)
    return _apply_edit(state, "editMessageCaption", message, {"caption": caption, "caption_entities": entities},
                       markup)


async def edit_message_reply_markup(state: State, p: Params) -> dict[str, Any]:
    message = _editable(state, p)
    return _apply_edit(state, "editMessageReplyMarkup", message, {}, read_markup(p, inline_only=True))


async def delete_message(state: State, p: Params) -> bool:
    chat = state.chats.resolve(p)
    message_id = p.get_int("message_id", required=True)
    assert message_id is not None
    message = state.chats.remove(chat["id"], message_id)
    if message is None:
        raise bad("message to delete not found")
    state.deleted.append(message)
    state.pulse.wake()
    return True


METHODS: dict[str, Handler] = {
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
}
