"""The request classifier: raw text → category, calibrated confidence, top three, urgency.

A scikit-learn ``Pipeline`` (preprocess → n-gram TF-IDF → calibrated linear model) does the learning and
batch prediction; :meth:`TextClassifier.classify` is the single-message path used when serving, which
walks the same fitted steps without scikit-learn's per-call validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.pipeline import Pipeline

from nlp.features import NgramVectorizer
from nlp.linear import CalibratedLinearClassifier
from nlp.preprocess import TextPreprocessor
from nlp.segment import Engine, Segmenter
from nlp.urgency import Urgency, detect_urgency
from nlp.urgency_model import UrgencyModel

TOP_K = 3


@dataclass(frozen=True)
class Prediction:
    """What the classifier says about one message."""

    category: str
    confidence: float
    top: list[tuple[str, float]]
    urgency: Urgency = field(default_factory=lambda: Urgency(False))
    nature: str | None = None  # what the resident wants (nlp.natures), when the model has a nature classifier
    nature_confidence: float = 0.0

    @property
    def urgent(self) -> bool:
        return self.urgency.urgent


def build_pipeline(segmenter: Segmenter, C: float = 1.0, random_state: int = 0) -> Pipeline:
    """The untrained classification pipeline with gridbot's chosen parameters."""
    return Pipeline(
        [
            ("prep", TextPreprocessor(segmenter)),
            ("features", NgramVectorizer(word_ngrams=(1, 2), char_ngrams=(1, 3), min_df=2)),
            ("model", CalibratedLinearClassifier(C=C, random_state=random_state)),
        ]
    )


class TextClassifier:
    """A fitted pipeline plus the single-message serving path and urgency detection.

    ``urgency_model`` is learned when the training data says which messages are urgent; without it,
    urgency comes from danger words alone.
    """

    def __init__(self, pipeline: Pipeline, urgency_model: UrgencyModel | None = None) -> None:
        self.pipeline = pipeline
        self.urgency_model = urgency_model

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        urgent: Sequence[bool] | None = None,
        user_words: Sequence[tuple[str, int | None]] = (),
        engine: Engine = "rjieba",
        C: float = 1.0,
        random_state: int = 0,
    ) -> TextClassifier:
        """Fit a new classifier on ``texts`` and their ``labels``."""
        pipeline = build_pipeline(Segmenter(engine, user_words), C=C, random_state=random_state)
        pipeline.fit(list(texts), np.asarray(labels))
        urgency_model = None
        if urgent is not None and any(urgent) and not all(urgent):
            steps = pipeline.named_steps
            features = steps["features"].transform(steps["prep"].transform(texts))
            urgency_model = UrgencyModel().fit(features, np.asarray(urgent, dtype=bool))
        return cls(pipeline, urgency_model)

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.pipeline.named_steps["model"].classes_]

    @property
    def segmenter(self) -> Segmenter:
        return self.pipeline.named_steps["prep"].segmenter

    def add_words(self, words: Sequence[tuple[str, int | None]]) -> None:
        """Teach the segmenter new words (place names of the grid map) without retraining."""
        self.segmenter.add_words(words)

    def classify(self, text: str) -> Prediction:
        """Classify one message (the low-latency path)."""
        steps = self.pipeline.named_steps
        doc = steps["prep"].doc(text)
        ids, weights = steps["features"].transform_one(doc)
        probs = steps["model"].proba_one(ids, weights)
        p_urgent = self.urgency_model.probability_one(ids, weights) if self.urgency_model else None
        return self._prediction(probs, detect_urgency(doc[0], p_urgent))

    def classify_many(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify a batch of messages (the high-throughput path)."""
        steps = self.pipeline.named_steps
        docs = steps["prep"].transform(texts)
        features = steps["features"].transform(docs, dtype=np.float64)  # as classify() computes
        probs = steps["model"].predict_proba(features)
        p_urgent = self.urgency_model.probability(features).tolist() if self.urgency_model else [None] * len(docs)
        # The top three of every row at once, then plain Python values for the result objects.
        order = np.argsort(-probs, axis=1)[:, :TOP_K]
        # Rounded as the one-message path rounds (Python's round of the float), so both print the same.
        top_scores = [[round(s, 4) for s in row] for row in np.take_along_axis(probs, order, axis=1).tolist()]
        classes = [str(c) for c in steps["model"].classes_]
        predictions = []
        for doc, p, indices, scores in zip(docs, p_urgent, order.tolist(), top_scores):
            top = [(classes[i], s) for i, s in zip(indices, scores)]
            predictions.append(Prediction(top[0][0], top[0][1], top, detect_urgency(doc[0], p)))
        return predictions

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Only the best label of each message."""
        return [str(label) for label in self.pipeline.predict(list(texts))]

    def _prediction(self, probs: np.ndarray, urgency: Urgency) -> Prediction:
        classes = self.pipeline.named_steps["model"].classes_
        order = np.argsort(-probs)[:TOP_K]
        top = [(str(classes[i]), round(float(probs[i]), 4)) for i in order]
        return Prediction(category=top[0][0], confidence=top[0][1], top=top, urgency=urgency)
