"""The nature classifier (诉求性质): what the resident wants (nlp.natures), beside the category.

It learns from the same TF-IDF features the category model uses (computed once per message), with its
own calibrated linear model. Rows whose nature is unknown (e.g. recorded category corrections) are left
out of its training; the category model still learns from them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from nlp.linear import CalibratedLinearClassifier
from nlp.scores import round_score, round_scores

# The natures are few and unevenly common (praise and suggestions are rare): balanced class weights keep
# the rare ones from being absorbed by help and complaint.
NATURE_C = 1.0


def fit_nature_model(features: sp.csr_matrix, natures: Sequence[str | None], *, C: float = NATURE_C,
                     random_state: int = 0) -> CalibratedLinearClassifier | None:
    """A nature model fitted on the rows of ``features`` whose nature is known (None when fewer than two
    natures are known: there is nothing to tell apart)."""
    known = [i for i, nature in enumerate(natures) if nature]
    if len({natures[i] for i in known}) < 2:
        return None
    model = CalibratedLinearClassifier(C=C, random_state=random_state, class_weight="balanced")
    return model.fit(features[known], np.asarray([natures[i] for i in known]))


def best_natures(model: CalibratedLinearClassifier, features: sp.csr_matrix) -> list[tuple[str, float]]:
    """(nature, calibrated probability) of the likeliest nature of each row."""
    probs = model.predict_proba(features)
    best = np.argmax(probs, axis=1)
    scores = round_scores(probs[np.arange(len(best)), best]).tolist()
    return [(str(model.classes_[i]), score) for i, score in zip(best.tolist(), scores)]


def best_nature_one(model: CalibratedLinearClassifier, ids: np.ndarray, weights: np.ndarray) -> tuple[str, float]:
    """(nature, probability) of one message given as its sparse feature row (the serving path)."""
    probs = model.proba_one(ids, weights)
    best = int(np.argmax(probs))
    return str(model.classes_[best]), round_score(float(probs[best]))
