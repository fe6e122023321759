"""Files the server holds (uploaded by the bot or sent by users), with Telegram-like ids and paths."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from typing import Any

from .errors import bad
from .media import TINY_JPEG, image_size
from .params import Params, Upload

_KINDS = {
    # kind: (file_id prefix, folder, default extension)
    "photo": ("AgACAgIAAxkBAAI", "photos", "jpg"),
    "voice": ("AwACAgIAAxkBAAI", "voice", "oga"),
    "document": ("BQACAgIAAxkBAAI", "documents", "bin"),
    "video": ("BAACAgIAAxkBAAI", "videos", "mp4"),
    "sticker": ("CAACAgIAAxkBAAI", "stickers", "webp"),
}

# What a file sent by URL "downloads" as.
_PLACEHOLDER_BYTES = {"photo": TINY_JPEG, "sticker": b"RIFF\x00\x00\x00\x00WEBP", "voice": b"OggS",
                      "video": b"\x00\x00\x00\x18ftypmp42"}

_PHOTO_SIDES = (90, 320, 800, 1280)  # the longest side of the sizes Telegram makes of a photo, then the original


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
        """The answer of getFile."""
        return {**self.media_fields(), "file_path": self.file_path}


class FileStore:
    """Every file by file_id."""

    def __init__(self) -> None:
        self.files: dict[str, StoredFile] = {}
        self._seq = itertools.count(1)

    def register(
        self, data: bytes, *, kind: str, mime_type: str | None = None, file_name: str | None = None
    ) -> StoredFile:
        prefix, folder, ext = _KINDS[kind]
        n = next(self._seq)
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

    def photo(self, data: bytes, dimensions: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """One PhotoSize per (width, height), each a file of ``data``; every one knows the whole set."""
        sizes = []
        for width, height in dimensions:
            stored = self.register(data, kind="photo", mime_type="image/jpeg")
            sizes.append({**stored.media_fields(), "width": width, "height": height})
        for entry in sizes:
            self.files[entry["file_id"]].photo_sizes = sizes
        return sizes

    def uploaded_photo(self, data: bytes) -> list[dict[str, Any]]:
        """The PhotoSizes Telegram makes of an uploaded image; IMAGE_PROCESS_FAILED if it is none."""
        size = image_size(data)
        if size is None or not all(size):
            raise bad("IMAGE_PROCESS_FAILED")
        width, height = size
        longest = max(width, height)
        scales = [side / longest for side in _PHOTO_SIDES if side < longest] + [min(longest, 2560) / longest]
        return self.photo(data, [(max(1, round(width * scale)), max(1, round(height * scale))) for scale in scales])

    def by_path(self, path: str) -> StoredFile | None:
        return next((stored for stored in self.files.values() if stored.file_path == path), None)

    def input_file(self, p: Params, name: str, kind: str) -> tuple[StoredFile | None, Upload | None]:
        """(existing file, None) for a file_id, or (None, upload) for a multipart upload or a URL."""
        value = p.raw(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = p.files.get(value.removeprefix("attach://"))
        if value is None:
            raise bad(f"there is no {name} in the request")
        if isinstance(value, Upload):
            if not value.data:
                raise bad("file must be non-empty")
            return None, value
        if not isinstance(value, str):
            raise bad(f"wrong type of the {name} parameter")
        if value.startswith(("http://", "https://")):
            data = _PLACEHOLDER_BYTES.get(kind, b"downloaded " + value.encode())
            return None, Upload(data, value.rsplit("/", 1)[-1] or None, None)
        stored = self.files.get(value)
        if stored is None:
            raise bad("wrong file identifier/HTTP URL specified")
        if stored.kind != kind and not (kind == "document" and stored.kind != "photo"):
            raise bad(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored, None
