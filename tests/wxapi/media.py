"""Temporary media (临时素材): what ``media/get`` serves and ``media/upload`` stores, on both APIs.

One store for both APIs (a test server need not keep them apart). ``media/get`` answers the bytes
with ``Content-Type`` and ``Content-disposition: attachment; filename="…"`` as WeChat does, and
a JSON 40007 for an unknown media_id.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import INVALID_FILE_TYPE, INVALID_MEDIA_ID, WxError, bad_format

if TYPE_CHECKING:
    from .app import Call
    from .state import State

MEDIA_TYPES = {"image", "voice", "video", "file", "thumb"}
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "audio/amr": "amr", "audio/mpeg": "mp3",
               "video/mp4": "mp4"}


@dataclass(frozen=True)
class Media:
    media_id: str
    data: bytes
    content_type: str
    filename: str
    kind: str
    created_at: int


def looks_like_image(data: bytes) -> bool:
    return data.startswith((b"\xff\xd8", b"\x89PNG", b"GIF8", b"BM"))


class MediaStore:
    """Media by id."""

    def __init__(self) -> None:
        self.items: dict[str, Media] = {}

    def add(self, data: bytes, content_type: str = "image/jpeg", *, kind: str = "image",
            filename: str | None = None, created_at: int = 0) -> str:
        media_id = secrets.token_urlsafe(48)
        name = filename or f"{media_id[:16]}.{_EXTENSIONS.get(content_type, 'bin')}"
        self.items[media_id] = Media(media_id, data, content_type, name, kind, created_at)
        return media_id


async def media_get(state: State, call: Call) -> web.StreamResponse:
    media = state.media.items.get(call.query.get("media_id", ""))
    if media is None:
        raise WxError(INVALID_MEDIA_ID)
    headers = {"Content-disposition": f'attachment; filename="{media.filename}"'}
    return web.Response(body=media.data, content_type=media.content_type, headers=headers)


async def media_upload(state: State, call: Call) -> dict[str, Any]:
    kind = call.query.get("type", "")
    if kind not in MEDIA_TYPES:
        raise WxError(INVALID_FILE_TYPE, f"type {kind!r}")
    if call.upload is None:
        raise bad_format("multipart field 'media' missing")
    data, filename, content_type = call.upload
    if kind == "image" and not looks_like_image(data):
        raise WxError(INVALID_FILE_TYPE, "not an image")
    now = int(state.clock())
    media_id = state.media.add(data, content_type, kind=kind, filename=filename, created_at=now)
    created: int | str = now if call.api == "wechat" else str(now)  # WeCom quotes it
    answer: dict[str, Any] = {"type": kind, "media_id": media_id, "created_at": created}
    return answer if call.api == "wechat" else {"errcode": 0, "errmsg": "ok", **answer}
