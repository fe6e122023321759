"""Bag-of-features vectoriser: word uni/bigrams plus character n-grams, TF-IDF weighted, L2-normalised.

Input documents are ``(normalised_text, tokens)`` pairs (see :mod:`nlp.preprocess`). Words carry meaning
that jieba found; character n-grams carry it where segmentation fails (typos, dialect, new words).
``transform_one`` is the single-message fast path used when serving: no scipy, no sklearn validation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

Doc = tuple[str, list[str]]

# Characters that are neither words nor useful character n-grams.
_PUNCT = " \t\n,.!?;:'\"()[]{}<>~`@#$%^&*-_=+|\\/，。！？；：、“”‘’（）【】《》…—·～"
_PUNCT_SET = frozenset(_PUNCT)
_DELETE_PUNCT = {ord(ch): None for ch in _PUNCT}


def word_features(tokens: Sequence[str], ngram_range: tuple[int, int]) -> list[str]:
    """Word n-grams of ``tokens`` (punctuation dropped), joined by a space."""
    words = [t for t in tokens if t[0] not in _PUNCT_SET]
    low, high = ngram_range
    feats = list(words) if low <= 1 <= high else []
    for n in range(max(2, low), high + 1):
        feats.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return feats


def char_features(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams of ``text`` with punctuation and spaces removed."""
    chars = text.translate(_DELETE_PUNCT)
    low, high = ngram_range
    feats: list[str] = []
    for n in range(low, high + 1):
        feats.extend(chars[i : i + n] for i in range(len(chars) - n + 1))
    return feats


class NgramVectorizer(BaseEstimator, TransformerMixin):
    """TF-IDF over word n-grams and character n-grams of preprocessed documents.

    Learned state: ``word_vocab_`` and ``char_vocab_`` (feature → column; char columns follow word
    columns), ``idf_`` (one weight per column).
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (1, 3),
        min_df: int = 2,
        char_weight: float = 1.0,
        sublinear_tf: bool = True,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.char_weight = char_weight
        self.sublinear_tf = sublinear_tf

    def _counts(self, doc: Doc) -> tuple[Counter[str], Counter[str]]:
        text, tokens = doc
        return Counter(word_features(tokens, self.word_ngrams)), Counter(char_features(text, self.char_ngrams))

    def fit(self, docs: Iterable[Doc], y: object = None) -> NgramVectorizer:
        """Learn vocabularies (features in at least ``min_df`` documents) and IDF weights."""
        word_df: Counter[str] = Counter()
        char_df: Counter[str] = Counter()
        n_docs = 0
        for doc in docs:
            words, chars = self._counts(doc)
            word_df.update(words.keys())
            char_df.update(chars.keys())
            n_docs += 1
        if n_docs == 0:
            raise ValueError("cannot fit a vectoriser on no documents")
        word_kept = sorted(f for f, df in word_df.items() if df >= self.min_df)
        char_kept = sorted(f for f, df in char_df.items() if df >= self.min_df)
        self.word_vocab_ = {f: i for i, f in enumerate(word_kept)}
        offset = len(word_kept)
        self.char_vocab_ = {f: offset + i for i, f in enumerate(char_kept)}
        dfs = [word_df[f] for f in word_kept] + [char_df[f] for f in char_kept]
        idf = np.log((1.0 + n_docs) / (1.0 + np.asarray(dfs, dtype=np.float64))) + 1.0
        idf[offset:] *= self.char_weight
        self.idf_ = idf.astype(np.float32)
        return self

    @property
    def n_features_(self) -> int:
        return len(self.idf_)

    def transform_one(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """Column ids and L2-normalised weights of one document (the serving fast path)."""
        words, chars = self._counts(doc)
        ids: list[int] = []
        tfs: list[float] = []
        for counts, vocab in ((words, self.word_vocab_), (chars, self.char_vocab_)):
            for feat, count in counts.items():
                col = vocab.get(feat)
                if col is not None:
                    ids.append(col)
                    tfs.append(self._tf(count))
        id_array = np.asarray(ids, dtype=np.int32)
        weights = np.asarray(tfs, dtype=np.float32) * self.idf_[id_array]
        norm = float(np.sqrt(weights @ weights))
        if norm > 0:
            weights /= norm
        return id_array, weights

    def _raw_row(self, doc: Doc) -> tuple[list[int], list[int]]:
        """Column ids and raw counts of the in-vocabulary features of one document."""
        words, chars = self._counts(doc)
        ids: list[int] = []
        counts: list[int] = []
        for feature_counts, vocab in ((words, self.word_vocab_), (chars, self.char_vocab_)):
            for feat, count in feature_counts.items():
                col = vocab.get(feat)
                if col is not None:
                    ids.append(col)
                    counts.append(count)
        return ids, counts

    def transform_one(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """Column ids and L2-normalised weights of one document (the serving fast path)."""
        ids, counts = self._raw_row(doc)
        id_array = np.asarray(ids, dtype=np.int32)
        weights = self._weigh(np.asarray(counts, dtype=np.float32), id_array)
        norm = float(np.sqrt(weights @ weights))
        if norm > 0:
            weights /= norm
        return id_array, weights

    def _weigh(self, counts: np.ndarray, ids: np.ndarray) -> np.ndarray:
        tf = 1.0 + np.log(counts) if self.sublinear_tf else counts
        return (tf * self.idf_[ids]).astype(np.float32)

    def transform(self, docs: Iterable[Doc]) -> sp.csr_matrix:
        """TF-IDF matrix, one L2-normalised row per document.

        All features of the batch are looked up in one pass and repeated features of a document are
        summed by scipy (C code), which is several times faster than counting per document in Python.
        """
        word_get, char_get = self.word_vocab_.get, self.char_vocab_.get
        columns: list[int] = []
        row_ends = [0]
        for text, tokens in docs:
            columns.extend([word_get(f, -1) for f in word_features(tokens, self.word_ngrams)])
            columns.extend([char_get(f, -1) for f in char_features(text, self.char_ngrams)])
            row_ends.append(len(columns))
        column_array = np.asarray(columns, dtype=np.int64)
        row_array = np.repeat(np.arange(len(row_ends) - 1), np.diff(row_ends))
        known = column_array >= 0
        counts = sp.csr_matrix(
            (np.ones(int(known.sum()), dtype=np.float32), (row_array[known], column_array[known])),
            shape=(len(row_ends) - 1, self.n_features_),
        )
        counts.sum_duplicates()
        if self.sublinear_tf:
            counts.data = 1.0 + np.log(counts.data)
        counts.data *= self.idf_[counts.indices]
        row_norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        row_norms[row_norms == 0] = 1.0
        counts.data /= np.repeat(row_norms, np.diff(counts.indptr)).astype(np.float32)
        return counts
