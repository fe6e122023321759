"""A local Telegram Bot API server for tests: aiogram talks to it over real HTTP.

    async with BotAPIServer() as server:
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
        bot = Bot(server.token, session=session)

URLs follow the real API: ``{base_url}/bot{token}/{method}`` (GET query string, JSON body,
``application/x-www-form-urlencoded`` — what aiogram's AiohttpSession sends when there is no file —
or ``multipart/form-data`` with ``attach://`` references — what it sends with uploads) and
``{base_url}/file/bot{token}/{file_path}`` for downloads (:mod:`.app`, :mod:`.params`).

Answers have the real shapes and the real error texts for the common mistakes (``message is not
modified``, ``message to edit not found``, ``can't parse entities: …``, ``BUTTON_DATA_INVALID``,
``query is too old …``, ``chat not found`` …). Text with ``parse_mode="HTML"`` is turned into plain
text plus entities like Telegram does (:mod:`.formatting`).

This class is the face tests see: start and stop, fault injection, and the state tests read. The
user side (``server.user()``, ``send_text``, ``press``, ``wait_for_message`` …) is mixed in from
:mod:`.client` and :mod:`.watching`; the methods live in :mod:`.methods`, one module per area.
"""

from __future__ import annotations

import asyncio
import secrets
from contextlib import suppress
from typing import Any

import aiohttp
from aiohttp import web

from .app import BotApi, serve
from .client import UserSimulator
from .errors import ApiError
from .faults import Faults
from .files import StoredFile
from .methods.bot import commands_key
from .params import Upload
from .state import RecordedRequest, State
from .users import User
from .webhook import SECRET_HEADER, WebhookDelivery

__all__ = ["ApiError", "BotAPIServer", "RecordedRequest", "SECRET_HEADER", "StoredFile", "Upload", "User"]


class _StateView:
    """A read-only attribute of the server that is ``server.state.<path>`` (tests read it there)."""

    def __init__(self, path: str) -> None:
        self.path = path.split(".")

    def __get__(self, server: BotAPIServer | None, owner: type | None = None) -> Any:
        if server is None:
            return self
        value: Any = server.state
        for name in self.path:
            value = getattr(value, name)
        return value


class BotAPIServer(UserSimulator):
    """A fake-but-faithful Telegram Bot API on 127.0.0.1 (random free port).

    State tests may read: ``calls`` (Counter of requests per method, every request counted, also
    failed ones; file downloads count as ``"file"``), ``requests`` (RecordedRequest log with parsed
    params), ``sent`` (every bot message ever sent, live dicts), ``edits``, ``deleted``,
    ``callback_answers``, ``chat_actions``, ``commands``, ``files``, ``updates``,
    ``webhook_url``/``webhook_secret``/``webhook_deliveries``/``webhook_requests``,
    ``internal_errors`` (server bugs, should stay empty).
    """

    calls = _StateView("calls")
    requests = _StateView("requests")
    internal_errors = _StateView("internal_errors")
    sent = _StateView("sent")
    edits = _StateView("edits")
    deleted = _StateView("deleted")
    chat_actions = _StateView("chat_actions")
    callback_queries = _StateView("callback_queries")
    callback_answers = _StateView("callback_answers")
    commands = _StateView("commands")
    files = _StateView("files.files")
    updates = _StateView("updates.all")
    pending_updates = _StateView("updates.waiting")
    chats = _StateView("chats.chats")
    users = _StateView("chats.users")
    blocked_chats = _StateView("chats.blocked")
    strict_chats = _StateView("chats.strict")
    allowed_updates = _StateView("allowed_updates")
    webhook_url = _StateView("webhook.url")
    webhook_secret = _StateView("webhook.secret")
    webhook_max_connections = _StateView("webhook.max_connections")
    webhook_last_error = _StateView("webhook.last_error")
    webhook_deliveries = _StateView("webhook.deliveries")
    webhook_requests = _StateView("webhook.requests")

    def __init__(
        self,
        token: str | None = None,
        *,
        bot_username: str = "gridbot_test_bot",
        bot_name: str = "Gridbot Test",
        strict_chats: bool = True,
        webhook_max_attempts: int = 3,
        webhook_retry_delay: float = 0.05,
        webhook_timeout: float = 10.0,
    ) -> None:
        self.token = token or f"{7_000_000_000 + secrets.randbelow(1_000_000)}:AAE{secrets.token_urlsafe(24)}"
        self.bot_id = int(self.token.split(":", 1)[0])
        self.bot_user = {"id": self.bot_id, "is_bot": True, "first_name": bot_name, "username": bot_username}
        self.webhook_max_attempts = webhook_max_attempts
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.host = "127.0.0.1"
        self.port: int | None = None
        self.state = State(self.bot_user, strict_chats)
        self._faults = Faults()
        self._api = BotApi(self.state, self.token, self._faults)
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None

    # ---- lifecycle ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}"

    def api_url(self, method: str, token: str | None = None) -> str:
        return f"{self.base_url}/bot{token or self.token}/{method}"

    async def start(self) -> BotAPIServer:
        self.state.pulse.open()
        self._runner, self.port = await serve(self._api.application(), self.host)
        self._http = aiohttp.ClientSession()
        delivery = WebhookDelivery(self.state, self._api, self._http, max_attempts=self.webhook_max_attempts,
                                   retry_delay=self.webhook_retry_delay, timeout=self.webhook_timeout)
        self._webhook_task = asyncio.create_task(delivery.run(), name="botapi-webhook")
        return self

    async def stop(self) -> None:
        self.state.pulse.close()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIServer:
        return await self.start()

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.stop()

    # ---- fault injection ------------------------------------------------------------------

    def fail_next(self, method: str, *, status: int, times: int = 1, retry_after: int | None = None,
                  description: str | None = None) -> None:
        """The next ``times`` calls of ``method`` answer ``status`` (after auth, before doing anything).

        429 always carries ``parameters.retry_after`` (default 1 s), like Telegram's flood control.
        """
        self._faults.fail_next(self._api.canonical(method), status, times, retry_after, description)

    def delay(self, method: str, seconds: float) -> None:
        """Every call of ``method`` waits ``seconds`` before being handled (0 turns it off)."""
        self._faults.delay(self._api.canonical(method), seconds)

    def block_chat(self, chat_id: int) -> None:
        """The user blocked the bot (or kicked it from the group): every send/edit there answers 403."""
        self.state.chats.blocked.add(int(chat_id))

    def unblock_chat(self, chat_id: int) -> None:
        self.state.chats.blocked.discard(int(chat_id))

    # ---- reading what the bot set up ------------------------------------------------------

    def file_bytes(self, file_id: str) -> bytes:
        return self.state.files.files[file_id].data

    def my_commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, str]]:
        """The commands set with setMyCommands for ``scope`` (default scope) and ``language_code``."""
        return list(self.state.commands.get(commands_key(scope, language_code), []))
