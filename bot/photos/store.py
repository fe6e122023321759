"""Residents' uploaded photos: validated, re-encoded without metadata, stored privately, opened by reference.

An upload is decoded in full with Pillow before anything is stored, so a file that only starts like a
JPEG is refused, and so is one whose header promises more pixels than a phone takes (a decompression
bomb). What is stored is a new JPEG: turned upright as its EXIF orientation says, its longest edge at
most ``max_edge`` pixels, and with no metadata at all (EXIF, GPS location, comments, colour profiles).
Files are ``web:NAME`` references in tickets; the directory is ``0700`` and every file ``0600``.
A photo is not kept when it would leave less than ``keep_free`` bytes free on the disk: uploads alone
must never fill the disk that Redis (in the same data dir) writes its tickets to.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import struct
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_EDGE = 2560
MAX_PIXELS = 50_000_000  # more than any phone's photo; Pillow's own bomb warning starts at 89 M
JPEG_QUALITY = 85
KEEP_FREE_BYTES = 1024**3  # GRIDBOT_UPLOADS_KEEP_FREE: room left for Redis, logs and the OS
REENCODING_AT_ONCE = 2  # decoding a large photo takes a core and up to a few hundred MB
REFERENCE_PREFIX = "web:"
# Uploads stored before re-encoding kept their own type; they are still found and served.
NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp)")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
SIGNATURES = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG", b"RIFF": "WEBP"}
# Pillow's decoders raise any of these on hostile or truncated input.
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error)


class PhotoRefusal(StrEnum):
    """Why an upload was not stored."""

    TOO_LARGE = "too_large"  # more bytes than MAX_UPLOAD_BYTES
    NOT_A_PHOTO = "not_a_photo"  # not JPEG, PNG or WebP
    BROKEN = "broken"  # looks like one, but does not decode
    TOO_MANY_PIXELS = "too_many_pixels"  # a decompression bomb, or a panorama beyond MAX_PIXELS
    NO_ROOM = "no_room"  # keeping it would leave less than keep_free bytes free on the disk


@dataclass(frozen=True)
class StoredPhoto:
    """A photo on disk: its reference in tickets, its file and its size in bytes."""

    reference: str
    path: Path
    size: int

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.path.suffix.lstrip(".")]


def photo_name(reference: str | None) -> str | None:
    """The file name of a well-formed ``web:NAME`` reference (None for anything else)."""
    if reference is None or not reference.startswith(REFERENCE_PREFIX):
        return None
    name = reference[len(REFERENCE_PREFIX):]
    return name if NAME.fullmatch(name) else None


def sniff(data: bytes) -> str | None:
    """The Pillow format an upload claims to be by its first bytes: JPEG, PNG, WEBP, or None."""
    kind = next((fmt for magic, fmt in SIGNATURES.items() if data.startswith(magic)), None)
    if kind == "WEBP" and data[8:12] != b"WEBP":
        return None
    return kind


def reencode(data: bytes, max_edge: int = MAX_EDGE, max_pixels: int = MAX_PIXELS) -> bytes | PhotoRefusal:
    """``data`` decoded in full, upright, at most ``max_edge`` px long, as a JPEG without metadata."""
    kind = sniff(data)
    if kind is None:
        return PhotoRefusal.NOT_A_PHOTO
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            width, height = image.size
            if width * height > max_pixels:  # checked on the header, before a pixel is decoded
                return PhotoRefusal.TOO_MANY_PIXELS
            if kind == "JPEG":  # let the decoder scale down by 1/2…1/8 itself: far less memory and time
                image.draft("RGB", (max_edge, max_edge))
            image.load()
            upright = ImageOps.exif_transpose(image)
            flat = _on_white(upright)
            flat.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
            flat.info.clear()  # a JPEG comment would otherwise be written again
            out = io.BytesIO()
            flat.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except Image.DecompressionBombError:  # Pillow's own check, on headers far beyond max_pixels
        return PhotoRefusal.TOO_MANY_PIXELS
    except DECODE_ERRORS:
        return PhotoRefusal.BROKEN
    return out.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    """An RGB copy, transparent parts on white (JPEG has no transparency; black would hide things)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


class PhotoStore:
    """The uploads directory: saves re-encoded photos and finds them again by reference."""

    def __init__(self, directory: Path, max_bytes: int = MAX_UPLOAD_BYTES, max_edge: int = MAX_EDGE,
                 max_pixels: int = MAX_PIXELS, keep_free: int = KEEP_FREE_BYTES) -> None:
        self.directory = directory
        self.max_bytes, self.max_edge, self.max_pixels = max_bytes, max_edge, max_pixels
        self.keep_free = keep_free
        self._reencoding = asyncio.Semaphore(REENCODING_AT_ONCE)

    async def save(self, data: bytes) -> StoredPhoto | PhotoRefusal:
        """Validate and re-encode ``data`` (in a thread), then store it; or say why not."""
        if len(data) > self.max_bytes:
            return PhotoRefusal.TOO_LARGE
        async with self._reencoding:
            clean = await asyncio.to_thread(reencode, data, self.max_edge, self.max_pixels)
        if isinstance(clean, PhotoRefusal):
            return clean
        name = f"{uuid.uuid4().hex}.jpg"
        if not await asyncio.to_thread(self._write_if_room, name, clean):
            return PhotoRefusal.NO_ROOM
        return StoredPhoto(REFERENCE_PREFIX + name, self.directory / name, len(clean))

    def find(self, reference: str | None) -> StoredPhoto | None:
        """The stored photo of a ``web:`` reference; None if it is none, or its file is gone."""
        name = photo_name(reference)
        if name is None:
            return None
        path = self.directory / name
        try:
            size = path.stat().st_size
        except OSError:
            return None
        return StoredPhoto(REFERENCE_PREFIX + name, path, size)

    def find_name(self, name: str) -> StoredPhoto | None:
        """The stored photo called ``name`` (a name from a link: anything else is simply not found)."""
        return self.find(REFERENCE_PREFIX + name)

    async def read(self, photo: StoredPhoto) -> bytes | None:
        """The photo's bytes, or None if its file went away meanwhile."""
        try:
            return await asyncio.to_thread(photo.path.read_bytes)
        except OSError:
            return None

    def make_private(self) -> None:
        """Create the directory ``0700``, or make it so (one from before uploads were private)."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)

    def _write_if_room(self, name: str, data: bytes) -> bool:
        """Write the photo unless that would leave less than ``keep_free`` bytes on the disk."""
        self.make_private()
        if shutil.disk_usage(self.directory).free - len(data) < self.keep_free:
            return False
        self._write(name, data)
        return True

    def _write(self, name: str, data: bytes) -> None:
        """Write privately and atomically: a reader never sees half a photo, nobody else any."""
        self.make_private()
        partial = self.directory / f".{name}.part"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(partial, self.directory / name)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
