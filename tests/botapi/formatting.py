"""Text with ``parse_mode`` or ``entities`` → plain text plus entities, as Telegram stores a message.

HTML, what gridbot sends, is parsed fully, with Telegram's error texts for bad markup. MarkdownV2 is
checked only as far as a test needs it: escapes, and an unescaped reserved character refused with
Telegram's error; its entities are not modelled (refused, so a test cannot pass on a guess). The
legacy ``Markdown`` mode is refused as unsupported.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from .errors import bad
from .params import Params


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class EntityError(Exception):
    """Markup Telegram cannot parse; the message is Telegram's."""


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
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", source)]
        self._parts: list[str] = []
        self._u16 = 0
        self._open: list[tuple[str, int, dict[str, str | None]]] = []
        self._found: list[dict[str, Any]] = []

    def _pos(self) -> int:
        line, col = self.getpos()
        return len(self._source[: self._line_starts[line - 1] + col].encode("utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in _HTML_TAGS or (tag == "span" and attributes.get("class") != "tg-spoiler"):
            raise EntityError(f'Unsupported start tag "{tag}" at byte offset {self._pos()}')
        self._open.append((tag, self._u16, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise EntityError(f'Unsupported start tag "{tag}" at byte offset {self._pos()}')

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            raise EntityError(f'Unexpected end tag at byte offset {self._pos()}')
        open_tag, start, attributes = self._open[-1]
        if open_tag != tag:
            raise EntityError(
                f'Unmatched end tag at byte offset {self._pos()}, expected "</{open_tag}>", found "</{tag}>"'
            )
        self._open.pop()
        if tag == "code" and self._open and self._open[-1][0] == "pre":
            language = (attributes.get("class") or "").removeprefix("language-")
            if language:
                self._open[-1][2]["_language"] = language
            return
        length = self._u16 - start
        if length > 0:
            entity = _entity(tag, start, length, attributes)
            if entity is not None:
                self._found.append(entity)

    def handle_data(self, data: str) -> None:
        self._parts.append(data)
        self._u16 += utf16_len(data)

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        self.feed(self._source)
        self.close()
        if self._open:
            raise EntityError(f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"')
        return "".join(self._parts), self._found


def _entity(tag: str, start: int, length: int, attributes: dict[str, str | None]) -> dict[str, Any] | None:
    """The entity a closed HTML tag makes (None for a link without href)."""
    entity: dict[str, Any] = {"type": _HTML_TAGS[tag], "offset": start, "length": length}
    if tag == "a":
        href = attributes.get("href") or ""
        if not href:
            return None
        match = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if match:
            return {"type": "text_mention", "offset": start, "length": length,
                    "user": {"id": int(match.group(1)), "is_bot": False, "first_name": ""}}
        entity["url"] = href
    elif tag == "pre" and attributes.get("_language"):
        entity["language"] = attributes["_language"]
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
    elif tag == "blockquote" and "expandable" in attributes:
        entity["type"] = "expandable_blockquote"
    return entity


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_ENTITY_MARKS = frozenset("_*[~`|")


def _markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    """MarkdownV2 without entities: escapes undone, an unescaped reserved character refused."""
    out: list[str] = []
    i = 0
    while i < len(src):
        c = src[i]
        if c == "\\" and i + 1 < len(src) and 0 < ord(src[i + 1]) <= 126:
            out.append(src[i + 1])
            i += 2
            continue
        if c in _MDV2_ENTITY_MARKS or (c == ">" and (i == 0 or src[i - 1] == "\n")):
            raise EntityError(f"MarkdownV2 entities are not modelled by this test server (found '{c}'); use HTML")
        if c in _MDV2_RESERVED:
            raise EntityError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
        out.append(c)
        i += 1
    return "".join(out), []


def _explicit(text: str, entities: Any) -> list[dict[str, Any]]:
    """Entities given as such; those outside the text are dropped silently, as Telegram does."""
    if not entities:
        return []
    if not isinstance(entities, list):
        raise bad("can't parse entities JSON object")
    total, found = utf16_len(text), []
    for entity in entities:
        if not isinstance(entity, dict) or "type" not in entity:
            raise bad("can't parse entities JSON object")
        start, length = int(entity.get("offset", -1)), int(entity.get("length", 0))
        if start >= 0 and length > 0 and start + length <= total:
            found.append(dict(entity))
    return found


def format_text(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict[str, Any]] | None]:
    """Plain text + entities (None when there are none), as Telegram stores a message."""
    mode = (parse_mode or "").strip().lower()
    try:
        if mode == "html":
            plain, found = _HTMLEntities(text).result()
        elif mode == "markdownv2":
            plain, found = _markdown_v2(text)
        elif mode:
            raise bad("unsupported parse_mode")
        else:
            plain, found = text, _explicit(text, entities)
    except EntityError as exc:
        raise bad(f"can't parse entities: {exc}") from None
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return plain, found or None


def read_caption(p: Params) -> tuple[str | None, list[dict[str, Any]] | None]:
    """A media call's caption (None when there is none) and its entities; at most 1024 characters."""
    caption = p.get_str("caption")
    if caption is None:
        return None, None
    plain, entities = format_text(caption, p.get_str("parse_mode"), p.get_json("caption_entities"))
    if utf16_len(plain) > 1024:
        raise bad("message caption is too long")
    return plain or None, entities
