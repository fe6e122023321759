"""Bag-of-features vectoriser: word uni/bigrams plus character n-grams, TF-IDF weighted, L2-normalised.

Input documents are ``(normalised_text, tokens)`` pairs (see :mod:`nlp.preprocess`). Words carry meaning
that jieba found; character n-grams carry it where segmentation fails (typos, dialect, new words).

Features are hashed, and the hashing is vectorised with numpy over a whole batch: the code points of all
texts are hashed as n-grams in a few array operations, instead of building and looking up one Python
string per feature (which cost over 100 µs a message). The hash is a fixed polynomial over code points,
so it is the same in every process (Python's own ``hash`` is salted per process). Only buckets seen in at
least ``min_df`` training documents get a column; ``buckets_`` lists them in column order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

Doc = tuple[str, list[str]]

# Characters that are neither words nor useful character n-grams.
_PUNCT = " \t\n,.!?;:'\"()[]{}<>~`@#$%^&*-_=+|\\/，。！？；：、“”‘’（）【】《》…—·～"
_PUNCT_SET = frozenset(_PUNCT)
_PUNCT_CODES = np.array(sorted(ord(ch) for ch in _PUNCT), dtype=np.uint64)

_P = np.uint64(1_000_003)  # polynomial base over code points
_P_INV = np.uint64(pow(1_000_003, -1, 2**64))  # its inverse modulo 2^64 (the base is odd)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing multiplier
# One salt per feature family, so a character and a one-character word fall in different buckets.
_SALT_WORD, _SALT_BIGRAM = np.uint64(0x1234567), np.uint64(0x7654321)
_SALT_CHAR = (np.uint64(0), np.uint64(0xA5A5A5), np.uint64(0x5A5A5A5), np.uint64(0xC3C3C3C))


def _codes(texts: Sequence[str]) -> np.ndarray:
    """Code points of all texts end to end (uint64)."""
    return np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _lengths(items: Sequence[Sequence[str]] | Sequence[str]) -> np.ndarray:
    """The length of each item."""
    return np.fromiter(map(len, items), dtype=np.int64, count=len(items))


def _bucket(hashes: np.ndarray, salt: np.uint64, bits: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        return ((hashes + salt) * _MIX) >> np.uint64(64 - bits)


def char_buckets(texts: Sequence[str], ngram_range: tuple[int, int], bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(document, bucket) of every character n-gram of every text, punctuation and spaces removed."""
    codes, owners = _codes(texts), np.repeat(np.arange(len(texts)), _lengths(texts))
    keep = ~np.isin(codes, _PUNCT_CODES)
    codes, owners = codes[keep], owners[keep]
    docs_out, buckets_out = [], []
    low, high = ngram_range
    with np.errstate(over="ignore"):
        rolling = np.zeros(len(codes), dtype=np.uint64)
        for n in range(1, high + 1):
            count = len(codes) - n + 1
            if count <= 0:
                break
            rolling = rolling[:count] * _P + codes[n - 1 : n - 1 + count]
            if n >= low:
                same_doc = owners[:count] == owners[n - 1 : n - 1 + count]
                docs_out.append(owners[:count][same_doc])
                buckets_out.append(_bucket(rolling[same_doc], _SALT_CHAR[min(n, 3)], bits))
    if not docs_out:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(docs_out), np.concatenate(buckets_out)


def word_buckets(token_lists: Sequence[Sequence[str]], ngram_range: tuple[int, int], bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(document, bucket) of every word unigram and bigram (punctuation tokens dropped)."""
    flat = list(chain.from_iterable(token_lists))
    if not flat:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    owners = np.repeat(np.arange(len(token_lists)), _lengths(token_lists))
    codes = _codes(flat)
    lengths = _lengths(flat)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    # Every token is hashed, then those starting with punctuation are dropped (tokens are never empty).
    words = ~np.isin(codes[starts], _PUNCT_CODES)
    with np.errstate(over="ignore"):
        # Polynomial hash of each token independent of where it stands: prefix sums of c_i·P^i,
        # differenced per token and shifted back by P^-start.
        powers = np.concatenate(([np.uint64(1)], np.cumprod(np.full(len(codes) - 1, _P, dtype=np.uint64))))
        inverse = np.concatenate(([np.uint64(1)], np.cumprod(np.full(len(codes) - 1, _P_INV, dtype=np.uint64))))
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(codes * powers)))
        token_hash = ((prefix[ends] - prefix[starts]) * inverse[starts])[words]
        owners = owners[words]
        if not len(owners):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
        docs_out, buckets_out = [], []
        low, high = ngram_range
        if low <= 1 <= high:
            docs_out.append(owners)
            buckets_out.append(_bucket(token_hash, _SALT_WORD, bits))
        if low <= 2 <= high and len(owners) > 1:
            same_doc = owners[:-1] == owners[1:]
            pair = token_hash[:-1] * _MIX + token_hash[1:]
            docs_out.append(owners[:-1][same_doc])
            buckets_out.append(_bucket(pair[same_doc], _SALT_BIGRAM, bits))
    return np.concatenate(docs_out), np.concatenate(buckets_out)


_MASK = (1 << 64) - 1
# The constants as Python ints for the per-key path (a numpy scalar would be converted on every use).
_P_INT, _MIX_INT = int(_P), int(_MIX)
_SALT_WORD_INT, _SALT_BIGRAM_INT = int(_SALT_WORD), int(_SALT_BIGRAM)
_SALT_CHAR_INT = tuple(int(salt) for salt in _SALT_CHAR)
MEMO_LIMIT = 500_000


def _bucket_int(hash_value: int, salt: int, bits: int) -> int:
    return (((hash_value + salt) & _MASK) * _MIX_INT & _MASK) >> (64 - bits)


def _token_hash(token: str) -> int:
    """Σ c_j·P^j mod 2^64, the position-free token hash of :func:`word_buckets`."""
    value = 0
    for ch in reversed(token):
        value = (value * _P_INT + ord(ch)) & _MASK
    return value


def _counts(rows: np.ndarray, columns: np.ndarray, n_docs: int, n_columns: int, dtype: type[np.floating]) -> sp.csr_matrix:
    """The count matrix of (row, column) occurrences: one sort of their joint keys, then the CSR arrays
    directly (half the cost of building a COO matrix and summing its duplicates)."""
    keys = rows.astype(np.int64) * n_columns + columns
    # Stable (timsort here): the keys come in runs already ordered by document (word, bigram, character
    # blocks one after the other), which it merges in less than half of quicksort's time; the result is the same.
    keys.sort(kind="stable")
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    unique = keys[starts]
    counts = np.diff(np.append(starts, len(keys))).astype(dtype)
    unique_rows = unique // n_columns
    indptr = np.zeros(n_docs + 1, dtype=np.int32)
    np.cumsum(np.bincount(unique_rows, minlength=n_docs), out=indptr[1:])
    return sp.csr_matrix((counts, (unique - unique_rows * n_columns).astype(np.int32), indptr), shape=(n_docs, n_columns))


class NgramVectorizer(BaseEstimator, TransformerMixin):
    """Hashed TF-IDF over word n-grams and character n-grams of preprocessed documents.

    Learned state: ``buckets_`` (the sorted buckets that have a column: column i is ``buckets_[i]``) and
    ``idf_`` (one weight per column).
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (1, 3),
        min_df: int = 2,
        hash_bits: int = 22,
        sublinear_tf: bool = True,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.hash_bits = hash_bits
        self.sublinear_tf = sublinear_tf

    def _rows_and_buckets(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray]:
        """The document and the bucket of every feature occurrence in ``docs``."""
        word_docs, word_b = word_buckets([tokens for _, tokens in docs], self.word_ngrams, self.hash_bits)
        char_docs, char_b = char_buckets([text for text, _ in docs], self.char_ngrams, self.hash_bits)
        return np.concatenate([word_docs, char_docs]), np.concatenate([word_b, char_b]).astype(np.int64)

    def fit(self, docs: Iterable[Doc], y: object = None) -> NgramVectorizer:
        """Give a column to every bucket seen in at least ``min_df`` documents; learn IDF weights."""
        docs = list(docs)
        self._fit(self._rows_and_buckets(docs), len(docs))
        return self

    def fit_transform(self, docs: Iterable[Doc], y: object = None, **fit_params: object) -> sp.csr_matrix:
        """:meth:`fit`, then :meth:`transform` of the same documents (float32), hashing them once."""
        docs = list(docs)
        found = self._rows_and_buckets(docs)
        self._fit(found, len(docs))
        return self._tfidf(found, len(docs), np.float32)

    def _fit(self, found: tuple[np.ndarray, np.ndarray], n_docs: int) -> None:
        if not n_docs:
            raise ValueError("cannot fit a vectoriser on no documents")
        rows, cols = found
        counts = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_docs, 1 << self.hash_bits))
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=1 << self.hash_bits)
        kept = np.flatnonzero(df >= self.min_df)
        self.buckets_ = kept.astype(np.int64)
        self.idf_ = (np.log((1.0 + n_docs) / (1.0 + df[kept])) + 1.0).astype(np.float32)
        self.__dict__.pop("_table", None)  # a refit has other columns
        self.__dict__.pop("_column_of_bucket", None)
        self.__dict__.pop("_memo", None)

    def _columns(self, buckets: np.ndarray) -> np.ndarray:
        """Column of each bucket, -1 for buckets without one.

        A dense bucket → column table (16 MB for 2^22 buckets) is built on first use and not pickled:
        one gather is ten times faster than a binary search per feature, and the model file stays small.
        """
        table = self.__dict__.get("_table")
        if table is None:
            table = np.full(1 << self.hash_bits, -1, dtype=np.int32)
            table[self.buckets_] = np.arange(len(self.buckets_), dtype=np.int32)
            self.__dict__["_table"] = table
        return table[buckets]

    @property
    def n_features_(self) -> int:
        return len(self.idf_)

    def transform(self, docs: Iterable[Doc], dtype: type[np.floating] = np.float32) -> sp.csr_matrix:
        """TF-IDF matrix, one L2-normalised row per document.

        Training uses float32; classifying uses float64, as :meth:`transform_one` does, so that the batch
        and the one-message paths agree to the last printed digit."""
        docs = list(docs)
        return self._tfidf(self._rows_and_buckets(docs), len(docs), dtype)

    def _tfidf(self, found: tuple[np.ndarray, np.ndarray], n_docs: int, dtype: type[np.floating]) -> sp.csr_matrix:
        """The TF-IDF matrix of features ``found`` (document and bucket of each) in ``n_docs`` documents."""
        rows, buckets = found
        columns = self._columns(buckets)  # unknown features dropped before any sparse matrix is built
        known = columns >= 0
        matrix = _counts(rows[known], columns[known], n_docs, self.n_features_, dtype)
        if self.sublinear_tf:
            matrix.data = np.log(matrix.data, dtype=dtype) + 1
        matrix.data *= self.idf_[matrix.indices].astype(dtype, copy=False)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        matrix.data /= np.repeat(norms, np.diff(matrix.indptr)).astype(dtype, copy=False)
        return matrix

    def transform_one(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """Column ids and L2-normalised weights of one document: the serving fast path.

        For one short message, dozens of tiny numpy calls cost more than the work, so features are
        looked up by their text in a per-process memo (feature → column); a feature not seen before is
        hashed once in plain Python, exactly as the batch path hashes it.
        """
        memo = self.__dict__.setdefault("_memo", {})
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        counts: dict[int, int] = {}
        text, tokens = doc
        words = [t for t in tokens if t[0] not in _PUNCT_SET]
        keys: list[str] = []
        if self.word_ngrams[0] <= 1 <= self.word_ngrams[1]:
            keys.extend("\x01" + w for w in words)
        if self.word_ngrams[0] <= 2 <= self.word_ngrams[1]:
            keys.extend("\x02" + a + "\x00" + b for a, b in zip(words, words[1:]))
        chars = "".join(ch for ch in text if ch not in _PUNCT_SET)
        for n in range(self.char_ngrams[0], self.char_ngrams[1] + 1):
            keys.extend(chars[i : i + n] for i in range(len(chars) - n + 1))
        for key in keys:
            column = memo.get(key)
            if column is None:
                column = memo[key] = self._column_of_key(key)
            if column >= 0:
                counts[column] = counts.get(column, 0) + 1
        ids = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        weights = ((1.0 + np.log(tf)) if self.sublinear_tf else tf) * self.idf_[ids].astype(np.float64)
        norm = float(np.sqrt(weights @ weights))
        return ids, (weights / norm if norm > 0 else weights)

    def _column_of_key(self, key: str) -> int:
        """Column of one memo key (word, bigram or character n-gram), -1 when it has none."""
        if key[0] == "\x01":
            bucket = _bucket_int(_token_hash(key[1:]), _SALT_WORD_INT, self.hash_bits)
        elif key[0] == "\x02":
            first, second = key[1:].split("\x00", 1)
            pair = (_token_hash(first) * _MIX_INT + _token_hash(second)) & _MASK
            bucket = _bucket_int(pair, _SALT_BIGRAM_INT, self.hash_bits)
        else:
            value = 0
            for ch in key:
                value = (value * _P_INT + ord(ch)) & _MASK
            bucket = _bucket_int(value, _SALT_CHAR_INT[min(len(key), 3)], self.hash_bits)
        columns = self.__dict__.get("_column_of_bucket")
        if columns is None:  # a dict, not a bisect of buckets_: one probe instead of ~17 scattered reads
            columns = self.__dict__["_column_of_bucket"] = {b: i for i, b in enumerate(self.buckets_.tolist())}
        return columns.get(bucket, -1)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_memo", None)  # rebuilt while serving
        state.pop("_column_of_bucket", None)
        state.pop("_table", None)
        return state
