"""Finding place names in a resident's text: exact names first (longest wins), then names with one typo.

Used by :class:`bot.grids.map.GridMap` to locate a request by an address, road, compound or landmark its
text names. Indexed by character n-grams so a message is not compared with every name of a large map.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Levenshtein

Method = Literal["point", "alias", "fuzzy"]

# Names shorter than this are ignored when reading text (a one-character "place" matches everything).
MIN_NAME_LENGTH = 2
# Names shorter than this must be written exactly; from this length on, one typo is tolerated.
MIN_FUZZY_LENGTH = 3

# Endings that say what kind of place a name is, not which one. A typo may not erase the specific part
# of a name ("金花园" must not match "家花园"), nor remove or change a one-character ending
# ("人民路" must not match "人民服务").
GENERIC_SUFFIXES = tuple(sorted((
    "路", "街", "道", "巷", "号", "村", "苑", "园", "城", "桥", "站", "楼", "馆", "院",
    "大道", "大街", "花园", "小区", "大厦", "广场", "公园", "山庄", "社区", "网格", "新村", "公寓",
    "市场", "商场", "中心", "医院", "院区", "学校", "小学", "中学", "幼儿园", "工业区", "工业园", "大楼",
), key=len, reverse=True))
# Grammar, not typos: "人民的路灯" is not "人民路" with an extra character. (As a replaced character
# they may well be typos: 和 for 河.)
FILLER_CHARACTERS = frozenset("的了在和与及是有个也都就把被给着过吗呢吧啊")


def normalize_place_text(text: str) -> str:
    """Text as place names are compared: NFKC (full-width → half-width), lower case, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@dataclass(frozen=True, eq=False)  # one object per name: identity is enough
class _Place:
    """A normalised place name with what it names and which of its characters a typo may touch."""

    text: str
    original: str
    grid_ids: frozenset[str]
    stem_length: int  # the specific part; the rest is a generic ending such as 路 or 花园

    def may_lose(self, position: int) -> bool:
        """Whether a typo may erase the character at ``position`` and still leave this place recognisable."""
        if position < self.stem_length:
            return self.stem_length >= 2
        return len(self.text) - self.stem_length >= 2


def _stem_length(name: str) -> int:
    for suffix in GENERIC_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return len(name) - len(suffix)
    return len(name)


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


class PlaceIndex:
    """Finds place names in text: exact substrings first (longest wins), then names with one typo.

    A typo is one substituted, inserted or deleted character (Levenshtein distance 1, i.e. normalised
    similarity at least 1 - 1/len(name)) in a name of 3+ characters. It may not change a digit (东正路12号
    is not 东正路13号), erase the specific part of a name, alter a one-character ending, or insert a
    grammatical filler character. Candidates come from hash lookups, never from scanning every name:
    an edit inside a name keeps its first and last characters at a known distance apart, and an edit at
    either end leaves the rest of the name as an exact substring.
    """

    def __init__(self, place_grids: dict[str, set[str]]) -> None:
        self._exact: dict[str, _Place] = {}
        for original, grid_ids in place_grids.items():
            text = normalize_place_text(original)
            if len(text) < MIN_NAME_LENGTH:
                continue
            known = self._exact.get(text)
            merged = frozenset(grid_ids) | (known.grid_ids if known else frozenset())
            self._exact[text] = _Place(text, known.original if known else original, merged, _stem_length(text))
        self._exact_lengths = sorted({len(text) for text in self._exact}, reverse=True)
        self._by_ends: dict[tuple[str, str, int], list[_Place]] = defaultdict(list)
        self._by_affix: dict[str, list[tuple[_Place, bool]]] = defaultdict(list)
        for place in self._exact.values():
            if len(place.text) >= MIN_FUZZY_LENGTH:
                self._index_fuzzy(place)
        self._window_lengths = sorted({key[2] for key in self._by_ends})
        self._affix_lengths = sorted({len(affix) for affix in self._by_affix})

    def _index_fuzzy(self, place: _Place) -> None:
        text = place.text
        for window_length in (len(text) - 1, len(text), len(text) + 1):
            self._by_ends[(text[0], text[-1], window_length)].append(place)
        if place.may_lose(0):
            self._by_affix[text[1:]].append((place, True))
        if place.may_lose(len(text) - 1):
            self._by_affix[text[:-1]].append((place, False))

    def find(self, text: str) -> tuple[frozenset[str], Method, str] | None:
        """The grids named in ``text``, how ("alias" or "fuzzy"), and the name as listed; None if none.

        Among exact names the longest wins; among typo matches the longest name wins. Equally good
        matches of different names pool their grids (the caller narrows to what they share).
        """
        normalized = normalize_place_text(text)
        hits = self._exact_hits(normalized)
        method: Method = "alias"
        if not hits:
            hits, method = self._fuzzy_hits(normalized), "fuzzy"
        if not hits:
            return None
        longest = max(len(place.text) for _, place in hits)
        best = sorted((hit for hit in hits if len(hit[1].text) == longest),
                      key=lambda hit: (hit[0], hit[1].text))
        grid_ids = frozenset().union(*(place.grid_ids for _, place in best))
        return grid_ids, method, best[0][1].original

    def _exact_hits(self, text: str) -> list[tuple[int, _Place]]:
        for length in self._exact_lengths:
            hits = [(start, self._exact[text[start:start + length]])
                    for start in range(len(text) - length + 1)
                    if text[start:start + length] in self._exact
                    and _digit_bounded(text, start, start + length)]
            if hits:
                return hits
        return []

    def _fuzzy_hits(self, text: str) -> list[tuple[int, _Place]]:
        return [(start, place) for start, end, place in self._fuzzy_candidates(text)
                if _is_typo_of(place, text[start:end]) and _digit_bounded(text, start, end)]

    def _fuzzy_candidates(self, text: str) -> set[tuple[int, int, _Place]]:
        """(start, end, place) windows of ``text`` that may be ``place`` with one typo."""
        candidates: set[tuple[int, int, _Place]] = set()
        size = len(text)
        for start in range(size):
            for length in self._window_lengths:
                end = start + length
                if end > size:
                    break
                for place in self._by_ends.get((text[start], text[end - 1], length), ()):
                    candidates.add((start, end, place))
            for length in self._affix_lengths:
                end = start + length
                if end > size:
                    break
                for place, lost_first in self._by_affix.get(text[start:end], ()):
                    candidates.add((start, end, place))  # the lost character was deleted
                    if lost_first and start > 0:
                        candidates.add((start - 1, end, place))  # the first character was replaced
                    elif not lost_first and end < size:
                        candidates.add((start, end + 1, place))  # the last character was replaced
        return candidates


def _is_typo_of(place: _Place, window: str) -> bool:
    """Whether ``window`` is ``place`` with one acceptable typo."""
    name = place.text
    if Levenshtein.distance(name, window, score_cutoff=1) != 1 or _digits(name) != _digits(window):
        return False
    position = next((i for i, (a, b) in enumerate(zip(name, window)) if a != b), min(len(name), len(window)))
    if len(window) < len(name):  # deletion
        return place.may_lose(position)
    if len(window) > len(name):  # insertion
        return window[position] not in FILLER_CHARACTERS
    return place.may_lose(position)


def _digit_bounded(text: str, start: int, end: int) -> bool:
    """False when a match would cut a number in two ("东正路12号" inside "东正路112号")."""
    cuts_before = start > 0 and text[start - 1].isdigit() and text[start].isdigit()
    cuts_after = end < len(text) and text[end - 1].isdigit() and text[end].isdigit()
    return not (cuts_before or cuts_after)
