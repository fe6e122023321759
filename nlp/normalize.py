"""Normalisation of residents' Chinese text before segmentation.

Full-width → half-width (NFKC), Traditional → Simplified (character table from zhconv), lower case,
emoji mapped to a word where they carry meaning (🔥 → 火) and dropped otherwise, whitespace collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Emoji that carry the meaning of a request; every other emoji is dropped.
_MEANINGFUL_EMOJI: dict[str, str] = {
    "🔥": "火",
    "🧯": "灭火器",
    "💧": "水",
    "🌊": "水",
    "⚡": "电",
    "💡": "灯",
    "🚗": "车",
    "🚙": "车",
    "🚕": "车",
    "🚌": "公交",
    "🛵": "电动车",
    "🚲": "单车",
    "🗑": "垃圾",
    "🐀": "老鼠",
    "🐭": "老鼠",
    "🪳": "蟑螂",
    "🐕": "狗",
    "🐶": "狗",
    "🔊": "吵",
    "📢": "吵",
    "💰": "钱",
    "🚑": "救护车",
    "🚓": "警察",
    "🚒": "消防车",
    "🩸": "血",
    "🔪": "刀",
    "👮": "警察",
    "🏗": "施工",
    "💨": "烟",
    "🤮": "恶心",
    "😷": "臭",
}

_EMOJI_RANGES = (
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, supplemental symbols
    "\u2600-\u27bf"  # misc symbols and dingbats
    "\u2b00-\u2bff"  # arrows and stars
    "\ufe0e\ufe0f\u200d\u20e3"  # variation selectors, zero-width joiner, keycap
    "\U000e0020-\U000e007f"  # tags (flag sequences)
)
_EMOJI_RE = re.compile(f"[{_EMOJI_RANGES}]")
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    """Translation table: Traditional → Simplified single characters, plus meaningful emoji.

    Built once on first use; only one-to-one character mappings are kept, which is what a
    classifier needs (phrase-level conversion changes few characters and costs ten times more).
    """
    from zhconv import zhconv

    table: dict[int, str] = {}
    for trad, simp in zhconv.getdict("zh-cn").items():
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = simp
    # Full-width ASCII forms and the ideographic space, as NFKC would map them.
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    for emoji, word in _MEANINGFUL_EMOJI.items():
        table[ord(emoji)] = f" {word} "
    return table


def has_emoji(text: str) -> bool:
    """Whether ``text`` holds an emoji (a pictograph, symbol or dingbat; not letters, punctuation or U+FFFD)."""
    return _EMOJI_RE.search(text) is not None


def normalize(text: str) -> str:
    """Return ``text`` normalised for classification (see module docstring)."""
    text = text.translate(_char_table())
    # The table already did the common full-width forms; NFKC only for what is left (it is slow).
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    text = _EMOJI_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _one_for_one_table() -> dict[int, str]:
    return {code: ch for code, ch in _char_table().items() if len(ch) == 1}


def simplified_chars(text: str) -> str:
    """``text`` with Traditional characters made Simplified and full-width forms half-width, one character
    for one, so that positions in the result are positions in ``text`` (for matching words in raw text)."""
    return text.translate(_one_for_one_table())
