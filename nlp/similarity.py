"""Character n-gram Jaccard similarity, for near-duplicate messages (corpus hygiene, ticket linking)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp


def char_ngrams(text: str, n: int = 5) -> set[str]:
    """The set of character n-grams of ``text`` (the whole text when it is shorter than n)."""
    if len(text) <= n:
        return {text}
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def jaccard(a: str, b: str, n: int = 5) -> float:
    """Jaccard similarity of the character n-gram sets of two texts."""
    grams_a, grams_b = char_ngrams(a, n), char_ngrams(b, n)
    return len(grams_a & grams_b) / len(grams_a | grams_b)


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
