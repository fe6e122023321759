"""A linear classifier whose scores are turned into calibrated probabilities by temperature scaling.

LinearSVC gives the best accuracy on sparse text features but no probabilities. The softmax of its
decision values divided by one temperature, fitted on out-of-fold decision values, gives probabilities
that mean what they say (and top-k scores that add up to at most 1), at the cost of one scalar.
"""

from __future__ import annotations

import os

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import LinearSVC

# From this many rows on, the one-vs-rest problems and the calibration folds are fitted in parallel
# processes (one per CPU, at most PARALLEL_JOBS): at 100k rows fitting takes most of a minute, while
# starting the processes costs a second or two, more than a small corpus takes in all.
PARALLEL_ROWS = 30_000
PARALLEL_JOBS = 2


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, numerically stable."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def fit_temperature(scores: np.ndarray, y_index: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of ``softmax(scores / T)``."""

    def nll(log_t: float) -> float:
        probs = softmax(scores / np.exp(log_t))
        return float(-np.mean(np.log(probs[np.arange(len(y_index)), y_index] + 1e-12)))

    result = minimize_scalar(nll, bounds=(-5.0, 3.0), method="bounded")
    return float(np.exp(result.x))


class CalibratedLinearClassifier(BaseEstimator, ClassifierMixin):
    """LinearSVC + temperature-scaled softmax.

    Learned state: ``classes_``, ``feature_weights_`` (n_features × n_classes: feature-major, so the
    serving path gathers a message's rows contiguously), ``intercept_``, ``temperature_``.
    """

    def __init__(
        self,
        C: float = 1.0,
        calibration_folds: int = 3,
        calibration_max_samples: int = 20000,
        random_state: int = 0,
        class_weight: str | None = None,
    ) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.calibration_max_samples = calibration_max_samples
        self.random_state = random_state
        self.class_weight = class_weight  # "balanced": rare classes weigh as much as common ones

    def _svc(self) -> LinearSVC:
        return LinearSVC(C=self.C, random_state=self.random_state, class_weight=self.class_weight)

    def _jobs(self, rows: int) -> int:
        return min(PARALLEL_JOBS, len(os.sched_getaffinity(0))) if rows >= PARALLEL_ROWS else 1

    def _fit_svc(self, X: sp.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Classes, coefficients (classes × features) and intercepts of the linear SVM on ``X``.

        On many rows of several classes without class weights, each class's one-vs-rest problem is fitted
        in its own job: the same problems liblinear solves one after another (with class weights it
        weighs them differently, so those stay in liblinear)."""
        jobs = self._jobs(X.shape[0])
        if jobs > 1 and self.class_weight is None and len(np.unique(y)) > 2:
            ovr = OneVsRestClassifier(self._svc(), n_jobs=jobs).fit(X, y)
            return (ovr.classes_, np.vstack([e.coef_ for e in ovr.estimators_]),
                    np.concatenate([e.intercept_ for e in ovr.estimators_]))
        svc = self._svc().fit(X, y)
        return svc.classes_, svc.coef_, svc.intercept_

    def fit(self, X: sp.csr_matrix, y: np.ndarray) -> CalibratedLinearClassifier:
        y = np.asarray(y)
        self.classes_, coef, intercept = self._fit_svc(X, y)
        if len(self.classes_) == 2:  # LinearSVC keeps one row for two classes: score of the second
            coef = np.vstack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]])
        self.feature_weights_ = np.ascontiguousarray(coef.T, dtype=np.float32)
        self.intercept_ = np.asarray(intercept, dtype=np.float32)
        self.temperature_ = self._calibrate(X, y)
        return self

    def _calibrate(self, X: sp.csr_matrix, y: np.ndarray) -> float:
        """Fit the temperature on out-of-fold decision values of (a sample of) the training data."""
        rng = np.random.default_rng(self.random_state)
        idx = np.arange(len(y))
        if len(idx) > self.calibration_max_samples:
            idx = np.sort(rng.choice(idx, self.calibration_max_samples, replace=False))
        y_sample = y[idx]
        min_count = int(np.unique(y_sample, return_counts=True)[1].min())
        folds = min(self.calibration_folds, min_count)
        if folds < 2:
            return 1.0
        cv = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        scores = cross_val_predict(self._svc(), X[idx], y_sample, cv=cv, method="decision_function",
                                   n_jobs=self._jobs(len(y)))
        if scores.ndim == 1:
            scores = np.column_stack([-scores, scores])
        y_index = np.searchsorted(self.classes_, y_sample)
        return fit_temperature(scores, y_index)

    def decision_function(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self._weights(X.dtype)) + self.intercept_

    def _weights(self, dtype: np.dtype) -> np.ndarray:
        """The feature weights in ``dtype``: float64 rows (classifying) use a float64 copy made once,
        so scipy does not convert the whole matrix for every batch."""
        if dtype != np.float64:
            return self.feature_weights_
        weights = self.__dict__.get("_weights64")
        if weights is None:
            weights = self.__dict__["_weights64"] = self.feature_weights_.astype(np.float64)
        return weights

    def __getstate__(self) -> dict[str, object]:
        state = dict(super().__getstate__())
        state.pop("_weights64", None)  # rebuilt on first use
        return state

    def predict_proba(self, X: sp.csr_matrix) -> np.ndarray:
        return softmax(self.decision_function(X) / self.temperature_)

    def predict(self, X: sp.csr_matrix) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]

    def proba_one(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Probabilities for one sparse row given as column ids and weights (serving fast path)."""
        scores = weights @ self.feature_weights_[ids] + self.intercept_
        return softmax(scores / self.temperature_)
