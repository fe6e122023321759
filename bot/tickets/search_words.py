"""The words a ticket's text is found by on the console board (Chinese full-text search).

A ticket is indexed under every dictionary word of two or more characters that occurs anywhere in its
normalised text (jieba's full mode, without HMM guesses): 路灯不亮 under 路灯, 灯不亮, …, so whichever way a
sentence would be segmented, a word of it is found; and under each character of its text that none of
those words holds (its "loose" characters). Each word and loose character is a Redis set of ticket
numbers (keys.by_word); every indexed word is also kept in one vocabulary set (keys.search_vocabulary).
A query is segmented precisely (the same dictionary): its words of two or more characters must each
be in the ticket's index, and its single characters (坏, 臭: a query the dictionary cannot join into
words) must occur in the ticket's text — which is exactly: the ticket is in the set of the character
or of some vocabulary word holding it (:func:`char_keys_words`). So no search reads a ticket's text.
Function words (的, 我们, …) and punctuation are left out of all of it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from nlp.normalize import normalize

# Words too common to narrow a search (kept out of the index and out of queries).
_STOP_TEXT = (
    "的 了 是 在 有 我 我们 你 你们 他 她 它 他们 这 那 这个 那个 就 也 都 和 与 及 或 吗 呢 吧 啊 呀 哦 嗯 很 还 又 被 把 "
    "给 让 对 到 从 去 来 说 要 会 能 好 一 个 些 一下 一个 请 您 麻烦 谢谢 你好 怎么 什么 为什么 没有 不 没"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())
_WORD = re.compile(r"[\w]", re.UNICODE)
MAX_WORD_LENGTH = 20  # longer "words" are runs of digits or letters: not worth a set each


@lru_cache(maxsize=1)
def _engine() -> Any:
    """jieba-rs, built once per process (about 80 ms)."""
    import rjieba

    return rjieba.Jieba()


def words_of(text: str) -> frozenset[str]:
    """The index entries of ``text``: every dictionary word (or run of letters and digits) of two or more
    characters in it, and every character of it that none of those words holds."""
    normal = normalize(text)
    words = frozenset(w for w in _engine().cut_all(normal) if len(w) >= 2 and _searchable(w))
    held = set().union(*words) if words else set()
    return words | {c for c in normal if c not in held and _searchable(c)}


def vocabulary_of(entries: frozenset[str]) -> list[str]:
    """The words (two or more characters) among a text's index entries, sorted: what the vocabulary holds."""
    return sorted(w for w in entries if len(w) >= 2)


def words_holding(char: str, vocabulary: frozenset[str]) -> list[str]:
    """The index entries a text holding ``char`` is found under: the character itself (loose) and every
    vocabulary word holding it."""
    return [char] + sorted(w for w in vocabulary if char in w)


def query_terms(query: str) -> tuple[frozenset[str], frozenset[str]]:
    """A search's (words looked up in the index, single characters looked for in the text)."""
    cut = [w.strip() for w in _engine().cut(normalize(query), False)]
    terms = [w for w in cut if w and _searchable(w)]
    return frozenset(w for w in terms if len(w) >= 2), frozenset(w for w in terms if len(w) == 1)


def _searchable(word: str) -> bool:
    return word not in STOP_WORDS and len(word) <= MAX_WORD_LENGTH and _WORD.search(word) is not None
