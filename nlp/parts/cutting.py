"""Where a message may be cut: its clauses, the cut each one opens (:class:`Cut`), and the pieces between cuts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from nlp.normalize import simplified_chars
from nlp.parts.cues import (
    ANOTHER_SUBJECT,
    CLAUSE_END,
    CONTINUES,
    DEMANDS,
    INTRO,
    LEAD,
    LIST_ALONE,
    MAIN_POINT,
    MORE_OF_IT,
    NEXT_CIRCLED,
    ONLY_PLACE,
    PLACE_SUBJECT,
    SENTENCE_ENDS,
    SOMEONE_THERE,
    THEN,
)


OPENING_LETTERS = 2  # an opening of no more letters ("万江", "你好") names a town or greets: no piece of its own
OPENING_LENGTH = 24  # characters beyond which an opening is more than a place (ONLY_PLACE matches fewer)


class Cut(IntEnum):
    """How sure a place in the text is to begin a new matter."""

    SENTENCE = 0  # the end of a sentence; after a comma, another subject also wrong (…，门口的垃圾也没人收) or another place's doer
    ALSO = 1  # a bare 还有 / 也有 / 再有
    NEW_MATTER = 2  # a numbered item or a connective that opens another matter


@dataclass(frozen=True)
class Piece:
    """A stretch of the message between two cuts."""

    text: str  # as written, the cue that opened it included
    core: str  # without the opening cue and list mark: what is classified and becomes the ticket's words
    cut: Cut | None  # the cut before it (None: the message's start)
    simple: str = ""  # the core in simplified characters, what the rules read ("": not given, simplify the core)
    after_stop: bool = False  # the words before it end a sentence ("…。还有电梯坏了。", not "…，还有灰尘满天飞")

    @property
    def plain(self) -> str:
        """The core in simplified characters."""
        return self.simple or simplified_chars(self.core)


def pieces(text: str) -> list[Piece]:
    """``text`` cut at every place a new matter may begin (one piece when there is none)."""
    simple = simplified_chars(text)  # one character for one: positions in it are positions in text
    spans = _clauses(text, simple)
    if len(spans) < 2:  # most messages: nowhere to cut
        return [_piece(text, simple, None)] if text.strip() else [Piece(text, text, None)]
    out: list[Piece] = []
    start, current_cut, stop = 0, None, False  # where the current piece begins, the cut before it, after a sentence's end
    demands: re.Match[str] | None = None
    demands_sought = False  # looked for when first needed
    for a, b in spans[1:]:  # the first clause has nothing before it
        cut = _cut_before(simple[a:b], text[start:a]) if _opens(simple[start:a], current_cut) else None
        if cut is None:
            continue
        if not demands_sought:
            demands, demands_sought = DEMANDS.search(simple), True
        if demands is not None and a >= demands.end() and _listed(simple[a:b]):
            continue
        out.append(_piece(text[start:a], simple[start:a], current_cut, stop))
        start, current_cut, stop = a, cut, _ends_sentence(text[start:a])
    if text[start:].strip():
        out.append(_piece(text[start:], simple[start:], current_cut, stop))
    return out or [Piece(text, text, None)]


def _opens(words: str, cut: Cut | None) -> bool:
    """Whether ``words``, the message so far since the last cut, can be a piece before the next: not when they hold no
    letter, nor at the message's start when they are only a place or a word or two ("万江 我们这条巷子…", "你好，…")."""
    if cut is not None or len(words) > OPENING_LENGTH:
        return has_letters(words)
    return letters(words) > OPENING_LETTERS and ONLY_PLACE.match(words.strip()) is None


def _listed(clause: str) -> bool:
    """Whether ``clause`` opens with a list mark (1. / 二是 / 第三 …)."""
    lead = LEAD.match(clause)
    return lead is not None and lead.group("list") is not None


def _clauses(text: str, simple: str) -> list[tuple[int, int]]:
    """Where each clause of ``text`` begins and ends. Punctuation or an emoji alone ends the clause
    before it; a list mark or a cue alone ("2. ", "另外 ") begins the clause after it."""
    ends = [m.end() for m in CLAUSE_END.finditer(text)]  # increasing: matches neither overlap nor touch
    circled = [m.start() for m in NEXT_CIRCLED.finditer(text) if m.start() > 0]  # rare: "①…②…" with no gap
    if circled:
        ends = sorted(set(ends).union(circled))
    if not ends or ends[-1] != len(text):
        ends.append(len(text))
    spans: list[tuple[int, int]] = []
    opening: int | None = None  # where a lone list mark or cue waits for its clause
    a = 0
    for b in ends:
        if opening is not None:
            a = opening
        clause = simple[a:b].strip()
        lead = LEAD.match(clause)
        if lead is not None and lead.end() == len(clause) or LIST_ALONE.match(clause):
            opening = a
        elif not has_letters(clause):
            opening = None
            if spans:
                spans[-1] = (spans[-1][0], b)
        else:
            opening = None
            spans.append((a, b))
        a = b
    if opening is not None:
        spans.append((opening, len(text)))
    return spans


def _cut_before(clause: str, before: str) -> Cut | None:
    """The cut ``clause`` (its characters simplified) opens after ``before`` (None: it goes on with it)."""
    words = clause.strip()
    if words.startswith(("另外", "此外")) and MORE_OF_IT.match(words):
        return None
    lead = LEAD.match(clause)
    if lead is not None and (not words.startswith(MAIN_POINT) or _ends_sentence(before)):
        return Cut.ALSO if lead.group("also") else Cut.NEW_MATTER
    if ANOTHER_SUBJECT.match(words) or PLACE_SUBJECT.match(words):
        return Cut.SENTENCE
    if words.startswith(THEN) and PLACE_SUBJECT.match(words[len(THEN):]) is not None:
        return Cut.SENTENCE  # "…往下掉。然后楼下那家五金店每天…": the next thing the resident tells, not what followed
    if _ends_sentence(before) and (not CONTINUES.match(words) or SOMEONE_THERE.match(words)):
        return Cut.SENTENCE
    return None


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence (or a chat line's words, before a space)."""
    return text.endswith(" ") or text.rstrip(" \t")[-1:] in SENTENCE_ENDS


def _piece(text: str, simple: str, cut: Cut | None, after_stop: bool = False) -> Piece:
    """The piece ``text`` (``simple``: its characters simplified), its opening cue and list marks off;
    ``after_stop``: whether the words before it end a sentence."""
    core = text
    if cut is None and (intro := INTRO.match(text)) is not None:
        core, simple = text[intro.end():], simple[intro.end():]
    while (lead := LEAD.match(simple)) is not None and 0 < lead.end() < len(core):
        core, simple = core[lead.end():], simple[lead.end():]
    return Piece(text, core.strip(), cut, simple.strip(), after_stop)


def letters(text: str) -> int:
    """Letters in ``text``: characters that are neither digits nor punctuation nor spaces."""
    return sum(map(str.isalpha, text))


def has_letters(text: str) -> bool:
    """Whether ``text`` holds a letter (:func:`letters` without counting them all)."""
    return any(map(str.isalpha, text))
