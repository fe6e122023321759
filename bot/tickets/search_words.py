"""The words a ticket's text is found by on the console board (Chinese full-text search).

A ticket's text is normalised (nlp.normalize) and cut in jieba's search-engine mode, which gives the
words and the shorter dictionary words inside long ones (中华人民共和国 → 中华, 华人, 人民, 共和, 共和国, …),
so a search for 路灯 finds 路灯坏了 and one for 垃圾 finds 垃圾桶. Each word is a Redis set of ticket
numbers (keys.by_word); a query is cut the same way and its words' sets intersected. Function words
(的, 了, …) and punctuation are left out: they would be huge sets that narrow nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from nlp.normalize import normalize

# Words too common to narrow a search (kept out of the index and out of queries).
STOP_WORDS = frozenset(
    "的 了 是 在 有 我 我们 你 你们 他 她 它 他们 这 那 这个 那个 就 也 都 和 与 及 或 吗 呢 吧 啊 呀 哦 嗯 很 还 又 被 把 "
    "给 让 对 到 从 去 来 说 要 会 能 好 一 个 些 一下 一个 请 您 麻烦 谢谢 你好 怎么 什么 为什么 没有 不 没".split()
)
_WORD = re.compile(r"[\w]", re.UNICODE)
MAX_WORD_LENGTH = 20  # longer "words" are runs of digits or letters: not worth a set each


@lru_cache(maxsize=1)
def _engine() -> Any:
    """jieba-rs, built once per process (about 80 ms)."""
    import rjieba

    return rjieba.Jieba()


def words_of(text: str) -> frozenset[str]:
    """The search words of ``text``: what a ticket is indexed under, and what a query looks for."""
    cut = _engine().cut_for_search(normalize(text), True)
    return frozenset(word for word in (w.strip() for w in cut)
                     if word and word not in STOP_WORDS and len(word) <= MAX_WORD_LENGTH and _WORD.search(word))
