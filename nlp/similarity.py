"""Character n-gram Jaccard similarity, for near-duplicate messages (corpus hygiene, ticket linking)."""

from __future__ import annotations

from collections.abc import Sequence, Set as AbstractSet

import numpy as np
import scipy.sparse as sp


def char_ngrams(text: str, n: int = 5) -> set[str]:
    """The set of character n-grams of ``text`` (the whole text when it is shorter than n)."""
    if len(text) <= n:
        return {text}
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def set_jaccard(a: AbstractSet[str], b: AbstractSet[str], at_least: float = 0.0) -> float:
    """Jaccard similarity of two sets, without building their union. With ``at_least``, sets whose
    sizes alone keep them below it give 0.0 at once (their intersection is not computed): any value
    under ``at_least`` may come back as 0.0."""
    if min(len(a), len(b)) < at_least * max(len(a), len(b)):
        return 0.0
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return shared / union if union else 1.0


def near_duplicate_pairs(texts: Sequence[str], n: int = 5, threshold: float = 0.7) -> list[tuple[int, int, float]]:
    """All pairs ``(i, j, similarity)`` with i < j whose n-gram Jaccard is at least ``threshold``.

    Uses a sparse incidence matrix so that only pairs sharing an n-gram are compared.
    """
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for row, text in enumerate(texts):
        for gram in char_ngrams(text, n):
            rows.append(row)
            cols.append(vocab.setdefault(gram, len(vocab)))
    incidence = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(texts), len(vocab)))
    sizes = np.asarray(incidence.sum(axis=1)).ravel()
    # scipy-stubs type a spmatrix product as _spbase | ndarray, losing the spmatrix tocoo() overload
    shared = sp.triu(incidence @ incidence.T, k=1).tocoo()  # type: ignore[misc]
    union = sizes[shared.row] + sizes[shared.col] - shared.data
    similarity = shared.data / union
    keep = similarity >= threshold
    return sorted(
        (int(i), int(j), float(s)) for i, j, s in zip(shared.row[keep], shared.col[keep], similarity[keep])
    )
