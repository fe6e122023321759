"""Reading a message as a test does: its buttons, its keyboard, a one-line description."""

from __future__ import annotations

from typing import Any

from .users import User


def inline_buttons(message: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The inline keyboard buttons of a message (dicts), row by row, flattened."""
    markup = (message or {}).get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard") or [] for button in row]


def buttons(message: dict[str, Any] | None) -> list[str]:
    """The texts of the inline keyboard buttons of a message, flattened."""
    return [button["text"] for button in inline_buttons(message)]


def reply_keyboard(message: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The reply keyboard buttons (dicts such as ``{"text": "位置", "request_location": True}``), flattened.

    Empty when the message carries no reply keyboard (``ReplyKeyboardRemove`` included).
    """
    markup = (message or {}).get("reply_markup") or {}
    return [dict(button) for row in markup.get("keyboard") or [] for button in row]


def chat_id_of(chat: int | str | User | dict[str, Any]) -> int:
    """The chat id of a user (their private chat), a chat or message dict, or an id."""
    if isinstance(chat, User):
        return chat.id
    if isinstance(chat, dict):
        return int(chat["chat"]["id"] if "chat" in chat else chat["id"])
    return int(chat)


def describe_message(message: dict[str, Any], bot_id: int | None = None) -> str:
    """``#7 bot 'text' [photo] buttons=[…]``: for assertion messages."""
    sender = "bot " if bot_id is not None and message.get("from", {}).get("id") == bot_id else "user"
    parts = [f"#{message['message_id']} {sender}"]
    if "text" in message:
        parts.append(repr(message["text"]))
    if "photo" in message:
        parts.append("[photo]")
    parts += [f"[{kind}]" for kind in ("location", "voice", "video", "document", "sticker") if kind in message]
    if message.get("caption"):
        parts.append(f"caption={message['caption']!r}")
    if inline_buttons(message):
        parts.append(f"buttons={buttons(message)}")
    if reply_keyboard(message):
        parts.append(f"keyboard={[b.get('text') for b in reply_keyboard(message)]}")
    if message.get("edit_date"):
        parts.append("(edited)")
    return " ".join(parts)
