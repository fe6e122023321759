"""Scores as they are printed and compared: four decimals, rounded the same way in the one-message path and
the batch path (numpy's rounding, ``rint(x * 10⁴) / 10⁴``, which Python's ``round(x * 10⁴) / 10⁴`` matches
exactly; ``round(x, 4)`` can differ in the last digit)."""

from __future__ import annotations

import numpy as np

_SCALE = 10_000.0


def round_score(value: float) -> float:
    """One score to four decimals."""
    return round(value * _SCALE) / _SCALE


def round_scores(values: np.ndarray) -> np.ndarray:
    """Many scores to four decimals, each as :func:`round_score` rounds it."""
    return np.rint(values * _SCALE) / _SCALE
