"""Duplicate detection: which open ticket of its grid and category a new request repeats, if any.

A request repeats an open ticket when another resident opened it lately with a very similar text: the
character-bigram Jaccard of the normalised texts reaches :data:`DUPLICATE_SIMILARITY`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from nlp.normalize import normalize
from nlp.similarity import char_ngrams, set_jaccard

from bot.tickets.store import DuplicateCandidate

DUPLICATE_WINDOW_SECONDS = 72 * 3600
DUPLICATE_SIMILARITY = 0.5  # character-bigram Jaccard of normalised texts
DUPLICATE_CANDIDATES = 50  # the newest open tickets of the grid and category compared with a request


def twin_of(text: str, resident: str, candidates: Iterable[DuplicateCandidate], since: float) -> str | None:
    """The number of the open ticket that ``resident``'s request ``text`` repeats: the most similar of
    ``candidates`` opened since ``since`` by someone else, when similar enough (ties: the newest)."""
    recent = sorted((c for c in candidates if c.created_at >= since), key=lambda c: -c.created_at)
    if not recent:
        return None
    grams = _bigrams(normalize(text))
    best: tuple[float, str] | None = None
    for candidate in recent:
        if candidate.resident == resident:
            continue
        similarity = set_jaccard(grams, _bigrams(candidate.normalized_text), at_least=DUPLICATE_SIMILARITY)
        if similarity >= DUPLICATE_SIMILARITY and (best is None or similarity > best[0]):
            best = (similarity, candidate.number)
    return best[1] if best else None


@lru_cache(maxsize=4096)
def _bigrams(normalized_text: str) -> frozenset[str]:
    """Character bigrams of a normalised text; cached, as each new request of a grid compares with the
    same open tickets."""
    return frozenset(char_ngrams(normalized_text, 2))
