"""Everything the server knows, in one object the method handlers and the user side share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from .chats import Chats
from .files import FileStore
from .params import Params
from .pulse import Pulse
from .updates import UpdateQueue


@dataclass
class RecordedRequest:
    """One method call as the server received it."""

    method: str
    params: dict[str, Any]
    via: str  # "http" or "webhook-reply"
    time: float
    content_type: str = ""  # how the body came: application/json, …x-www-form-urlencoded, multipart/form-data


@dataclass
class WebhookConfig:
    """The webhook as setWebhook left it, and every delivery attempt."""

    url: str = ""
    secret: str | None = None
    max_connections: int = 40
    last_error: tuple[int, str] | None = None  # (unix time, message)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)  # calls made in webhook answers


class State:
    """Chats, files, updates, the webhook; the calls the bot made and what they did (sent, edited,
    deleted, answered, set)."""

    def __init__(self, bot_user: dict[str, Any], strict_chats: bool) -> None:
        self.bot_user = bot_user
        self.pulse = Pulse()
        self.chats = Chats(strict_chats)
        self.files = FileStore()
        self.updates = UpdateQueue(self.pulse)
        self.webhook = WebhookConfig()
        self.allowed_updates: list[str] | None = None
        self.poll_generation = 0  # a new getUpdates (or setWebhook) ends the one waiting, with 409
        self.calls: Counter[str] = Counter()  # every call by method, failed ones too; downloads as "file"
        self.requests: list[RecordedRequest] = []
        self.internal_errors: list[str] = []  # bugs of this server: tests expect none
        self.sent: list[dict[str, Any]] = []
        self.edits: list[dict[str, Any]] = []
        self.deleted: list[dict[str, Any]] = []
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}

    @property
    def bot_id(self) -> int:
        return int(self.bot_user["id"])


Handler = Callable[[State, Params], Awaitable[Any]]
"""A Bot API method: the server's state and the call's parameters → the result (or an ApiError)."""
