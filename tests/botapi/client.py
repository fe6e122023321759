"""Test-side helpers that play Telegram users against a :class:`~tests.botapi.server.BotAPIServer`.

Everything here is mixed into ``BotAPIServer`` (as :class:`UserSimulator`), so tests write
``await server.send_text(user, "hi")`` and ``await server.wait_for_message(user.id)``.

The ``send_*`` / ``press*`` / ``edit_message`` coroutines never yield to the event loop: the update
is queued (or handed to the webhook deliverer) before the coroutine returns, and nothing the bot
does can happen between it and the next line of the test. So

    await server.send_text(user, "/start")
    reply = await server.wait_for_message(user.id)

cannot miss a fast reply (see :mod:`tests.botapi.watching`).
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from .chats import public
from .formatting import utf16_len
from .media import FAKE_MP4, FAKE_OGG, FAKE_PDF, FAKE_WEBP, TINY_JPEG
from .reading import buttons, inline_buttons, reply_keyboard
from .users import User
from .watching import ChatWatcher

__all__ = [
    "TINY_JPEG",
    "User",
    "UserSimulator",
    "buttons",
    "inline_buttons",
    "reply_keyboard",
    "utf16_len",
]

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def _command_entities(text: str) -> list[dict[str, Any]] | None:
    match = _COMMAND_RE.match(text)
    if not match:
        return None
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


class UserSimulator(ChatWatcher):
    """The user side of :class:`~tests.botapi.server.BotAPIServer` (mixed into it)."""

    # Shared by every server of the test process, as Telegram's ids are unique: the users of two
    # servers never collide in one Redis.
    _user_ids = itertools.count(100_001)
    _group_ids = itertools.count(1)
    _query_ids = itertools.count(4_611_686_018_427_387_001)

    # ---- users and chats -------------------------------------------------------------

    def user(self, first_name: str = "Test", *, username: str | None = None, language_code: str = "zh-hans",
             last_name: str | None = None) -> User:
        """A new user with a unique id (its private chat is registered with the server)."""
        user_id = next(self._user_ids)
        user = User(id=user_id, first_name=first_name,
                    username=username if username is not None else f"user{user_id}",
                    language_code=language_code, last_name=last_name)
        self.state.chats.register_user(user)
        return user

    def group(self, title: str = "Test group", *, chat_id: int | None = None,
              supergroup: bool = False) -> dict[str, Any]:
        """Register a group (``supergroup=True``: ids like -100…) the bot is a member of."""
        if chat_id is None:
            n = next(self._group_ids)
            chat_id = -(1_000_000_000_000 + 4_000_000_000 + n) if supergroup else -(4_000_000_000 + n)
        chat_type = "supergroup" if supergroup or str(chat_id).startswith("-100") else "group"
        chats = self.state.chats.chats
        chat = chats.get(chat_id) or {"id": chat_id, "type": chat_type, "title": title}
        chats[chat_id] = chat
        return chat

    def _default_group(self, chat_type: str) -> dict[str, Any]:
        for chat in self.state.chats.chats.values():
            if chat["type"] == chat_type and chat.get("title", "").startswith("Default "):
                return chat
        return self.group(f"Default {chat_type}", supergroup=chat_type == "supergroup")

    # ---- incoming messages -------------------------------------------------------------

    def _user_message(self, user: User, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        chats = self.state.chats
        chats.register_user(user)
        message: dict[str, Any] = {
            "message_id": chats.next_message_id(chat["id"]),
            "from": user.to_dict(),
            "chat": dict(chat),
            "date": int(time.time()),
        }
        message.update({key: value for key, value in content.items() if value is not None})
        chats.store(message)
        return message

    def _message_update(self, message: dict[str, Any], kind: str = "message") -> int:
        return self.state.updates.enqueue({kind: public(message)})

    async def send_text(self, user: User, text: str, chat_type: str = "private", *,
                        reply_to: dict[str, Any] | int | None = None) -> int:
        """The user types ``text`` (``/commands`` get a ``bot_command`` entity). Returns the update_id.

        ``chat_type="group"``/``"supergroup"`` writes into a default group instead of the private chat.
        """
        chat = user.chat if chat_type == "private" else self._default_group(chat_type)
        return self._text_update(user, chat, text, reply_to)

    async def send_group_text(self, user: User, group_chat_id: int, text: str) -> int:
        """The user writes ``text`` in the group ``group_chat_id`` (registered on first use)."""
        chat = self.state.chats.chats.get(group_chat_id) or self.group(chat_id=group_chat_id)
        return self._text_update(user, chat, text, None)

    def _text_update(self, user: User, chat: dict[str, Any], text: str, reply_to: Any) -> int:
        reply = None
        if reply_to is not None:
            reply_id = reply_to if isinstance(reply_to, int) else reply_to["message_id"]
            reply = self.state.chats.quoted(chat["id"], reply_id)
        message = self._user_message(user, chat, text=text, entities=_command_entities(text), reply_to_message=reply)
        return self._message_update(message)

    async def send_location(self, user: User, lat: float, lon: float) -> int:
        """The user shares a location (e.g. via a ``request_location`` reply button)."""
        message = self._user_message(user, user.chat, location={"latitude": lat, "longitude": lon})
        return self._message_update(message)

    async def send_live_location(self, user: User, lat: float, lon: float, live_period: int = 3600,
                                 at: float | None = None) -> int:
        """The user starts sharing a live location (at ``at``, epoch seconds: now by default); returns its
        message id (moves edit that message)."""
        location = {"latitude": lat, "longitude": lon, "live_period": live_period}
        message = self._user_message(user, user.chat, location=location)
        if at is not None:
            message["date"] = int(at)
        self._message_update(message)
        return int(message["message_id"])

    async def move_live_location(self, user: User, message_id: int, lat: float, lon: float,
                                 at: float | None = None) -> int:
        """The user's shared live location moves (at ``at``: now by default) → an ``edited_message``
        update, as Telegram sends them."""
        message = self._find_user_message(user, message_id)
        if "location" not in message:
            raise AssertionError(f"message {message_id} of user {user.id} is not a location")
        message["location"] = {**message["location"], "latitude": lat, "longitude": lon}
        message["edit_date"] = int(time.time() if at is None else at)
        return self._message_update(message, kind="edited_message")

    async def send_photo(self, user: User, caption: str | None = None, *, data: bytes = TINY_JPEG) -> int:
        """The user sends a photo; it is registered as three PhotoSize entries whose bytes download."""
        sizes = self.state.files.photo(data, [(90, 90), (320, 320), (800, 800)])
        return self._message_update(self._user_message(user, user.chat, photo=sizes, caption=caption))

    def _media(self, data: bytes, kind: str, file_type: str, file_name: str | None = None, /,
               **fields: Any) -> dict[str, Any]:
        """A file the user sends, as its message carries it: the file's fields, then ``fields``."""
        stored = self.state.files.register(data, kind=kind, mime_type=file_type, file_name=file_name)
        return {**stored.media_fields(), **fields}

    async def send_voice(self, user: User, duration: int = 2, *, data: bytes = FAKE_OGG) -> int:
        voice = self._media(data, "voice", "audio/ogg", duration=duration, mime_type="audio/ogg")
        return self._message_update(self._user_message(user, user.chat, voice=voice))

    async def send_sticker(self, user: User, emoji: str = "👍", *, set_name: str | None = "TestStickers") -> int:
        sticker = self._media(FAKE_WEBP, "sticker", "image/webp", type="regular", width=512, height=512,
                              is_animated=False, is_video=False, emoji=emoji)
        if set_name:
            sticker["set_name"] = set_name
        return self._message_update(self._user_message(user, user.chat, sticker=sticker))

    async def send_document(self, user: User, file_name: str = "document.pdf", *, mime_type: str = "application/pdf",
                            data: bytes = FAKE_PDF, caption: str | None = None) -> int:
        document = self._media(data, "document", mime_type, file_name, file_name=file_name, mime_type=mime_type)
        return self._message_update(self._user_message(user, user.chat, document=document, caption=caption))

    async def send_video(self, user: User, caption: str | None = None, duration: int = 3, *,
                         data: bytes = FAKE_MP4) -> int:
        video = self._media(data, "video", "video/mp4", width=640, height=360, duration=duration,
                            mime_type="video/mp4")
        return self._message_update(self._user_message(user, user.chat, video=video, caption=caption))

    async def edit_message(self, user: User, message_id: int, new_text: str) -> int:
        """The user edits their own earlier text message → an ``edited_message`` update."""
        message = self._find_user_message(user, message_id)
        if "text" not in message:
            raise AssertionError(f"message {message_id} of user {user.id} has no text to edit")
        message["text"] = new_text
        entities = _command_entities(new_text)
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)
        message["edit_date"] = int(time.time())
        self.state.pulse.wake()
        return self._message_update(message, kind="edited_message")

    def _find_user_message(self, user: User, message_id: int) -> dict[str, Any]:
        messages = self.state.chats.messages
        candidates = [messages.get(user.id, {}).get(message_id)] + [
            chat.get(message_id) for chat_id, chat in messages.items() if chat_id != user.id
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
        current = self.state.chats.message(chat_id, message_id)
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
            f"no inline button {button_text!r} on message #{current['message_id']}; buttons: {buttons(current)}"
        )

    async def press_raw(self, user: User, message: dict[str, Any] | int, data: str) -> str:
        """A callback query with arbitrary (possibly forged) ``data`` on ``message``."""
        current = self._current(message, user.id)
        self.state.chats.register_user(user)
        query_id = str(next(self._query_ids))
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "message": public(current),
            "chat_instance": str(abs(hash(("chat_instance", current["chat"]["id"]))) % 10**19),
            "data": data,
        }
        self.state.callback_queries[query_id] = query
        self.state.updates.enqueue({"callback_query": query})
        return query_id

    async def redeliver(self, update_id: int) -> None:
        """Deliver the very same update (same update_id) once more, as after a lost confirmation."""
        self.state.updates.redeliver(update_id)
