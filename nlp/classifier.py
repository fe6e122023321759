"""The request classifier: raw text → category, calibrated confidence, top three, urgency, nature.

A scikit-learn ``Pipeline`` (preprocess → n-gram TF-IDF → calibrated linear model) does the learning and
batch prediction; :meth:`TextClassifier.classify` is the single-message path used when serving, which
walks the same fitted steps without scikit-learn's per-call validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline

from nlp.features import Doc, NgramVectorizer
from nlp.linear import CalibratedLinearClassifier
from nlp.nature_model import best_nature_one, best_natures, fit_nature_model
from nlp.preprocess import TextPreprocessor
from nlp.scores import round_score, round_scores
from nlp.segment import Engine, Segmenter
from nlp.urgency import Urgency, detect_urgency
from nlp.urgency_model import UrgencyModel

TOP_K = 3
NOT_URGENT = Urgency(False)  # shared: an Urgency is frozen, and pieces weighed for splitting all get it


@dataclass(frozen=True)
class Prediction:
    """What the classifier says about one message."""

    category: str
    confidence: float
    top: list[tuple[str, float]]
    urgency: Urgency = NOT_URGENT
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
    urgency comes from danger words alone. ``nature_model`` is learned when the data gives natures.
    """

    # A model pickled before natures existed has no such attribute: it reads as "no nature model".
    nature_model: CalibratedLinearClassifier | None = None

    def __init__(self, pipeline: Pipeline, urgency_model: UrgencyModel | None = None,
                 nature_model: CalibratedLinearClassifier | None = None) -> None:
        self.pipeline = pipeline
        self.urgency_model = urgency_model
        self.nature_model = nature_model

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        urgent: Sequence[bool] | None = None,
        natures: Sequence[str | None] | None = None,
        user_words: Sequence[tuple[str, int | None]] = (),
        engine: Engine = "rjieba",
        C: float = 1.0,
        random_state: int = 0,
    ) -> TextClassifier:
        """Fit a new classifier on ``texts`` and their ``labels`` (and, when given, their urgency and
        natures: None for a row whose nature is unknown)."""
        pipeline = build_pipeline(Segmenter(engine, user_words), C=C, random_state=random_state)
        # The pipeline's steps fitted one by one, so that every model learns from one feature matrix
        # (Pipeline.fit would keep it from us, and the texts would be segmented and hashed again).
        steps = pipeline.named_steps
        features = steps["features"].fit_transform(steps["prep"].transform(list(texts)))
        steps["model"].fit(features, np.asarray(labels))
        learns_urgency = urgent is not None and any(urgent) and not all(urgent)
        urgency_model = UrgencyModel().fit(features, np.asarray(urgent, dtype=bool)) if learns_urgency else None
        nature_model = fit_nature_model(features, natures, random_state=random_state) if natures else None
        return cls(pipeline, urgency_model, nature_model)

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.pipeline.named_steps["model"].classes_]

    @property
    def natures(self) -> list[str]:
        """The natures the model tells apart (empty: it has no nature classifier)."""
        return [str(n) for n in self.nature_model.classes_] if self.nature_model is not None else []

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
        nature = best_nature_one(self.nature_model, ids, weights) if self.nature_model is not None else (None, 0.0)
        return self._prediction(probs, detect_urgency(doc[0], p_urgent), nature)

    def classify_many(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify a batch of messages (the high-throughput path)."""
        docs, features, tops = self._tops(texts)
        p_urgent = self.urgency_model.probability(features).tolist() if self.urgency_model else [None] * len(docs)
        natures: list[tuple[str | None, float]] = (
            list(best_natures(self.nature_model, features)) if self.nature_model is not None else [(None, 0.0)] * len(docs))
        return [Prediction(top[0][0], top[0][1], top, detect_urgency(doc[0], p), nature, nature_p)
                for doc, p, top, (nature, nature_p) in zip(docs, p_urgent, tops, natures)]

    def categorize_many(self, texts: Sequence[str]) -> list[Prediction]:
        """The category and top three of a batch of messages only: urgency and nature are not assessed
        (the predictions say not urgent, no nature). For weighing pieces of a message (:mod:`nlp.parts`)."""
        return [Prediction(top[0][0], top[0][1], top) for top in self._tops(texts)[2]]

    def _tops(self, texts: Sequence[str]) -> tuple[list[Doc], sp.csr_matrix, list[list[tuple[str, float]]]]:
        """The documents, feature rows and best three categories with their scores of ``texts``."""
        steps = self.pipeline.named_steps
        docs = steps["prep"].transform(texts)
        features = steps["features"].transform(docs, dtype=np.float64)  # as classify() computes
        probs = steps["model"].predict_proba(features)
        # The top three of every row at once, then plain Python values for the result objects.
        order = np.argsort(-probs, axis=1)[:, :TOP_K]
        # Rounded as the one-message path rounds them (nlp.scores), so both print the same.
        top_scores = round_scores(np.take_along_axis(probs, order, axis=1)).tolist()
        classes = [str(c) for c in steps["model"].classes_]
        tops = [[(classes[i], s) for i, s in zip(indices, scores)] for indices, scores in zip(order.tolist(), top_scores)]
        return docs, features, tops

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Only the best label of each message."""
        return [str(label) for label in self.pipeline.predict(list(texts))]

    def _prediction(self, probs: np.ndarray, urgency: Urgency, nature: tuple[str | None, float]) -> Prediction:
        classes = self.pipeline.named_steps["model"].classes_
        order = np.argsort(-probs)[:TOP_K]
        top = [(str(classes[i]), round_score(float(probs[i]))) for i in order]
        return Prediction(category=top[0][0], confidence=top[0][1], top=top, urgency=urgency,
                          nature=nature[0], nature_confidence=nature[1])
