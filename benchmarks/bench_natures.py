"""Nature (诉求性质) benchmark: the nature classifier's macro-F1 on a held-out split of the corpus and on
messages written apart from it, what it costs per message, and that the categories did not get worse.

- Held out: the same stratified 80/20 split as bench_nlp.py (seed 42), natures of the corpus.
- Independent: benchmarks/data/nature_independent.csv (text,nature,category; 300 messages written for
  this benchmark by someone who saw neither the corpus nor the code, from the labelling rules alone).
- Categories: macro-F1 on benchmarks/data/independent.csv of a model trained on the corpus as it was
  before natures (its first 5,770 rows, no nature column) and of one trained on all of it with natures.
- Cost: single-message latency p50/p99 and batch throughput of one model with its nature classifier and
  without it (the same fitted pipeline).

Run: .venv/bin/python benchmarks/bench_natures.py [--quick]   (bench_nlp.py includes it)
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NATURE_INDEPENDENT = ROOT / "benchmarks" / "data" / "nature_independent.csv"
CATEGORY_INDEPENDENT = ROOT / "benchmarks" / "data" / "independent.csv"
ORIGINAL_ROWS = 5770  # the corpus before natures; the rows after it were written with their natures


def _read(path: Path, label: str) -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8", newline="") as src:
        rows = list(csv.DictReader(src))
    return [r["text"] for r in rows], [r[label].strip() for r in rows]


def _latency(classify: Any, texts: list[str], rounds: int) -> dict[str, float]:
    for text in texts[:50]:  # warm-up
        classify(text)
    timings = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            classify(text)
            timings.append(time.perf_counter() - started)
    timings.sort()
    return {"p50_ms": round(timings[len(timings) // 2] * 1000, 4), "p99_ms": round(timings[int(len(timings) * 0.99)] * 1000, 4)}


def _throughput(classify_many: Any, texts: list[str], rounds: int = 3) -> int:
    """Messages a second of the batch path, best of ``rounds`` after a warm-up call (the first call of a
    loaded model builds its lookup tables, which would be charged to whichever model is measured first)."""
    classify_many(texts[:200])
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        classify_many(texts)
        best = min(best, time.perf_counter() - started)
    return round(len(texts) / best)


def _cost(classifier: Any, texts: list[str], quick: bool) -> dict[str, Any]:
    """Latency and throughput with the nature classifier and, from the same model, without it."""
    from nlp.classifier import TextClassifier

    bare = TextClassifier(classifier.pipeline, classifier.urgency_model)
    batch = (texts * 10)[: (2000 if quick else 10000)]
    rounds = 2 if quick else 5
    out: dict[str, Any] = {}
    for name, model in (("with_nature", classifier), ("without_nature", bare)):
        out[name] = {**_latency(model.classify, texts, rounds), "batch_messages_per_s": _throughput(model.classify_many, batch)}
    out["p50_added_ms"] = round(out["with_nature"]["p50_ms"] - out["without_nature"]["p50_ms"], 4)
    return out


def _category_f1(dataset: Any, words: Any) -> float:
    from nlp.classifier import TextClassifier
    from nlp.metrics import evaluate

    model = TextClassifier.train(dataset.texts, dataset.labels, urgent=dataset.urgent, natures=dataset.natures,
                                 user_words=words)
    texts, labels = _read(CATEGORY_INDEPENDENT, "label")
    return float(evaluate(labels, [p.category for p in model.classify_many(texts)])["macro_f1"])


def measure_natures(quick: bool = False) -> dict[str, Any]:
    """Every nature figure (see the module docstring)."""
    from dataclasses import replace

    from nlp.classifier import TextClassifier
    from nlp.dataset import read_labelled_csv
    from nlp.metrics import evaluate, nature_scores
    from nlp.segment import read_userdict
    from nlp.training import heldout_split

    dataset = read_labelled_csv(ROOT / "training_data" / "requests.csv")
    if dataset.natures is None:
        return {"skipped": "the corpus has no nature column"}
    words = read_userdict(ROOT / "training_data" / "userdict.txt")
    train_idx, test_idx = heldout_split(dataset.labels, test_size=0.2, seed=42)
    pick = lambda values, idx: [values[i] for i in idx]  # noqa: E731
    model = TextClassifier.train(pick(dataset.texts, train_idx), pick(dataset.labels, train_idx),
                                 urgent=pick(dataset.urgent or [], train_idx) or None,
                                 natures=pick(dataset.natures, train_idx), user_words=words)
    test_texts = pick(dataset.texts, test_idx)
    heldout = nature_scores(pick(dataset.natures, test_idx), [p.nature for p in model.classify_many(test_texts)],
                            model.natures)
    result: dict[str, Any] = {"heldout": _brief(heldout)}
    if NATURE_INDEPENDENT.is_file():
        texts, natures = _read(NATURE_INDEPENDENT, "nature")
        _, categories = _read(NATURE_INDEPENDENT, "category")
        predictions = model.classify_many(texts)
        result["independent"] = _brief(nature_scores(natures, [p.nature for p in predictions], model.natures))
        result["independent"]["category_macro_f1"] = evaluate(categories, [p.category for p in predictions])["macro_f1"]
    n = ORIGINAL_ROWS
    before = replace(dataset, texts=dataset.texts[:n], labels=dataset.labels[:n],
                     urgent=dataset.urgent[:n] if dataset.urgent else None, natures=None)
    result["category_independent_macro_f1"] = {"before_natures": round(_category_f1(before, words), 4),
                                               "with_natures": round(_category_f1(dataset, words), 4)}
    result["cost"] = _cost(model, test_texts, quick)
    return result


def _brief(scores: dict[str, Any] | None) -> dict[str, Any]:
    """n, accuracy, macro-F1 and the F1 of each nature."""
    if scores is None:
        return {}
    return {"n": scores["n"], "accuracy": scores["accuracy"], "macro_f1": scores["macro_f1"],
            "f1": {nature: s["f1"] for nature, s in scores["per_class"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer timing rounds")
    args = parser.parse_args()
    print(json.dumps(measure_natures(args.quick), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
