"""Answers from a knowledge base: which entry, if any, a resident's question asks.

Each entry has a canonical question and the ways residents ask it (``examples``). The index embeds all
of them with the classifier's own features (:class:`nlp.features.NgramVectorizer`: word uni/bigrams and
character 1–3-grams, TF-IDF, L2-normalised) fitted on the knowledge base itself, so a word the request
corpus never saw (签注, 积分入学) still counts, and words every entry shares (怎么办, 需要什么) weigh
little. A message's score for an entry is its best cosine similarity to one of the entry's questions; the
best entry answers only at or above :data:`THRESHOLD`, which was chosen on held-out examples and
questions about nothing in the base (``benchmarks/bench_faq.py``).

Only questions are looked up: a message whose nature (when the model has a nature classifier) is
``consult``, else one that :func:`looks_like_question` and does not describe a problem. A complaint that
mentions a topic word ("垃圾分类点臭死了没人管") is a request, not a question about garbage sorting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlp.features import NgramVectorizer
from nlp.preprocess import TextPreprocessor
from nlp.segment import Segmenter

# Chosen on the dev split (benchmarks/bench_faq.py --dev): the lowest score at which answers stayed
# precise on held-out examples while almost no question outside the base was answered.
THRESHOLD = 0.40
CONSULT = "consult"

# A question: a question mark, or words that ask (怎么, 哪里, 吗 …).
_QUESTION = re.compile(
    r"[?？]|怎么|怎样|怎麼|如何|哪里|哪儿|哪个|哪些|哪家|哪|什么|甚么|啥|咋|多少|几点|几时|几天|多久|多长|"
    r"吗|嘛|么[。！!]*$|呢|能不能|能否|可不可以|可以.{0,12}(吗|么)|是否|有没有|有冇|要不要|需不需要|用不用|"
    r"会不会|是不是|请问|想问|问下|问一下|咨询|了解一下|想了解|想知道|不知道|流程|条件|材料|手续|办理|申请|报名|点样|边度|几时"
)
# A problem described, not a question asked: it goes on as a request even when it asks something.
_PROBLEM = re.compile(
    r"没人管|没人理|没人处理|无人管|不管|不理|不处理|投诉|举报|太差|很差|差劲|恶劣|臭|吵|噪音|坏了|坏掉|"
    r"堵住|堵了|漏水|漏气|着火|起火|冒烟|危险|差点|气死|气人|受不了|一直没|还没|还不|太慢|乱丢|乱扔|乱倒|"
    r"偷偷|拖欠了|拖了|不发|不给|不退|欺负|打人|骗"
)


@dataclass(frozen=True)
class FaqEntry:
    """One topic of the knowledge base."""

    id: str
    question: str
    answer: str
    examples: tuple[str, ...] = ()
    reviewed: bool = False

    @property
    def phrasings(self) -> tuple[str, ...]:
        """Every way of asking it that the index holds: the question, then the examples."""
        return (self.question, *self.examples)


@dataclass(frozen=True)
class FaqMatch:
    """The entry a message is closest to, and how close (cosine similarity, 0–1)."""

    entry: FaqEntry
    score: float

    def good(self, threshold: float = THRESHOLD) -> bool:
        return self.score >= threshold


@dataclass
class FaqIndex:
    """The entries as TF-IDF rows; :meth:`best` finds the entry a message asks.

    Weights are learned with one document per entry (all its phrasings), so a word that many entries
    share (办理, 需要什么) weighs little and a topic's own words (签注, 低保) much. A message's score for
    an entry is the mean of its cosine to the entry as a whole and to its closest single phrasing: the
    whole entry rewards the topic's words wherever they were said, the phrasing a close paraphrase.
    """

    entries: Sequence[FaqEntry]
    segmenter: Segmenter
    _prep: TextPreprocessor = field(init=False)
    _vectorizer: NgramVectorizer = field(init=False)
    _owners: np.ndarray = field(init=False)
    _phrasings: Any = field(init=False)  # features × phrasings (CSR)
    _whole: Any = field(init=False)  # features × entries (CSR)

    def __post_init__(self) -> None:
        self._prep = TextPreprocessor(self.segmenter)
        self._vectorizer = NgramVectorizer(word_ngrams=(1, 1), char_ngrams=(1, 2), min_df=1)
        self._owners = np.repeat(np.arange(len(self.entries)), [len(entry.phrasings) for entry in self.entries])
        if self.entries:
            whole = self._prep.transform(["。".join(entry.phrasings) for entry in self.entries])
            self._whole = self._vectorizer.fit(whole).transform(whole).T.tocsr()
            phrasings = [text for entry in self.entries for text in entry.phrasings]
            self._phrasings = self._vectorizer.transform(self._prep.transform(phrasings)).T.tocsr()

    def best(self, text: str) -> FaqMatch | None:
        """The closest entry (None: an empty base, or nothing in common at all)."""
        if not self.entries:
            return None
        ids, weights = self._vectorizer.transform_one(self._prep.doc(text))
        if len(ids) == 0:
            return None
        closest = np.zeros(len(self.entries), dtype=np.float32)
        np.maximum.at(closest, self._owners, np.asarray(self._phrasings[ids].T @ weights).ravel())
        scores = (closest + np.asarray(self._whole[ids].T @ weights).ravel()) / 2
        top = int(np.argmax(scores))
        score = float(scores[top])
        return FaqMatch(self.entries[top], round(score, 4)) if score > 0 else None

    def answer_for(self, text: str, nature: str | None = None, threshold: float = THRESHOLD) -> FaqMatch | None:
        """The entry that answers ``text``: only a question (:func:`is_question`) matched well enough."""
        if not is_question(text, nature):
            return None
        match = self.best(text)
        return match if match is not None and match.good(threshold) else None


def looks_like_question(text: str) -> bool:
    """Whether ``text`` asks something (question mark or asking words) without describing a problem."""
    return _QUESTION.search(text) is not None and _PROBLEM.search(text) is None


def is_question(text: str, nature: str | None = None) -> bool:
    """A question the base may answer: nature ``consult`` when the model says a nature, else
    :func:`looks_like_question`. A described problem is never one, whatever the nature model says."""
    if nature is not None and nature != CONSULT:
        return False
    return looks_like_question(text) if nature is None else _PROBLEM.search(text) is None
