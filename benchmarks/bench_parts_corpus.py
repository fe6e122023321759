"""Splitting measured on the corpus's own held-out messages (nlp.parts), for a figure no hand-written
example was fitted to.

The shipped corpus is split (stratified, 30 % held out, seed 1); a model is trained on the rest. From the
held-out messages, never seen by that model: two-problem messages are two of them of different
categories (not ``other``) joined as residents join them (。 ，另外 。还有 ，还有 。顺便问一下， a space ；
。此外， ，对了， 。还有一件事， ！ ，), and one-problem messages are the held-out messages of 40
characters or more. The held-out messages are halved: ``fit`` (where thresholds may be chosen) and
``check`` (report this one). Then :func:`bench_parts.measure_parts` runs on each half with that model.

Run: .venv/bin/python benchmarks/bench_parts_corpus.py [--out DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
CORPUS = ROOT / "training_data" / "requests.csv"
GLUE = ["。", "，另外", "。另外，", "。还有", "，还有", "。顺便问一下，", " ", "；", "。此外，", "，对了，", "。还有一件事，", "。", "！", "，"]
PAIRS = 600  # two-problem messages per half
LONG = 40  # characters a held-out message needs to count as a long one-problem message


def synthetic(pool: list[tuple[str, str]], seed: int) -> list[tuple[str, str, str]]:
    """(text, kind, categories) rows: joined pairs of ``pool`` and its long single messages."""
    rng = random.Random(seed)
    requests = [m for m in pool if m[1] != "other"]
    rows: list[tuple[str, str, str]] = []
    while len(rows) < PAIRS:
        (a, ca), (b, cb) = rng.sample(requests, 2)
        if ca != cb:
            rows.append((a.rstrip("。！!？?，, ") + rng.choice(GLUE) + b, "two", f"{ca};{cb}"))
    return rows + [(t, "one", c) for t, c in pool if c != "other" and len(t) >= LONG]


def heldout_model_and_sets(out: Path) -> tuple[Any, list[Path]]:
    """The model trained without the held-out messages, and the two CSV files written from them."""
    from nlp.classifier import TextClassifier
    from nlp.dataset import read_labelled_csv
    from nlp.training import heldout_split

    data = read_labelled_csv(CORPUS)
    train, test = heldout_split(data.labels, 0.3, seed=1)
    model = TextClassifier.train([data.texts[i] for i in train], [data.labels[i] for i in train],
                                 urgent=[data.urgent[i] for i in train] if data.urgent else None)
    held = [(data.texts[i], data.labels[i]) for i in test]
    random.Random(7).shuffle(held)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, pool, seed in (("fit", held[: len(held) // 2], 1), ("check", held[len(held) // 2 :], 2)):
        path = out / f"parts_corpus_{name}.csv"
        with open(path, "w", encoding="utf-8", newline="") as dst:
            writer = csv.writer(dst)
            writer.writerow(["text", "kind", "categories"])
            writer.writerows(synthetic(pool, seed))
        files.append(path)
    return model, files


def main() -> None:
    from bench_parts import measure_parts, report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench", help="where the two CSV files go")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    model, files = heldout_model_and_sets(args.out)
    report([measure_parts(path, model) for path in files], args.json)


if __name__ == "__main__":
    main()
