"""Train a classifier the way ``gridbot train`` and ``/retrain`` do: held-out evaluation, then a refit.

The model is first fitted on a stratified training split and scored on the held-out rest (the metrics
that are printed and stored); the saved model is then refitted on all rows, so it learns from every
example it was given.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.model_selection import train_test_split

from nlp.classifier import TextClassifier
from nlp.dataset import Dataset
from nlp.metrics import evaluate, nature_scores, urgency_scores
from nlp.progress import TRAINING_STEPS, Progress
from nlp.segment import Engine



@dataclass(frozen=True)
class TrainingResult:
    """A trained classifier and what was measured while training it."""

    classifier: TextClassifier
    metrics: dict[str, Any]
    n_train: int
    n_test: int
    seconds: float
    test_indices: list[int]


def heldout_split(labels: Sequence[str], test_size: float = 0.15, seed: int = 0) -> tuple[list[int], list[int]]:
    """Stratified train/test row indices; the test part holds at least one row per label."""
    n_labels = len(set(labels))
    n_test = max(int(round(len(labels) * test_size)), n_labels)
    if len(labels) - n_test < n_labels:
        raise ValueError(f"too few rows ({len(labels)}) for {n_labels} labels: need at least {2 * n_labels}")
    indices = list(range(len(labels)))
    train_idx, test_idx = train_test_split(indices, test_size=n_test, stratify=list(labels), random_state=seed)
    return sorted(train_idx), sorted(test_idx)


def train_with_heldout(
    dataset: Dataset,
    *,
    user_words: Sequence[tuple[str, int | None]] = (),
    engine: Engine = "rjieba",
    test_size: float = 0.15,
    seed: int = 0,
    refit: bool = True,
    progress: Progress | None = None,
) -> TrainingResult:
    """Fit on a training split, score the held-out split, then (``refit``) fit on all rows."""
    report = progress or (lambda step: None)
    started = time.perf_counter()
    report(TRAINING_STEPS[0])
    train_idx, test_idx = heldout_split(dataset.labels, test_size, seed)
    pick = lambda values, idx: [values[i] for i in idx]  # noqa: E731
    report(TRAINING_STEPS[1])
    train_urgent = pick(dataset.urgent, train_idx) if dataset.urgent is not None else None
    train_natures = pick(dataset.natures, train_idx) if dataset.natures is not None else None
    classifier = TextClassifier.train(
        pick(dataset.texts, train_idx),
        pick(dataset.labels, train_idx),
        urgent=train_urgent,
        natures=train_natures,
        user_words=user_words,
        engine=engine,
    )
    report(TRAINING_STEPS[2])
    test_texts = pick(dataset.texts, test_idx)
    predictions = classifier.classify_many(test_texts)
    metrics = evaluate(pick(dataset.labels, test_idx), [p.category for p in predictions], classifier.labels)
    if dataset.urgent is not None:
        metrics["urgency"] = urgency_scores(pick(dataset.urgent, test_idx), [p.urgent for p in predictions])
    if dataset.natures is not None and classifier.natures:
        scored = nature_scores(pick(dataset.natures, test_idx), [p.nature for p in predictions], classifier.natures)
        if scored is not None:
            metrics["nature"] = scored
    if refit:
        report(TRAINING_STEPS[3])
        classifier = TextClassifier.train(
            dataset.texts, dataset.labels, urgent=dataset.urgent, natures=dataset.natures, user_words=user_words,
            engine=engine,
        )
    return TrainingResult(
        classifier=classifier,
        metrics=metrics,
        n_train=len(dataset) if refit else len(train_idx),
        n_test=len(test_idx),
        seconds=round(time.perf_counter() - started, 2),
        test_indices=test_idx,
    )
