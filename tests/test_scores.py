"""Scores rounded to four decimals (nlp.scores): the one-message and the batch rounding agree on every value."""

from __future__ import annotations

import numpy as np

from nlp.scores import round_score, round_scores


def test_one_and_many_round_alike() -> None:
    rng = np.random.default_rng(5)
    values = np.concatenate([rng.random(20_000), np.arange(0, 1, 0.00005) + 0.000025, [0.0, 1.0, 0.99995, 0.12345]])
    batch = round_scores(values).tolist()
    assert batch == [round_score(float(v)) for v in values]
    assert round_score(0.99996) == 1.0 and round_score(0.123449) == 0.1234 and round_score(1e-9) == 0.0
    assert all(len(repr(v).split(".")[-1]) <= 4 for v in batch)  # printed with at most four decimals
