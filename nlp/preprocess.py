"""Raw message → ``(normalised_text, tokens)``: the first step of the classification pipeline."""

from __future__ import annotations

from collections.abc import Iterable

from sklearn.base import BaseEstimator, TransformerMixin

from nlp.features import Doc
from nlp.normalize import normalize
from nlp.segment import Segmenter


class TextPreprocessor(BaseEstimator, TransformerMixin):
    """Normalises and segments messages; it learns nothing."""

    def __init__(self, segmenter: Segmenter) -> None:
        self.segmenter = segmenter

    def fit(self, texts: Iterable[str], y: object = None) -> TextPreprocessor:
        return self

    def doc(self, text: str) -> Doc:
        """Preprocess one message."""
        norm = normalize(text)
        return norm, self.segmenter.cut(norm)

    def transform(self, texts: Iterable[str]) -> list[Doc]:
        normalised = [normalize(text) for text in texts]
        return list(zip(normalised, self.segmenter.cut_many(normalised)))
