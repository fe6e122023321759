"""Test-side helpers that play Telegram users against a :class:`~tests.botapi.server.BotAPIServer`.

Everything here is mixed into ``BotAPIServer`` (as :class:`UserSimulator`), so tests write
``await server.send_text(user, "hi")`` and ``await server.wait_for_message(user.id)``.

The ``send_*`` / ``press*`` / ``edit_message`` coroutines never yield to the event loop: the update
is queued (or handed to the webhook deliverer) before the coroutine returns, and nothing the bot
does can happen between it and the next line of the test. So

    await server.send_text(user, "/start")
    reply = await server.wait_for_message(user.id)

cannot miss a fast reply: ``wait_for_message`` only accepts messages newer than the newest
message of the chat at the moment it is called (the user's own message included).
"""

from __future__ import annotations

import itertools
import re
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .server import StoredFile

__all__ = [
    "TINY_JPEG",
    "User",
    "UserSimulator",
    "buttons",
    "inline_buttons",
    "reply_keyboard",
    "utf16_len",
]


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


# A complete baseline JPEG: 8x8 pixels, one grey component, every pixel 128 (checked with djpeg).
# One-code Huffman tables make the whole scan a single byte: DC diff "0", EOB "0", padded with 1s.
TINY_JPEG: bytes = (
    b"\xff\xd8"
    + _jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    + _jpeg_segment(0xDB, b"\x00" + b"\x01" * 64)
    + _jpeg_segment(0xC0, b"\x08" + struct.pack(">HH", 8, 8) + b"\x01" + b"\x01\x11\x00")
    + _jpeg_segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")
    + _jpeg_segment(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00")
    + _jpeg_segment(0xDA, b"\x01" + b"\x01\x00" + b"\x00\x3f\x00")
    + b"\x3f"
    + b"\xff\xd9"
)

FAKE_OGG: bytes = b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead\x01\x01" + b"\x00" * 10
FAKE_WEBP: bytes = b"RIFF" + struct.pack("<I", 22) + b"WEBPVP8L" + struct.pack("<I", 10) + b"\x2f" + b"\x00" * 9
FAKE_MP4: bytes = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 16
FAKE_PDF: bytes = b"%PDF-1.4\n%gridbot test document\n%%EOF\n"

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_PREDICATE_ERRORS = (KeyError, TypeError, AttributeError, IndexError)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class User:
    """A Telegram user played by the test. Its private chat with the bot has ``chat_id == id``."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str = "zh-hans"
    last_name: str | None = None
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    @property
    def chat(self) -> dict[str, Any]:
        """The private chat between this user and the bot."""
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


# --------------------------------------------------------------------------- reading helpers


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


def _chat_id_of(chat: int | str | User | dict[str, Any]) -> int:
    if isinstance(chat, User):
        return chat.id
    if isinstance(chat, dict):
        return int(chat["chat"]["id"] if "chat" in chat else chat["id"])
    return int(chat)


def _safe(predicate: Callable[[dict[str, Any]], Any] | None, message: dict[str, Any]) -> bool:
    if predicate is None:
        return True
    try:
        return bool(predicate(message))
    except _PREDICATE_ERRORS:
        return False


def describe_message(message: dict[str, Any], bot_id: int | None = None) -> str:
    sender = "bot " if bot_id is not None and message.get("from", {}).get("id") == bot_id else "user"
    parts = [f"#{message['message_id']} {sender}"]
    if "text" in message:
        parts.append(repr(message["text"]))
    if "photo" in message:
        parts.append("[photo]")
    for kind in ("location", "voice", "video", "document", "sticker"):
        if kind in message:
            parts.append(f"[{kind}]")
    if message.get("caption"):
        parts.append(f"caption={message['caption']!r}")
    if inline_buttons(message):
        parts.append(f"buttons={buttons(message)}")
    if reply_keyboard(message):
        parts.append(f"keyboard={[b.get('text') for b in reply_keyboard(message)]}")
    if message.get("edit_date"):
        parts.append("(edited)")
    return " ".join(parts)


# --------------------------------------------------------------------------- the mixin


class UserSimulator:
    """User-side behaviour of :class:`~tests.botapi.server.BotAPIServer` (mixed into it)."""

    # Provided by BotAPIServer; declared for readers and type checkers.
    bot_id: int
    chats: dict[int, dict[str, Any]]
    users: dict[int, User]
    updates: dict[int, dict[str, Any]]
    callback_queries: dict[str, dict[str, Any]]
    callback_answers: dict[str, dict[str, Any]]
    edits: list[dict[str, Any]]
    _messages: dict[int, dict[int, dict[str, Any]]]
    _redeliveries: list[dict[str, Any]]

    _user_ids = itertools.count(100_001)
    _group_ids = itertools.count(1)
    _query_ids = itertools.count(4_611_686_018_427_387_001)

    # ---- users and chats -------------------------------------------------------------

    def user(
        self,
        first_name: str = "Test",
        *,
        username: str | None = None,
        language_code: str = "zh-hans",
        last_name: str | None = None,
    ) -> User:
        """A new user with a unique id (its private chat is registered with the server)."""
        user_id = next(self._user_ids)
        user = User(
            id=user_id,
            first_name=first_name,
            username=username if username is not None else f"user{user_id}",
            language_code=language_code,
            last_name=last_name,
        )
        self._register_user(user)
        return user

    def group(self, title: str = "Test group", *, chat_id: int | None = None, supergroup: bool = False) -> dict[str, Any]:
        """Register a group (``supergroup=True``: ids like -100…) the bot is a member of."""
        if chat_id is None:
            n = next(self._group_ids)
            chat_id = -(1_000_000_000_000 + 4_000_000_000 + n) if supergroup else -(4_000_000_000 + n)
        chat_type = "supergroup" if supergroup or str(chat_id).startswith("-100") else "group"
        chat = self.chats.get(chat_id) or {"id": chat_id, "type": chat_type, "title": title}
        self.chats[chat_id] = chat
        return chat

    def _register_user(self, user: User) -> None:
        self.users[user.id] = user
        self.chats.setdefault(user.id, user.chat)

    def _default_group(self, chat_type: str) -> dict[str, Any]:
        for chat in self.chats.values():
            if chat["type"] == chat_type and chat.get("title", "").startswith("Default "):
                return chat
        return self.group(f"Default {chat_type}", supergroup=chat_type == "supergroup")

    # ---- incoming messages -------------------------------------------------------------

    def _user_message(self, user: User, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        self._register_user(user)
        chat_id = chat["id"]
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),  # type: ignore[attr-defined]
            "from": user.to_dict(),
            "chat": dict(chat),
            "date": int(time.time()),
        }
        message.update({key: value for key, value in content.items() if value is not None})
        self._messages.setdefault(chat_id, {})[message["message_id"]] = message
        return message

    def _message_update(self, message: dict[str, Any], kind: str = "message") -> int:
        return self._enqueue({kind: self._public(message)})  # type: ignore[attr-defined]

    @staticmethod
    def _text_entities(text: str) -> list[dict[str, Any]] | None:
        match = _COMMAND_RE.match(text)
        if not match:
            return None
        return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]

    async def send_text(
        self,
        user: User,
        text: str,
        chat_type: str = "private",
        *,
        reply_to: dict[str, Any] | int | None = None,
    ) -> int:
        """The user types ``text`` (``/commands`` get a ``bot_command`` entity). Returns the update_id.

        ``chat_type="group"``/``"supergroup"`` writes into a default group instead of the private chat.
        """
        chat = user.chat if chat_type == "private" else self._default_group(chat_type)
        return self._text_update(user, chat, text, reply_to)

    async def send_group_text(self, user: User, group_chat_id: int, text: str) -> int:
        """The user writes ``text`` in the group ``group_chat_id`` (registered on first use)."""
        chat = self.chats.get(group_chat_id) or self.group(chat_id=group_chat_id)
        return self._text_update(user, chat, text, None)

    def _text_update(self, user: User, chat: dict[str, Any], text: str, reply_to: Any) -> int:
        reply = None
        if reply_to is not None:
            reply_id = reply_to if isinstance(reply_to, int) else reply_to["message_id"]
            original = self._messages.get(chat["id"], {}).get(reply_id)
            if original is not None:
                reply = {k: v for k, v in self._public(original).items() if k != "reply_to_message"}  # type: ignore[attr-defined]
        message = self._user_message(
            user, chat, text=text, entities=self._text_entities(text), reply_to_message=reply
        )
        return self._message_update(message)

    async def send_location(self, user: User, lat: float, lon: float) -> int:
        """The user shares a location (e.g. via a ``request_location`` reply button)."""
        message = self._user_message(user, user.chat, location={"latitude": lat, "longitude": lon})
        return self._message_update(message)

    async def send_photo(self, user: User, caption: str | None = None, *, data: bytes = TINY_JPEG) -> int:
        """The user sends a photo; it is registered as three PhotoSize entries whose bytes download."""
        sizes = []
        for width, height in ((90, 90), (320, 320), (800, 800)):
            stored = self._register_file(data, kind="photo", mime_type="image/jpeg")  # type: ignore[attr-defined]
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(data),
                    "width": width,
                    "height": height,
                }
            )
        for size in sizes:
            self.files[size["file_id"]].photo_sizes = sizes  # type: ignore[attr-defined]
        message = self._user_message(user, user.chat, photo=sizes, caption=caption)
        return self._message_update(message)

    async def send_voice(self, user: User, duration: int = 2, *, data: bytes = FAKE_OGG) -> int:
        stored: StoredFile = self._register_file(data, kind="voice", mime_type="audio/ogg")  # type: ignore[attr-defined]
        voice = {**stored.media_fields(), "duration": duration, "mime_type": "audio/ogg"}
        return self._message_update(self._user_message(user, user.chat, voice=voice))

    async def send_sticker(self, user: User, emoji: str = "👍", *, set_name: str | None = "TestStickers") -> int:
        stored: StoredFile = self._register_file(FAKE_WEBP, kind="sticker", mime_type="image/webp")  # type: ignore[attr-defined]
        sticker = {
            **stored.media_fields(),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        if set_name:
            sticker["set_name"] = set_name
        return self._message_update(self._user_message(user, user.chat, sticker=sticker))

    async def send_document(
        self,
        user: User,
        file_name: str = "document.pdf",
        *,
        mime_type: str = "application/pdf",
        data: bytes = FAKE_PDF,
        caption: str | None = None,
    ) -> int:
        stored: StoredFile = self._register_file(data, kind="document", mime_type=mime_type, file_name=file_name)  # type: ignore[attr-defined]
        document = {**stored.media_fields(), "file_name": file_name, "mime_type": mime_type}
        return self._message_update(self._user_message(user, user.chat, document=document, caption=caption))

    async def send_video(self, user: User, caption: str | None = None, duration: int = 3, *, data: bytes = FAKE_MP4) -> int:
        stored: StoredFile = self._register_file(data, kind="video", mime_type="video/mp4")  # type: ignore[attr-defined]
        video = {**stored.media_fields(), "width": 640, "height": 360, "duration": duration, "mime_type": "video/mp4"}
        return self._message_update(self._user_message(user, user.chat, video=video, caption=caption))

    async def edit_message(self, user: User, message_id: int, new_text: str) -> int:
        """The user edits their own earlier text message → an ``edited_message`` update."""
        message = self._find_user_message(user, message_id)
        if "text" not in message:
            raise AssertionError(f"message {message_id} of user {user.id} has no text to edit")
        message["text"] = new_text
        entities = self._text_entities(new_text)
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)
        message["edit_date"] = int(time.time())
        self._pulse()  # type: ignore[attr-defined]
        return self._message_update(message, kind="edited_message")

    def _find_user_message(self, user: User, message_id: int) -> dict[str, Any]:
        candidates = [self._messages.get(user.id, {}).get(message_id)] + [
            chat.get(message_id) for chat_id, chat in self._messages.items() if chat_id != user.id
        ]
        for message in candidates:
            if message is not None and message.get("from", {}).get("id") == user.id:
                return message
        raise AssertionError(f"user {user.id} has no message {message_id}")

    # ---- inline buttons -----------------------------------------------------------------

    def _current(self, message: dict[str, Any] | int, default_chat: int) -> dict[str, Any]:
        if isinstance(message, int):
            chat_id, message_id = default_chat, message
        else:
            chat_id, message_id = message["chat"]["id"], message["message_id"]
        current = self._messages.get(chat_id, {}).get(message_id)
        if current is None:
            raise AssertionError(f"message {message_id} in chat {chat_id} does not exist (deleted?)")
        return current

    async def press(self, user: User, message: dict[str, Any] | int, button_text: str) -> str:
        """Press the inline button labelled ``button_text`` on ``message`` (its current version).

        ``message`` is a message dict or a message_id in the user's private chat. Returns the
        callback query id; what the bot answers lands in ``server.callback_answers[query_id]``.
        """
        current = self._current(message, user.id)
        for button in inline_buttons(current):
            if button.get("text") == button_text:
                if "callback_data" not in button:
                    raise AssertionError(f"button {button_text!r} has no callback_data: {button}")
                return await self.press_raw(user, current, button["callback_data"])
        raise AssertionError(
            f"no inline button {button_text!r} on message #{current['message_id']}; "
            f"buttons: {buttons(current)}"
        )

    async def press_latest(self, user: User, button_text: str, *, chat_id: int | None = None) -> str:
        """Press ``button_text`` on the newest bot message in the user's chat that has such a button."""
        target = user.id if chat_id is None else chat_id
        for message in reversed(self.messages_to(target)):
            if button_text in buttons(message):
                return await self.press(user, message, button_text)
        raise AssertionError(
            f"no bot message in chat {target} has an inline button {button_text!r}; recent:\n"
            + self.describe_chat(target)
        )

    async def press_raw(self, user: User, message: dict[str, Any] | int, data: str) -> str:
        """A callback query with arbitrary (possibly forged) ``data`` on ``message``."""
        current = self._current(message, user.id)
        self._register_user(user)
        query_id = str(next(self._query_ids))
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "message": self._public(current),  # type: ignore[attr-defined]
            "chat_instance": str(abs(hash(("chat_instance", current["chat"]["id"]))) % 10**19),
            "data": data,
        }
        self.callback_queries[query_id] = query
        self._enqueue({"callback_query": query})  # type: ignore[attr-defined]
        return query_id

    # ---- redelivery ---------------------------------------------------------------------

    async def redeliver(self, update_id: int) -> None:
        """Deliver the very same update (same update_id) once more, as after a lost confirmation."""
        if update_id not in self.updates:
            raise AssertionError(f"unknown update_id {update_id}")
        self._redeliveries.append(self.updates[update_id])
        self._pulse()  # type: ignore[attr-defined]

    # ---- reading what the bot sent -------------------------------------------------------

    def messages_to(self, chat: int | User | dict[str, Any]) -> list[dict[str, Any]]:
        """Live (edits applied, deleted ones gone) bot messages in a chat, oldest first."""
        chat_id = _chat_id_of(chat)
        return [
            message
            for _, message in sorted(self._messages.get(chat_id, {}).items())
            if message.get("from", {}).get("id") == self.bot_id
        ]

    def messages_from(self, user: User, chat: int | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The user's own messages (as sent in updates, edits applied) in a chat (default: private)."""
        chat_id = user.id if chat is None else _chat_id_of(chat)
        return [
            message
            for _, message in sorted(self._messages.get(chat_id, {}).items())
            if message.get("from", {}).get("id") == user.id
        ]

    def last_message_to(self, chat: int | User | dict[str, Any]) -> dict[str, Any] | None:
        messages = self.messages_to(chat)
        return messages[-1] if messages else None

    def describe_chat(self, chat: int | User | dict[str, Any], last: int = 10) -> str:
        chat_id = _chat_id_of(chat)
        messages = [m for _, m in sorted(self._messages.get(chat_id, {}).items())][-last:]
        if not messages:
            return "  (no messages)"
        return "\n".join("  " + describe_message(m, self.bot_id) for m in messages)

    def _baseline(self, chat_id: int, after: int | dict[str, Any] | None) -> int:
        if after is None:
            return self._message_seq.get(chat_id, 0)  # type: ignore[attr-defined]
        return after if isinstance(after, int) else int(after["message_id"])

    async def wait_for_message(
        self,
        chat: int | User | dict[str, Any],
        predicate: Callable[[dict[str, Any]], Any] | None = None,
        timeout: float = 5.0,
        *,
        after: int | dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The first bot message newer than the chat's newest message at call time (or than ``after``)
        that matches ``predicate``. A predicate raising KeyError/TypeError counts as "no match"."""
        return (await self.wait_for_messages(chat, 1, timeout, predicate=predicate, after=after))[0]

    async def wait_for_messages(
        self,
        chat: int | User | dict[str, Any],
        count: int,
        timeout: float = 5.0,
        *,
        predicate: Callable[[dict[str, Any]], Any] | None = None,
        after: int | dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """The first ``count`` new matching bot messages (see :meth:`wait_for_message`)."""
        chat_id = _chat_id_of(chat)
        baseline = self._baseline(chat_id, after)

        def check() -> list[dict[str, Any]] | None:
            found = [
                m for m in self.messages_to(chat_id) if m["message_id"] > baseline and _safe(predicate, m)
            ]
            return found[:count] if len(found) >= count else None

        result = await self._wait_for(check, timeout)  # type: ignore[attr-defined]
        if result is None:
            raise AssertionError(
                f"expected {count} new bot message(s) in chat {chat_id}"
                f"{' matching the predicate' if predicate else ''} within {timeout}s "
                f"(after message #{baseline}); recent messages:\n{self.describe_chat(chat_id)}"
            )
        return result

    async def wait_for_edit(
        self,
        chat: int | User | dict[str, Any],
        message_id: int | dict[str, Any],
        predicate: Callable[[dict[str, Any]], Any] | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """The (live) message once it has been edited.

        With a ``predicate``: as soon as the message has been edited at least once (ever) and now
        matches it — so an edit that happened while the test awaited something else still counts.
        Without one: the first edit made after this call.
        """
        chat_id = _chat_id_of(chat)
        mid = message_id if isinstance(message_id, int) else int(message_id["message_id"])
        baseline = len(self.edits_of(chat_id, mid)) if predicate is None else 0

        def check() -> dict[str, Any] | None:
            message = self._messages.get(chat_id, {}).get(mid)
            if message is None or len(self.edits_of(chat_id, mid)) <= baseline:
                return None
            return message if _safe(predicate, message) else None

        result = await self._wait_for(check, timeout)  # type: ignore[attr-defined]
        if result is None:
            raise AssertionError(
                f"message #{mid} in chat {chat_id} was not edited as expected within {timeout}s; "
                f"edits: {[e['after'].get('text', e['after'].get('caption')) for e in self.edits_of(chat_id, mid)]}"
                f"\nrecent messages:\n{self.describe_chat(chat_id)}"
            )
        return result

    def edits_of(self, chat_id: int, message_id: int) -> list[dict[str, Any]]:
        return [e for e in self.edits if e["chat_id"] == chat_id and e["message_id"] == message_id]

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """What the bot passed to answerCallbackQuery for ``query_id`` (text, show_alert, url, cache_time)."""
        result = await self._wait_for(lambda: self.callback_answers.get(query_id), timeout)  # type: ignore[attr-defined]
        if result is None:
            raise AssertionError(f"callback query {query_id} was not answered within {timeout}s")
        return result

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
        """Wait until ``condition()`` is truthy (re-checked on every server event); return its value."""
        result = await self._wait_for(lambda: condition() or None, timeout)  # type: ignore[attr-defined]
        if result is None:
            raise AssertionError(f"{what} not met within {timeout}s")
        return result
