"""Methods that send a message: text, photo, other media, location; and chat actions."""

from __future__ import annotations

import copy
import mimetypes
import time
from collections.abc import Callable
from typing import Any

from ..chats import public
from ..errors import bad
from ..files import StoredFile
from ..formatting import format_text, read_caption, utf16_len
from ..markup import read_markup
from ..params import Params, Upload
from ..state import Handler, State

_CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}


def _reply_to(state: State, chat: dict[str, Any], p: Params) -> dict[str, Any] | None:
    parameters = p.get_json("reply_parameters")
    if isinstance(parameters, dict):
        message_id = parameters.get("message_id")
        allow = bool(parameters.get("allow_sending_without_reply"))
    else:
        message_id = p.get_int("reply_to_message_id")
        allow = p.get_bool("allow_sending_without_reply")
    if not message_id:
        return None
    quoted = state.chats.quoted(chat["id"], int(message_id))
    if quoted is None and not allow:
        raise bad("message to be replied not found")
    return quoted


def store_bot_message(state: State, chat: dict[str, Any], p: Params, **content: Any) -> dict[str, Any]:
    """A message from the bot, kept as live state and in ``sent``; content given as None is left out.
    Returns it as the API answers."""
    reply = _reply_to(state, chat, p)
    message: dict[str, Any] = {
        "message_id": state.chats.next_message_id(chat["id"]),
        "from": dict(state.bot_user),
        "chat": dict(chat),
        "date": int(time.time()),
    }
    if reply is not None:
        message["reply_to_message"] = reply
    if p.has("message_thread_id"):
        message["message_thread_id"] = p.get_int("message_thread_id")
    message.update({key: value for key, value in content.items() if value is not None})
    state.chats.store(message)
    state.sent.append(message)
    state.pulse.wake()
    return public(message)


async def send_message(state: State, p: Params) -> dict[str, Any]:
    chat = state.chats.resolve(p, send=True)
    text = p.get_str("text") or ""
    if not text.strip():
        raise bad("message text is empty")
    plain, entities = format_text(text, p.get_str("parse_mode"), p.get_json("entities"))
    if not plain.strip():
        raise bad("message text is empty")
    if utf16_len(plain) > 4096:
        raise bad("message is too long")
    return store_bot_message(state, chat, p, text=plain, entities=entities, reply_markup=read_markup(p))


async def send_photo(state: State, p: Params) -> dict[str, Any]:
    chat = state.chats.resolve(p, send=True)
    existing, upload = state.files.input_file(p, "photo", "photo")
    caption, entities = read_caption(p)
    markup = read_markup(p)
    if existing is not None:
        sizes = copy.deepcopy(existing.photo_sizes) or [{**existing.media_fields(), "width": 90, "height": 90}]
    else:
        assert upload is not None
        sizes = state.files.uploaded_photo(upload.data)
    return store_bot_message(state, chat, p, photo=sizes, caption=caption, caption_entities=entities,
                             reply_markup=markup, has_media_spoiler=p.get_bool("has_spoiler") or None)


Extra = Callable[[StoredFile, Params], dict[str, Any]]


async def _send_media(state: State, p: Params, kind: str, extra: Extra) -> dict[str, Any]:
    chat = state.chats.resolve(p, send=True)
    existing, upload = state.files.input_file(p, kind, kind)
    caption, entities = read_caption(p) if kind != "sticker" else (None, None)
    markup = read_markup(p)
    if existing is None:
        assert upload is not None
        existing = _register_upload(state, upload, kind)
    media = {**existing.media_fields(), **extra(existing, p)}
    return store_bot_message(state, chat, p, caption=caption, caption_entities=entities, reply_markup=markup,
                             **{kind: media})


def _register_upload(state: State, upload: Upload, kind: str) -> StoredFile:
    mime_type = upload.content_type
    if not mime_type or mime_type == "application/octet-stream":  # Telegram guesses from the name
        mime_type = mimetypes.guess_type(upload.filename or "")[0] or mime_type
    return state.files.register(upload.data, kind=kind, mime_type=mime_type, file_name=upload.filename)


def _document(stored: StoredFile, p: Params) -> dict[str, Any]:
    return {"file_name": stored.file_name or "document", "mime_type": stored.mime_type or "application/octet-stream"}


def _voice(stored: StoredFile, p: Params) -> dict[str, Any]:
    return {"duration": p.get_int("duration", 1), "mime_type": stored.mime_type or "audio/ogg"}


def _video(stored: StoredFile, p: Params) -> dict[str, Any]:
    return {"width": p.get_int("width", 640), "height": p.get_int("height", 360),
            "duration": p.get_int("duration", 1), "mime_type": stored.mime_type or "video/mp4"}


def _sticker(stored: StoredFile, p: Params) -> dict[str, Any]:
    return {"type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False,
            **({"emoji": p.get_str("emoji")} if p.has("emoji") else {})}


def _media_method(kind: str, extra: Extra) -> Handler:
    async def send(state: State, p: Params) -> dict[str, Any]:
        return await _send_media(state, p, kind, extra)

    return send


async def send_location(state: State, p: Params) -> dict[str, Any]:
    chat = state.chats.resolve(p, send=True)
    latitude = p.get_float("latitude", required=True)
    longitude = p.get_float("longitude", required=True)
    assert latitude is not None and longitude is not None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad("wrong latitude or longitude")
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    if p.has("horizontal_accuracy"):
        location["horizontal_accuracy"] = p.get_float("horizontal_accuracy")
    for key in ("live_period", "heading", "proximity_alert_radius"):
        if p.has(key):
            location[key] = p.get_int(key)
    return store_bot_message(state, chat, p, location=location, reply_markup=read_markup(p))


async def send_chat_action(state: State, p: Params) -> bool:
    chat = state.chats.resolve(p, send=True)
    action = p.get_str("action", required=True)
    if action is None or action not in _CHAT_ACTIONS:
        raise bad("wrong parameter action in request")
    state.chat_actions.append((chat["id"], action))
    state.pulse.wake()
    return True


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": _media_method("document", _document),
    "sendVoice": _media_method("voice", _voice),
    "sendVideo": _media_method("video", _video),
    "sendSticker": _media_method("sticker", _sticker),
    "sendLocation": send_location,
    "sendChatAction": send_chat_action,
}
