"""A Telegram user played by a test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class User:
    """A Telegram user played by the test. Its private chat with the bot has ``chat_id == id``."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str = "zh-hans"
    last_name: str | None = None
    is_bot: bool = False

    def _names(self, data: dict[str, Any]) -> dict[str, Any]:
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    def to_dict(self) -> dict[str, Any]:
        """The user as the ``from`` of a message or callback query."""
        data = self._names({"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name})
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    @property
    def chat(self) -> dict[str, Any]:
        """The private chat between this user and the bot."""
        return self._names({"id": self.id, "type": "private", "first_name": self.first_name})
