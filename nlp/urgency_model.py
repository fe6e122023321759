"""The learned half of urgency detection: P(urgent | message) from the same TF-IDF features.

A class-balanced logistic regression, since urgent messages are a small minority and recall matters.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression


class UrgencyModel(BaseEstimator, ClassifierMixin):
    """Binary urgent / not-urgent model. Learned state: ``weights_`` (n_features,), ``bias_``."""

    def __init__(self, C: float = 10.0) -> None:
        self.C = C

    def fit(self, X: sp.csr_matrix, y: np.ndarray) -> UrgencyModel:
        y = np.asarray(y, dtype=bool)
        if y.all() or not y.any():
            raise ValueError("urgency model needs both urgent and non-urgent examples")
        model = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000).fit(X, y)
        self.classes_ = np.array([False, True])
        self.weights_ = np.ascontiguousarray(model.coef_[0], dtype=np.float32)
        self.bias_ = float(model.intercept_[0])
        return self

    def probability(self, X: sp.csr_matrix) -> np.ndarray:
        """P(urgent) of each row of a feature matrix."""
        weights = self.weights_.astype(np.float64) if X.dtype == np.float64 else self.weights_
        return 1.0 / (1.0 + np.exp(-(np.asarray(X @ weights).ravel() + self.bias_)))

    def probability_one(self, ids: np.ndarray, weights: np.ndarray) -> float:
        """P(urgent) of one sparse row given as column ids and weights (serving fast path)."""
        return float(1.0 / (1.0 + np.exp(-(float(weights @ self.weights_[ids]) + self.bias_))))

    def predict_proba(self, X: sp.csr_matrix) -> np.ndarray:
        p = self.probability(X)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: sp.csr_matrix) -> np.ndarray:
        return self.probability(X) >= 0.5
