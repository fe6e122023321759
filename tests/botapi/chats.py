"""Chats, the users in them, and every live message of each chat (bot's and users' alike)."""

from __future__ import annotations

import copy
from typing import Any

from .errors import ApiError, bad
from .params import Params
from .users import User


def public(message: dict[str, Any]) -> dict[str, Any]:
    """A message as the API returns it: a copy in which only inline keyboards appear in ``reply_markup``."""
    data = copy.deepcopy(message)

    def strip(m: dict[str, Any]) -> None:
        markup = m.get("reply_markup")
        if markup is not None and "inline_keyboard" not in markup:
            del m["reply_markup"]
        if isinstance(m.get("reply_to_message"), dict):
            strip(m["reply_to_message"])

    strip(data)
    return data


class Chats:
    """What the server knows of chats. ``strict``: a chat nobody wrote in or registered is "not found"."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, User] = {}
        self.blocked: set[int] = set()
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}
        self.last_message_id: dict[int, int] = {}

    def register_user(self, user: User) -> None:
        self.users[user.id] = user
        self.chats.setdefault(user.id, user.chat)

    def next_message_id(self, chat_id: int) -> int:
        self.last_message_id[chat_id] = self.last_message_id.get(chat_id, 0) + 1
        return self.last_message_id[chat_id]

    def store(self, message: dict[str, Any]) -> None:
        self.messages.setdefault(message["chat"]["id"], {})[message["message_id"]] = message

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        return self.messages.get(chat_id, {}).get(message_id)

    def remove(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        return self.messages.get(chat_id, {}).pop(message_id, None)

    def in_order(self, chat_id: int) -> list[dict[str, Any]]:
        """The live messages of a chat, oldest first."""
        return [message for _, message in sorted(self.messages.get(chat_id, {}).items())]

    def quoted(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The message as a reply quotes it (without its own ``reply_to_message``), None if it is gone."""
        original = self.message(chat_id, message_id)
        if original is None:
            return None
        return {k: v for k, v in public(original).items() if k != "reply_to_message"}

    def resolve(self, p: Params, *, send: bool = False, name: str = "chat_id") -> dict[str, Any]:
        """The chat a call names (an id or ``@username``); with ``send``, 403 for a chat that blocked the bot."""
        raw = p.raw(name)
        if raw is None:
            raise bad("chat_id is empty")
        if isinstance(raw, str) and raw.strip().startswith("@"):
            chat = self._by_username(raw.strip()[1:].lower())
        else:
            try:
                chat = self._by_id(int(raw))
            except (TypeError, ValueError):
                raise bad("chat not found") from None
        if send and chat["id"] in self.blocked:
            if chat["type"] == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat['type']} chat")
        return chat

    def _by_username(self, username: str) -> dict[str, Any]:
        chat = next((c for c in self.chats.values() if (c.get("username") or "").lower() == username), None)
        if chat is None:
            raise bad("chat not found")
        return chat

    def _by_id(self, chat_id: int) -> dict[str, Any]:
        chat = self.chats.get(chat_id)
        if chat is not None:
            return chat
        if self.strict or chat_id == 0:
            raise bad("chat not found")
        if chat_id > 0:
            chat = {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        else:
            chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
            chat = {"id": chat_id, "type": chat_type, "title": f"Chat {chat_id}"}
        self.chats[chat_id] = chat
        return chat
