"""A local Telegram Bot API server for tests: aiogram talks to it over real HTTP.

    async with BotAPIServer() as server:
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
        bot = Bot(server.token, session=session)

URLs follow the real API: ``{base_url}/bot{token}/{method}`` (GET query string, JSON body,
``application/x-www-form-urlencoded`` — what aiogram's AiohttpSession sends when there is no file —
or ``multipart/form-data`` with ``attach://`` references — what it sends with uploads) and
``{base_url}/file/bot{token}/{file_path}`` for downloads. In form bodies every value is a string:
numbers and booleans as JSON scalars, nested objects (reply_markup, entities, …) as JSON text.

Answers have the real shapes: ``{"ok": true, "result": …}`` or
``{"ok": false, "error_code": N, "description": "…", "parameters": {"retry_after": S}}`` with the
same HTTP status as ``error_code``, and the real error texts for the common mistakes (``message is
not modified``, ``message to edit not found``, ``can't parse entities: …``, ``BUTTON_DATA_INVALID``,
``query is too old …``, ``chat not found`` …). Text with ``parse_mode`` is turned into plain text
plus entities like Telegram does (HTML, MarkdownV2 with its reserved-character errors, Markdown).

The user side (``server.user()``, ``send_text``, ``press``, ``wait_for_message`` …) lives in
:mod:`tests.botapi.client` and is mixed in.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
import mimetypes
import re
import secrets
import socket
import struct
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from .client import TINY_JPEG, User, UserSimulator, utf16_len

__all__ = ["ApiError", "BotAPIServer", "RecordedRequest", "StoredFile", "Upload", "User"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
T = TypeVar("T")


# --------------------------------------------------------------------------- errors and params


class ApiError(Exception):
    """An error answer: HTTP status == error_code, like the real Bot API."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class Upload:
    """A file part of a multipart request."""

    data: bytes
    filename: str | None
    content_type: str | None


class Params:
    """Request parameters from the query string, a JSON body or a form; typed accessors accept both
    native JSON values and their string forms (as sent in forms)."""

    def __init__(
        self, values: dict[str, Any], files: dict[str, Upload] | None = None, content_type: str = ""
    ) -> None:
        self.values = values
        self.files = files or {}
        self.content_type = content_type

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def raw(self, name: str, default: Any = None) -> Any:
        return self.values[name] if self.has(name) else default

    def get_str(self, name: str, default: str | None = None, *, required: bool = False) -> str | None:
        if not self.has(name):
            if required:
                raise _bad(f"{name} is empty")
            return default
        value = self.values[name]
        if isinstance(value, Upload):
            raise _bad(f"wrong type of the {name} parameter")
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def get_int(self, name: str, default: int | None = None, *, required: bool = False) -> int | None:
        if not self.has(name):
            if required:
                raise _bad(f"{name} is empty")
            return default
        value = self.values[name]
        if isinstance(value, bool):
            raise _bad(f"invalid {name} specified")
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise _bad(f"invalid {name} specified") from None

    def get_float(self, name: str, default: float | None = None, *, required: bool = False) -> float | None:
        if not self.has(name):
            if required:
                raise _bad(f"{name} is empty")
            return default
        value = self.values[name]
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _bad(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        if not self.has(name):
            return default
        value = self.values[name]
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise _bad(f"invalid {name} specified")

    def get_json(self, name: str, default: Any = None, *, required: bool = False) -> Any:
        if not self.has(name):
            if required:
                raise _bad(f"{name} is empty")
            return default
        value = self.values[name]
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise _bad(f"can't parse {name} JSON object") from None
        return value

    def for_log(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.values.items():
            if isinstance(value, Upload):
                out[key] = f"<upload {value.filename!r}, {len(value.data)} bytes>"
            elif isinstance(value, str) and value[:1] in "[{":
                try:
                    out[key] = json.loads(value)
                except ValueError:
                    out[key] = value
            else:
                out[key] = value
        return out


@dataclass
class RecordedRequest:
    method: str
    params: dict[str, Any]
    via: str  # "http" or "webhook-reply"
    time: float
    content_type: str = ""  # how the body came: application/json, …x-www-form-urlencoded, multipart/form-data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: str
    mime_type: str | None = None
    file_name: str | None = None
    photo_sizes: list[dict[str, Any]] | None = None

    def media_fields(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": len(self.data)}

    def as_file(self) -> dict[str, Any]:
        return {**self.media_fields(), "file_path": self.file_path}


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    remaining: int


class _Described:
    def __init__(self, result: Any, description: str) -> None:
        self.result = result
        self.description = description


# --------------------------------------------------------------------------- formatting → entities


class _EntityError(Exception):
    pass


def _byte_offset(source: str, char_index: int) -> int:
    return len(source[:char_index].encode("utf-8"))


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class _HTMLEntities(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._line_starts = [0]
        for match in re.finditer("\n", source):
            self._line_starts.append(match.end())
        self._parts: list[str] = []
        self._u16 = 0
        self._open: list[tuple[str, int, dict[str, str | None]]] = []
        self._found: list[dict[str, Any]] = []

    def _pos(self) -> int:
        line, col = self.getpos()
        return _byte_offset(self._source, self._line_starts[line - 1] + col)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in _HTML_TAGS or (tag == "span" and attributes.get("class") != "tg-spoiler"):
            raise _EntityError(f'Unsupported start tag "{tag}" at byte offset {self._pos()}')
        self._open.append((tag, self._u16, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise _EntityError(f'Unsupported start tag "{tag}" at byte offset {self._pos()}')

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            raise _EntityError(f'Unexpected end tag at byte offset {self._pos()}')
        open_tag, start, attributes = self._open[-1]
        if open_tag != tag:
            raise _EntityError(
                f'Unmatched end tag at byte offset {self._pos()}, expected "</{open_tag}>", found "</{tag}>"'
            )
        self._open.pop()
        length = self._u16 - start
        if tag == "code" and self._open and self._open[-1][0] == "pre":
            language = (attributes.get("class") or "").removeprefix("language-")
            if language:
                self._open[-1][2]["_language"] = language
            return
        if length <= 0:
            return
        entity: dict[str, Any] = {"type": _HTML_TAGS[tag], "offset": start, "length": length}
        if tag == "a":
            href = attributes.get("href") or ""
            if not href:
                return
            match = re.fullmatch(r"tg://user\?id=(\d+)", href)
            if match:
                entity = {"type": "text_mention", "offset": start, "length": length,
                          "user": {"id": int(match.group(1)), "is_bot": False, "first_name": ""}}
            else:
                entity["url"] = href
        elif tag == "pre" and attributes.get("_language"):
            entity["language"] = attributes["_language"]
        elif tag == "tg-emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
        elif tag == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        self._found.append(entity)

    def handle_data(self, data: str) -> None:
        self._parts.append(data)
        self._u16 += utf16_len(data)

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        self.feed(self._source)
        self.close()
        if self._open:
            raise _EntityError(f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"')
        return "".join(self._parts), self._found


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {"*": "Bold", "_": "Italic", "__": "Underline", "~": "Strikethrough", "||": "Spoiler", "[": "TextUrl"}
_MDV2_TYPES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}


def _parse_markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, int, int]] = []  # marker, utf16 offset, byte offset
    offset = 0
    i, n = 0, len(src)

    def emit(text: str) -> None:
        nonlocal offset
        out.append(text)
        offset += utf16_len(text)

    def unescape(text: str) -> str:
        return re.sub(r"\\([\x01-\x7e])", r"\1", text)

    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and 0 < ord(src[i + 1]) <= 126:
            emit(src[i + 1])
            i += 2
            continue
        if src.startswith("```", i):
            end = src.find("```", i + 3)
            if end < 0:
                raise _EntityError(f"Can't find end of Pre entity at byte offset {_byte_offset(src, i)}")
            body, language = src[i + 3 : end], None
            if "\n" in body:
                first, rest = body.split("\n", 1)
                if " " not in first:
                    language, body = first or None, rest
            start = offset
            emit(unescape(body))
            if offset > start:
                entity: dict[str, Any] = {"type": "pre", "offset": start, "length": offset - start}
                if language:
                    entity["language"] = language
                entities.append(entity)
            i = end + 3
            continue
        if c == "`":
            j, buf = i + 1, []
            while j < n and src[j] != "`":
                if src[j] == "\\" and j + 1 < n:
                    buf.append(src[j + 1])
                    j += 2
                else:
                    buf.append(src[j])
                    j += 1
            if j >= n:
                raise _EntityError(f"Can't find end of Code entity at byte offset {_byte_offset(src, i)}")
            start = offset
            emit("".join(buf))
            if offset > start:
                entities.append({"type": "code", "offset": start, "length": offset - start})
            i = j + 1
            continue
        marker = "||" if src.startswith("||", i) else "__" if src.startswith("__", i) else c if c in "*_~" else None
        if marker:
            if stack and stack[-1][0] == marker:
                _, start, _ = stack.pop()
                if offset > start:
                    entities.append({"type": _MDV2_TYPES[marker], "offset": start, "length": offset - start})
            elif any(entry[0] == marker for entry in stack):
                raise _EntityError(
                    f"Can't find end of {_MDV2_NAMES[stack[-1][0]]} entity at byte offset {stack[-1][2]}"
                )
            else:
                stack.append((marker, offset, _byte_offset(src, i)))
            i += len(marker)
            continue
        if c == "[":
            stack.append(("[", offset, _byte_offset(src, i)))
            i += 1
            continue
        if c == "]" and stack and stack[-1][0] == "[":
            if i + 1 < n and src[i + 1] == "(":
                j, url = i + 2, []
                while j < n and src[j] != ")":
                    if src[j] == "\\" and j + 1 < n:
                        url.append(src[j + 1])
                        j += 2
                    else:
                        url.append(src[j])
                        j += 1
                if j >= n:
                    raise _EntityError(f"Can't find end of a URL at byte offset {_byte_offset(src, i + 2)}")
                _, start, _ = stack.pop()
                if offset > start:
                    entities.append({"type": "text_link", "offset": start, "length": offset - start, "url": "".join(url)})
                i = j + 1
                continue
            raise _EntityError("Character ']' is reserved and must be escaped with the preceding '\\'")
        if c == ">" and (i == 0 or src[i - 1] == "\n"):
            i += 1  # block quotation marker (no entity recorded)
            continue
        if c in _MDV2_RESERVED:
            raise _EntityError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
        emit(c)
        i += 1
    if stack:
        marker, _, byte = stack[-1]
        raise _EntityError(f"Can't find end of {_MDV2_NAMES[marker]} entity at byte offset {byte}")
    return "".join(out), entities


def _parse_markdown(src: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    offset = 0
    i, n = 0, len(src)
    types = {"*": "bold", "_": "italic", "`": "code"}

    def emit(text: str) -> None:
        nonlocal offset
        out.append(text)
        offset += utf16_len(text)

    def unclosed(at: int) -> _EntityError:
        return _EntityError(f"Can't find end of the entity starting at byte offset {_byte_offset(src, at)}")

    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            emit(src[i + 1])
            i += 2
        elif src.startswith("```", i):
            end = src.find("```", i + 3)
            if end < 0:
                raise unclosed(i)
            body, language = src[i + 3 : end], None
            if "\n" in body:
                first, rest = body.split("\n", 1)
                if " " not in first:
                    language, body = first or None, rest
            start = offset
            emit(body)
            if offset > start:
                entity: dict[str, Any] = {"type": "pre", "offset": start, "length": offset - start}
                if language:
                    entity["language"] = language
                entities.append(entity)
            i = end + 3
        elif c in types:
            end = src.find(c, i + 1)
            if end < 0:
                raise unclosed(i)
            start = offset
            emit(src[i + 1 : end])
            if offset > start:
                entities.append({"type": types[c], "offset": start, "length": offset - start})
            i = end + 1
        elif c == "[" and (close := src.find("](", i)) > 0 and (end := src.find(")", close)) > 0:
            start = offset
            emit(src[i + 1 : close])
            if offset > start:
                entities.append({"type": "text_link", "offset": start, "length": offset - start, "url": src[close + 2 : end]})
            i = end + 1
        else:
            emit(c)
            i += 1
    return "".join(out), entities


def _format(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict[str, Any]] | None]:
    """Plain text + entities, as Telegram stores a message sent with ``parse_mode``/``entities``."""
    mode = (parse_mode or "").strip().lower()
    try:
        if mode == "html":
            plain, found = _HTMLEntities(text).result()
        elif mode == "markdownv2":
            plain, found = _parse_markdown_v2(text)
        elif mode == "markdown":
            plain, found = _parse_markdown(text)
        elif mode:
            raise _bad("unsupported parse_mode")
        else:
            plain, found = text, []
            if entities:
                if not isinstance(entities, list):
                    raise _bad("can't parse entities JSON object")
                total = utf16_len(text)
                for entity in entities:
                    if not isinstance(entity, dict) or "type" not in entity:
                        raise _bad("can't parse entities JSON object")
                    start, length = int(entity.get("offset", -1)), int(entity.get("length", 0))
                    if start < 0 or length <= 0 or start + length > total:
                        continue  # Telegram silently drops entities that fall outside the text
                    found.append(dict(entity))
    except _EntityError as exc:
        raise _bad(f"can't parse entities: {exc}") from None
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return plain, found or None


# --------------------------------------------------------------------------- media helpers


def _image_size(data: bytes) -> tuple[int, int] | None:
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
        return None
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:4] == b"GIF8" and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 512, 512
    if data[:2] == b"BM" and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(width), abs(height)
    return None


_FILE_KINDS = {
    # kind: (file_id prefix, folder, default extension)
    "photo": ("AgACAgIAAxkBAAI", "photos", "jpg"),
    "voice": ("AwACAgIAAxkBAAI", "voice", "oga"),
    "document": ("BQACAgIAAxkBAAI", "documents", "bin"),
    "video": ("BAACAgIAAxkBAAI", "videos", "mp4"),
    "sticker": ("CAACAgIAAxkBAAI", "stickers", "webp"),
}

_PLACEHOLDER_BYTES = {"photo": TINY_JPEG, "sticker": b"RIFF\x00\x00\x00\x00WEBP", "voice": b"OggS", "video": b"\x00\x00\x00\x18ftypmp42"}

_CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}

_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
)

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


# --------------------------------------------------------------------------- the server


class BotAPIServer(UserSimulator):
    """A fake-but-faithful Telegram Bot API on 127.0.0.1 (random free port).

    State tests may read: ``calls`` (Counter of requests per method, every request counted, also
    failed ones; file downloads count as ``"file"``), ``requests`` (RecordedRequest log with parsed
    params), ``sent`` (every bot message ever sent, live dicts), ``edits``, ``deleted``,
    ``callback_answers``, ``chat_actions``, ``commands``, ``files``, ``updates``,
    ``webhook_url``/``webhook_secret``/``webhook_deliveries``/``webhook_requests``,
    ``internal_errors`` (server bugs, should stay empty).
    """

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
        self.strict_chats = strict_chats
        self.webhook_max_attempts = webhook_max_attempts
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout

        self.host = "127.0.0.1"
        self.port: int | None = None

        # observable state
        self.calls: Counter[str] = Counter()
        self.requests: list[RecordedRequest] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, User] = {}
        self.sent: list[dict[str, Any]] = []
        self.edits: list[dict[str, Any]] = []
        self.deleted: list[dict[str, Any]] = []
        self.updates: dict[int, dict[str, Any]] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.files: dict[str, StoredFile] = {}
        self.blocked_chats: set[int] = set()
        self.internal_errors: list[str] = []
        self.allowed_updates: list[str] | None = None

        self.webhook_url: str = ""
        self.webhook_secret: str | None = None
        self.webhook_max_connections: int = 40
        self.webhook_last_error: tuple[int, str] | None = None
        self.webhook_deliveries: list[dict[str, Any]] = []
        self.webhook_requests: list[RecordedRequest] = []

        # internals
        self._messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._message_seq: dict[int, int] = {}
        self._pending: list[dict[str, Any]] = []
        self._redeliveries: list[dict[str, Any]] = []
        self._update_ids = itertools.count(880_000_001)
        self._file_seq = itertools.count(1)
        self._faults: dict[str, list[_Fault]] = defaultdict(list)
        self._delays: dict[str, float] = {}
        self._poll_generation = 0
        self._pulse_event = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None

        self._handlers: dict[str, Callable[[Params], Awaitable[Any]]] = {
            name.removeprefix("_api_"): getattr(self, name) for name in dir(self) if name.startswith("_api_")
        }
        self._method_index = {name.lower(): name for name in self._handlers}

    # ---- lifecycle ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}"

    def api_url(self, method: str, token: str | None = None) -> str:
        return f"{self.base_url}/bot{token or self.token}/{method}"

    async def start(self) -> BotAPIServer:
        self._closing = False
        self._pulse_event = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._http = aiohttp.ClientSession()
        self._webhook_task = asyncio.create_task(self._webhook_loop(), name="botapi-webhook")
        return self

    async def stop(self) -> None:
        self._closing = True
        self._pulse()
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

    def _canonical(self, method: str) -> str:
        return self._method_index.get(method.lower(), method)

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` answer ``status`` (after auth, before doing anything).

        429 always carries ``parameters.retry_after`` (default 1 s), like Telegram's flood control.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}" if status == 429 else _DEFAULT_DESCRIPTIONS.get(status, "Error")
            )
        self._faults[self._canonical(method)].append(_Fault(status, description, retry_after, times))

    def clear_faults(self) -> None:
        self._faults.clear()
        self._delays.clear()

    def delay(self, method: str, seconds: float) -> None:
        """Every call of ``method`` waits ``seconds`` before being handled (0 turns it off)."""
        if seconds:
            self._delays[self._canonical(method)] = seconds
        else:
            self._delays.pop(self._canonical(method), None)

    def block_chat(self, chat_id: int) -> None:
        """The user blocked the bot (or kicked it from the group): every send/edit there answers 403."""
        self.blocked_chats.add(int(chat_id))

    def unblock_chat(self, chat_id: int) -> None:
        self.blocked_chats.discard(int(chat_id))

    def _take_fault(self, method: str) -> None:
        queue = self._faults.get(method)
        if not queue:
            return
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        parameters = {"retry_after": fault.retry_after} if fault.retry_after is not None else None
        raise ApiError(fault.status, fault.description, parameters)

    # ---- waiting machinery ----------------------------------------------------------------

    def _pulse(self) -> None:
        """Wake everyone waiting for a state change (long polls, the webhook loop, test waits)."""
        event, self._pulse_event = self._pulse_event, asyncio.Event()
        event.set()

    async def _wait_for(self, check: Callable[[], T | None], timeout: float) -> T | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._pulse_event
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # ---- updates --------------------------------------------------------------------------

    def _enqueue(self, content: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **content}
        self.updates[update_id] = update
        self._pending.append(update)
        self._pulse()
        return update_id

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return [*self._redeliveries, *self._pending]

    def _next_message_id(self, chat_id: int) -> int:
        self._message_seq[chat_id] = self._message_seq.get(chat_id, 0) + 1
        return self._message_seq[chat_id]

    # ---- files ----------------------------------------------------------------------------

    def _register_file(
        self, data: bytes, *, kind: str, mime_type: str | None = None, file_name: str | None = None
    ) -> StoredFile:
        prefix, folder, ext = _FILE_KINDS[kind]
        n = next(self._file_seq)
        if file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1].lower() or ext
        stored = StoredFile(
            file_id=f"{prefix}{n:04d}{secrets.token_urlsafe(33)}",
            file_unique_id=f"AQAD{n:04d}{secrets.token_urlsafe(6)}",
            data=data,
            file_path=f"{folder}/file_{n}.{ext}",
            kind=kind,
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_bytes(self, file_id: str) -> bytes:
        return self.files[file_id].data

    def _photo_sizes(self, data: bytes) -> list[dict[str, Any]]:
        size = _image_size(data)
        if size is None or not all(size):
            raise _bad("IMAGE_PROCESS_FAILED")
        width, height = size
        longest = max(width, height)
        targets = [t for t in (90, 320, 800, 1280) if t < longest] + [min(longest, 2560)]
        sizes = []
        for target in targets:
            scale = target / longest
            stored = self._register_file(data, kind="photo", mime_type="image/jpeg")
            sizes.append(
                {**stored.media_fields(), "width": max(1, round(width * scale)), "height": max(1, round(height * scale))}
            )
        for entry in sizes:
            self.files[entry["file_id"]].photo_sizes = sizes
        return sizes

    def _input_file(self, p: Params, name: str, kind: str) -> tuple[StoredFile | None, Upload | None]:
        """(existing file, None) for a file_id/URL, or (None, upload) for a multipart upload."""
        value = p.raw(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = p.files.get(value.removeprefix("attach://"))
            if value is None:
                raise _bad(f"there is no {name} in the request")
        if value is None:
            raise _bad(f"there is no {name} in the request")
        if isinstance(value, Upload):
            if not value.data:
                raise _bad("file must be non-empty")
            return None, value
        if not isinstance(value, str):
            raise _bad(f"wrong type of the {name} parameter")
        if value.startswith(("http://", "https://")):
            data = _PLACEHOLDER_BYTES.get(kind, b"downloaded " + value.encode())
            return None, Upload(data, value.rsplit("/", 1)[-1] or None, None)
        stored = self.files.get(value)
        if stored is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        if stored.kind != kind and not (kind == "document" and stored.kind != "photo"):
            raise _bad(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored, None

    # ---- chats & messages -----------------------------------------------------------------

    def _chat(self, p: Params, *, send: bool = False, name: str = "chat_id") -> dict[str, Any]:
        raw = p.raw(name)
        if raw is None:
            raise _bad("chat_id is empty")
        chat: dict[str, Any] | None
        if isinstance(raw, str) and raw.strip().startswith("@"):
            username = raw.strip()[1:].lower()
            chat = next((c for c in self.chats.values() if (c.get("username") or "").lower() == username), None)
            if chat is None:
                raise _bad("chat not found")
        else:
            try:
                chat_id = int(raw)
            except (TypeError, ValueError):
                raise _bad("chat not found") from None
            chat = self.chats.get(chat_id)
            if chat is None:
                if self.strict_chats or chat_id == 0:
                    raise _bad("chat not found")
                if chat_id > 0:
                    chat = {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
                else:
                    chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
                    chat = {"id": chat_id, "type": chat_type, "title": f"Chat {chat_id}"}
                self.chats[chat_id] = chat
        if send and chat["id"] in self.blocked_chats:
            if chat["type"] == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat['type']} chat")
        return chat

    @staticmethod
    def _public(message: dict[str, Any]) -> dict[str, Any]:
        """A message as the API returns it: only inline keyboards appear in ``reply_markup``."""
        data = copy.deepcopy(message)

        def strip(m: dict[str, Any]) -> None:
            markup = m.get("reply_markup")
            if markup is not None and "inline_keyboard" not in markup:
                del m["reply_markup"]
            if isinstance(m.get("reply_to_message"), dict):
                strip(m["reply_to_message"])

        strip(data)
        return data

    def _reply_to(self, chat: dict[str, Any], p: Params) -> dict[str, Any] | None:
        parameters = p.get_json("reply_parameters")
        if isinstance(parameters, dict):
            message_id = parameters.get("message_id")
            allow = bool(parameters.get("allow_sending_without_reply"))
        else:
            message_id = p.get_int("reply_to_message_id")
            allow = p.get_bool("allow_sending_without_reply")
        if not message_id:
            return None
        original = self._messages.get(chat["id"], {}).get(int(message_id))
        if original is None:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return {k: v for k, v in self._public(original).items() if k != "reply_to_message"}

    def _store_bot_message(self, chat: dict[str, Any], p: Params, **content: Any) -> dict[str, Any]:
        reply = self._reply_to(chat, p)
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat["id"]),
            "from": dict(self.bot_user),
            "chat": dict(chat),
            "date": int(time.time()),
        }
        if reply is not None:
            message["reply_to_message"] = reply
        if p.has("message_thread_id"):
            message["message_thread_id"] = p.get_int("message_thread_id")
        message.update({key: value for key, value in content.items() if value is not None})
        self._messages.setdefault(chat["id"], {})[message["message_id"]] = message
        self.sent.append(message)
        self._pulse()
        return message

    def _markup(self, p: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
        raw = p.get_json("reply_markup")
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in raw:
            rows = raw["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
            clean_rows = []
            for row in rows:
                clean_row = []
                for button in row:
                    if not isinstance(button, dict):
                        raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
                    if not button.get("text"):
                        raise _bad("can't parse inline keyboard button: Text must be non-empty")
                    if not any(key in button for key in _INLINE_ACTIONS):
                        raise _bad("text buttons are unallowed in the inline keyboard")
                    if "callback_data" in button:
                        data = str(button["callback_data"]).encode("utf-8")
                        if not 1 <= len(data) <= 64:
                            raise _bad("BUTTON_DATA_INVALID")
                    if "url" in button and not re.match(r"(https?|tg)://\S+$", str(button["url"])):
                        raise _bad(f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL")
                    clean_row.append(dict(button))
                if clean_row:
                    clean_rows.append(clean_row)
            return {"inline_keyboard": clean_rows} if clean_rows else None
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in raw:
            rows = raw["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _bad("can't parse reply keyboard markup JSON object")
            keyboard = []
            for row in rows:
                buttons_row = []
                for button in row:
                    button = {"text": button} if isinstance(button, str) else dict(button)
                    if not button.get("text"):
                        raise _bad("keyboard button text must be non-empty")
                    buttons_row.append(button)
                if buttons_row:
                    keyboard.append(buttons_row)
            if not keyboard:
                raise _bad("keyboard must be non-empty")
            return {**raw, "keyboard": keyboard}
        if raw.get("remove_keyboard") or raw.get("force_reply"):
            return dict(raw)
        raise _bad("can't parse reply keyboard markup JSON object")

    def _caption(self, p: Params) -> tuple[str | None, list[dict[str, Any]] | None]:
        caption = p.get_str("caption")
        if caption is None:
            return None, None
        plain, entities = _format(caption, p.get_str("parse_mode"), p.get_json("caption_entities"))
        if utf16_len(plain) > 1024:
            raise _bad("message caption is too long")
        return plain or None, entities

    def _editable(self, p: Params) -> dict[str, Any]:
        if p.has("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._chat(p, send=True)
        message_id = p.get_int("message_id", required=True)
        message = self._messages.get(chat["id"], {}).get(message_id)
        if message is None:
            raise _bad("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad("message can't be edited")
        return message

    def _apply_edit(
        self, method: str, message: dict[str, Any], changes: dict[str, Any], new_markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        current_markup = message.get("reply_markup")
        current_inline = current_markup if current_markup and "inline_keyboard" in current_markup else None
        if all(message.get(k) == v for k, v in changes.items()) and current_inline == new_markup:
            raise _bad(
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
        self.edits.append(
            {
                "method": method,
                "chat_id": message["chat"]["id"],
                "message_id": message["message_id"],
                "before": before,
                "after": copy.deepcopy(message),
                "date": message["edit_date"],
            }
        )
        self._pulse()
        return self._public(message)

    # ---- HTTP layer -----------------------------------------------------------------------

    async def _parse_request(self, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, Upload] = {}
        content_type = request.content_type if request.body_exists else ""
        if request.body_exists:
            content_type = request.content_type
            if content_type == "application/json":
                try:
                    body = json.loads(await request.text() or "{}")
                except ValueError:
                    raise _bad("can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise _bad("can't parse JSON object")
                values.update(body)
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        upload = Upload(value.file.read(), value.filename, value.content_type)
                        files[key] = upload
                        values[key] = upload
                    else:
                        values[key] = value
        return Params(values, files, content_type)

    async def _handle_api(self, request: web.Request) -> web.Response:
        async def params() -> Params:
            return await self._parse_request(request)

        status, payload = await self._invoke(request.match_info["token"], request.match_info["method"], params, "http")
        return web.json_response(payload, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))

    async def _invoke(
        self, token: str, method: str, get_params: Callable[[], Awaitable[Params]], via: str
    ) -> tuple[int, dict[str, Any]]:
        canonical = self._method_index.get(method.lower())
        name = canonical or method
        self.calls[name] += 1
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if canonical is None:
                raise ApiError(404, "Not Found: method not found")
            p = await get_params()
            record = RecordedRequest(canonical, p.for_log(), via, time.time(), p.content_type)
            self.requests.append(record)
            self._pulse()
            if delay := self._delays.get(canonical):
                await asyncio.sleep(delay)
            self._take_fault(canonical)
            result = await self._handlers[canonical](p)
        except ApiError as exc:
            return exc.status, exc.payload()
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug in this server: make it visible
            trace = traceback.format_exc()
            self.internal_errors.append(trace)
            log.error("BotAPIServer internal error in %s:\n%s", name, trace)
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        if isinstance(result, _Described):
            return 200, {"ok": True, "result": result.result, "description": result.description}
        return 200, {"ok": True, "result": result}

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        self.calls["file"] += 1
        path = request.match_info["path"]
        if request.match_info["token"] == self.token:
            for stored in self.files.values():
                if stored.file_path == path:
                    return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    # ---- API methods: bot & updates -------------------------------------------------------

    async def _api_getMe(self, p: Params) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_logOut(self, p: Params) -> bool:
        return True

    async def _api_close(self, p: Params) -> bool:
        return True

    async def _api_getUpdates(self, p: Params) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
            )
        offset = p.get_int("offset", 0) or 0
        limit = min(max(p.get_int("limit", 100) or 100, 1), 100)
        timeout = max(p.get_int("timeout", 0) or 0, 0)
        if p.has("allowed_updates"):
            self.allowed_updates = p.get_json("allowed_updates")
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._pulse_event
            if self._closing:
                return []
            if generation != self._poll_generation:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
            batch = self._redeliveries[:limit]
            del self._redeliveries[: len(batch)]
            batch += self._pending[: limit - len(batch)]
            remaining = deadline - loop.time()
            if batch or remaining <= 0:
                return [copy.deepcopy(u) for u in batch]
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def _api_setWebhook(self, p: Params) -> _Described:
        url = p.get_str("url", "") or ""
        if not url:
            return await self._api_deleteWebhook(p)
        if not re.match(r"https?://[^/\s]+", url):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get_str("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise _bad("secret token contains unallowed characters")
        if p.get_bool("drop_pending_updates"):
            self._pending.clear()
        already = url == self.webhook_url and secret == self.webhook_secret
        self.webhook_url = url
        self.webhook_secret = secret
        self.webhook_max_connections = p.get_int("max_connections", 40) or 40
        if p.has("allowed_updates"):
            self.allowed_updates = p.get_json("allowed_updates")
        self.webhook_last_error = None
        self._poll_generation += 1  # a pending getUpdates ends with 409, as on Telegram
        self._pulse()
        return _Described(True, "Webhook is already set" if already else "Webhook was set")

    async def _api_deleteWebhook(self, p: Params) -> _Described:
        if p.get_bool("drop_pending_updates"):
            self._pending.clear()
        was_set = bool(self.webhook_url)
        self.webhook_url = ""
        self.webhook_secret = None
        self.webhook_last_error = None
        self._pulse()
        return _Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    async def _api_getWebhookInfo(self, p: Params) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending) + len(self._redeliveries),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            info["ip_address"] = "127.0.0.1"
            if self.allowed_updates is not None:
                info["allowed_updates"] = self.allowed_updates
        if self.webhook_last_error:
            info["last_error_date"], info["last_error_message"] = self.webhook_last_error
        return info

    # ---- API methods: sending -------------------------------------------------------------

    async def _api_sendMessage(self, p: Params) -> dict[str, Any]:
        chat = self._chat(p, send=True)
        text = p.get_str("text") or ""
        if not text.strip():
            raise _bad("message text is empty")
        plain, entities = _format(text, p.get_str("parse_mode"), p.get_json("entities"))
        if not plain.strip():
            raise _bad("message text is empty")
        if utf16_len(plain) > 4096:
            raise _bad("message is too long")
        markup = self._markup(p)
        message = self._store_bot_message(chat, p, text=plain, entities=entities, reply_markup=markup)
        return self._public(message)

    async def _api_sendPhoto(self, p: Params) -> dict[str, Any]:
        chat = self._chat(p, send=True)
        existing, upload = self._input_file(p, "photo", "photo")
        caption, entities = self._caption(p)
        markup = self._markup(p)
        if existing is not None:
            sizes = copy.deepcopy(existing.photo_sizes) or [{**existing.media_fields(), "width": 90, "height": 90}]
        else:
            assert upload is not None
            sizes = self._photo_sizes(upload.data)
        message = self._store_bot_message(
            chat, p, photo=sizes, caption=caption, caption_entities=entities, reply_markup=markup,
            has_media_spoiler=p.get_bool("has_spoiler") or None,
        )
        return self._public(message)

    async def _send_media(self, p: Params, kind: str, extra: Callable[[StoredFile, Upload | None], dict[str, Any]]) -> dict[str, Any]:
        chat = self._chat(p, send=True)
        existing, upload = self._input_file(p, kind, kind)
        caption, entities = self._caption(p) if kind != "sticker" else (None, None)
        markup = self._markup(p)
        if existing is None:
            assert upload is not None
            mime_type = upload.content_type
            if not mime_type or mime_type == "application/octet-stream":  # Telegram guesses from the name
                mime_type = mimetypes.guess_type(upload.filename or "")[0] or mime_type
            existing = self._register_file(upload.data, kind=kind, mime_type=mime_type, file_name=upload.filename)
        media = {**existing.media_fields(), **extra(existing, upload)}
        message = self._store_bot_message(
            chat, p, caption=caption, caption_entities=entities, reply_markup=markup, **{kind: media}
        )
        return self._public(message)

    async def _api_sendDocument(self, p: Params) -> dict[str, Any]:
        def extra(stored: StoredFile, upload: Upload | None) -> dict[str, Any]:
            data = {"file_name": stored.file_name or "document", "mime_type": stored.mime_type or "application/octet-stream"}
            return data

        return await self._send_media(p, "document", extra)

    async def _api_sendVoice(self, p: Params) -> dict[str, Any]:
        return await self._send_media(
            p, "voice", lambda s, u: {"duration": p.get_int("duration", 1), "mime_type": s.mime_type or "audio/ogg"}
        )

    async def _api_sendVideo(self, p: Params) -> dict[str, Any]:
        return await self._send_media(
            p,
            "video",
            lambda s, u: {
                "width": p.get_int("width", 640),
                "height": p.get_int("height", 360),
                "duration": p.get_int("duration", 1),
                "mime_type": s.mime_type or "video/mp4",
            },
        )

    async def _api_sendSticker(self, p: Params) -> dict[str, Any]:
        return await self._send_media(
            p,
            "sticker",
            lambda s, u: {"type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False,
                          **({"emoji": p.get_str("emoji")} if p.has("emoji") else {})},
        )

    async def _api_sendLocation(self, p: Params) -> dict[str, Any]:
        chat = self._chat(p, send=True)
        latitude = p.get_float("latitude", required=True)
        longitude = p.get_float("longitude", required=True)
        assert latitude is not None and longitude is not None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise _bad("wrong latitude or longitude")
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        for key in ("horizontal_accuracy",):
            if p.has(key):
                location[key] = p.get_float(key)
        for key in ("live_period", "heading", "proximity_alert_radius"):
            if p.has(key):
                location[key] = p.get_int(key)
        message = self._store_bot_message(chat, p, location=location, reply_markup=self._markup(p))
        return self._public(message)

    async def _api_sendChatAction(self, p: Params) -> bool:
        chat = self._chat(p, send=True)
        action = p.get_str("action", required=True)
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self.chat_actions.append((chat["id"], action))
        self._pulse()
        return True

    # ---- API methods: editing & deleting --------------------------------------------------

    async def _api_editMessageText(self, p: Params) -> dict[str, Any]:
        message = self._editable(p)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        text = p.get_str("text") or ""
        if not text.strip():
            raise _bad("message text is empty")
        plain, entities = _format(text, p.get_str("parse_mode"), p.get_json("entities"))
        if utf16_len(plain) > 4096:
            raise _bad("message is too long")
        markup = self._markup(p, inline_only=True)
        return self._apply_edit("editMessageText", message, {"text": plain, "entities": entities}, markup)

    async def _api_editMessageCaption(self, p: Params) -> dict[str, Any]:
        message = self._editable(p)
        if not any(k in message for k in ("photo", "video", "document", "voice", "audio", "animation")):
            raise _bad("there is no caption in the message to edit")
        caption, entities = self._caption(p)
        markup = self._markup(p, inline_only=True)
        return self._apply_edit("editMessageCaption", message, {"caption": caption, "caption_entities": entities}, markup)

    async def _api_editMessageReplyMarkup(self, p: Params) -> dict[str, Any]:
        message = self._editable(p)
        markup = self._markup(p, inline_only=True)
        return self._apply_edit("editMessageReplyMarkup", message, {}, markup)

    async def _api_deleteMessage(self, p: Params) -> bool:
        chat = self._chat(p)
        message_id = p.get_int("message_id", required=True)
        message = self._messages.get(chat["id"], {}).pop(message_id, None)
        if message is None:
            raise _bad("message to delete not found")
        self.deleted.append(message)
        self._pulse()
        return True

    # ---- API methods: callbacks, commands, chats, files -----------------------------------

    async def _api_answerCallbackQuery(self, p: Params) -> bool:
        query_id = p.get_str("callback_query_id", required=True)
        assert query_id is not None
        if query_id not in self.callback_queries or query_id in self.callback_answers:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = p.get_str("text")
        if text is not None and len(text) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = {
            "text": text,
            "show_alert": p.get_bool("show_alert"),
            "url": p.get_str("url"),
            "cache_time": p.get_int("cache_time", 0),
        }
        self._pulse()
        return True

    @staticmethod
    def _commands_key(scope: Any, language_code: str | None) -> tuple[str, str]:
        if not scope:
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code or ""

    def my_commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, str]]:
        """The commands set with setMyCommands for ``scope`` (default scope) and ``language_code``."""
        return list(self.commands.get(self._commands_key(scope, language_code), []))

    async def _api_setMyCommands(self, p: Params) -> bool:
        commands = p.get_json("commands", required=True)
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        clean = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand JSON object")
            name, description = str(command.get("command", "")), str(command.get("description", ""))
            if not _COMMAND_NAME.fullmatch(name):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": description})
        self.commands[self._commands_key(p.get_json("scope"), p.get_str("language_code"))] = clean
        self._pulse()
        return True

    async def _api_deleteMyCommands(self, p: Params) -> bool:
        self.commands.pop(self._commands_key(p.get_json("scope"), p.get_str("language_code")), None)
        self._pulse()
        return True

    async def _api_getMyCommands(self, p: Params) -> list[dict[str, str]]:
        return self.my_commands(p.get_json("scope"), p.get_str("language_code") or "")

    async def _api_getChat(self, p: Params) -> dict[str, Any]:
        chat = self._chat(p)
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _api_getFile(self, p: Params) -> dict[str, Any]:
        file_id = p.get_str("file_id", required=True)
        stored = self.files.get(file_id or "")
        if stored is None:
            raise _bad("invalid file_id")
        if len(stored.data) > 20 * 1024 * 1024:
            raise _bad("file is too big")
        return stored.as_file()

    # ---- webhook delivery -----------------------------------------------------------------

    async def _webhook_loop(self) -> None:
        while not self._closing:
            event = self._pulse_event
            if not self.webhook_url:
                await event.wait()
                continue
            source = self._redeliveries if self._redeliveries else self._pending
            if not source:
                await event.wait()
                continue
            update = source[0]
            try:
                await self._deliver(update)
            except asyncio.CancelledError:
                raise
            except Exception:
                trace = traceback.format_exc()
                self.internal_errors.append(trace)
                log.error("BotAPIServer webhook delivery error:\n%s", trace)
            for queue in (self._redeliveries, self._pending):
                for index, item in enumerate(queue):
                    if item is update:
                        del queue[index]
                        break
            self._pulse()

    async def _deliver(self, update: dict[str, Any]) -> bool:
        assert self._http is not None
        url, secret = self.webhook_url, self.webhook_secret
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[SECRET_HEADER] = secret
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        for attempt in range(1, self.webhook_max_attempts + 1):
            entry: dict[str, Any] = {"update_id": update["update_id"], "url": url, "attempt": attempt}
            try:
                async with self._http.post(
                    url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=self.webhook_timeout)
                ) as response:
                    entry["status"] = response.status
                    if 200 <= response.status < 300:
                        entry["ok"] = True
                        self.webhook_deliveries.append(entry)
                        await self._webhook_reply(response)
                        return True
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                error = f"Connection failed: {type(exc).__name__}: {exc}"
                entry["status"] = None
            entry["ok"] = False
            entry["error"] = error
            self.webhook_deliveries.append(entry)
            self.webhook_last_error = (int(time.time()), error)
            self._pulse()
            if attempt < self.webhook_max_attempts:
                await asyncio.sleep(self.webhook_retry_delay * attempt)
        return False

    async def _webhook_reply(self, response: aiohttp.ClientResponse) -> None:
        """Execute a method returned in the webhook answer (JSON or multipart with a "method" field)."""
        values: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        if response.content_type == "multipart/form-data":
            reader = aiohttp.MultipartReader(response.headers, response.content)
            async for part in reader:
                if not isinstance(part, aiohttp.BodyPartReader) or not part.name:
                    continue
                if part.filename:
                    upload = Upload(bytes(await part.read(decode=True)), part.filename, part.headers.get("Content-Type"))
                    files[part.name] = upload
                    values[part.name] = upload
                else:
                    values[part.name] = await part.text()
        else:
            raw = await response.read()
            try:
                parsed = json.loads(raw) if raw.strip() else None
            except ValueError:
                return
            if isinstance(parsed, dict):
                values = parsed
        method = values.pop("method", None)
        if not isinstance(method, str) or not method:
            return

        async def params() -> Params:
            return Params(values, files, response.content_type)

        status, payload = await self._invoke(self.token, method, params, "webhook-reply")
        self.webhook_requests.append(RecordedRequest(method, {"status": status, **payload}, "webhook-reply", time.time()))
