"""The calibrated linear model (nlp.linear): on many rows it fits its one-vs-rest problems and its
calibration folds in parallel processes, and learns what the one-process fit learns."""

from __future__ import annotations

import os

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.svm import LinearSVC

import nlp.linear as linear
from nlp.linear import CalibratedLinearClassifier


def separable(rows: int, classes: int = 4, features: int = 60, seed: int = 3) -> tuple[sp.csr_matrix, np.ndarray]:
    """Sparse rows whose class shows in a few features of its own, with noise elsewhere."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, rows)
    dense = rng.random((rows, features)) * (rng.random((rows, features)) < 0.1)
    for c in range(classes):
        dense[y == c, c * 5:(c * 5) + 5] += rng.random((int((y == c).sum()), 5))
    return sp.csr_matrix(dense), np.array([f"c{c}" for c in y])


def test_the_parallel_fit_learns_what_one_process_learns(monkeypatch: pytest.MonkeyPatch) -> None:
    X, y = separable(3000)
    alone = CalibratedLinearClassifier().fit(X, y)
    monkeypatch.setattr(linear, "PARALLEL_ROWS", 1000)
    assert CalibratedLinearClassifier()._jobs(3000) == min(2, len(os.sched_getaffinity(0)))
    together = CalibratedLinearClassifier().fit(X, y)
    assert list(together.classes_) == list(alone.classes_)
    assert np.mean(together.predict(X) == alone.predict(X)) > 0.99
    assert np.allclose(together.feature_weights_, alone.feature_weights_, atol=0.05)
    assert together.temperature_ == pytest.approx(alone.temperature_, rel=0.05)


def test_class_weights_and_small_data_stay_in_liblinear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linear, "PARALLEL_ROWS", 1000)
    assert CalibratedLinearClassifier()._jobs(999) == 1
    X, y = separable(1500)
    weighted = CalibratedLinearClassifier(class_weight="balanced").fit(X, y)
    reference = LinearSVC(class_weight="balanced", random_state=0).fit(X, y)  # liblinear's own weighing
    assert np.array_equal(weighted.feature_weights_, np.ascontiguousarray(reference.coef_.T, dtype=np.float32))
