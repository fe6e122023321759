"""Small but well-formed media files for tests, and the pixel size of an image file."""

from __future__ import annotations

import struct


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


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
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
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start-of-frame segment
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a JPEG, PNG, GIF, WebP (always 512×512) or BMP file; None for anything else."""
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
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
