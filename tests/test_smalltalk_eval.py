"""The small-talk recogniser measured: held-out small talk is caught, and no request is ever taken for it.

benchmarks/data/smalltalk.csv is small talk written as residents type it (greetings, thanks,
acknowledgements, closings, emoji, dialect, WeChat emoticons). The recogniser's word list is general
vocabulary these rows are made of, not the rows themselves. The requests are every message of the
training corpus and of the independent set that belongs to a request category. Their ``other`` rows
are left out: that label holds greetings and thanks itself (谢谢你们！, 你好，有人在吗), which is exactly
what small talk is.
"""

from __future__ import annotations

import csv
from pathlib import Path

from nlp.smalltalk import recognise
from tests.conftest import CORPUS, ROOT

SMALL_TALK = ROOT / "benchmarks" / "data" / "smalltalk.csv"
INDEPENDENT = ROOT / "benchmarks" / "data" / "independent.csv"
MIN_CAUGHT = 0.95


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as src:
        return list(csv.DictReader(src))


def test_no_request_is_taken_for_small_talk() -> None:
    requests = [row for path in (CORPUS, INDEPENDENT) for row in rows(path) if row["label"] != "other"]
    assert len(requests) > 5500
    lost = [(row["label"], row["text"]) for row in requests if recognise(row["text"]) is not None]
    assert lost == []


def test_held_out_small_talk_is_caught() -> None:
    small_talk = rows(SMALL_TALK)
    assert len(small_talk) >= 150
    caught = [row for row in small_talk if recognise(row["text"]) is not None]
    missed = [row["text"] for row in small_talk if row not in caught]
    assert len(caught) / len(small_talk) >= MIN_CAUGHT, missed
    right_kind = [row for row in caught if recognise(row["text"]) == row["kind"]]
    assert len(right_kind) / len(caught) >= MIN_CAUGHT, [r["text"] for r in caught if r not in right_kind]
