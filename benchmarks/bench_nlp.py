"""Classifier benchmark: gridbot's classifier against a textbook baseline, in the same run.

Baseline: jieba.lcut + TfidfVectorizer(ngram_range=(1, 2)) + LinearSVC, all defaults.
Both are trained and scored on the same stratified split of the shipped corpus, and scored again on
benchmarks/data/independent.csv (192 messages written apart from the corpus). Reported: macro-F1,
single-message latency p50/p99, batch throughput, training time at 5k / 50k / 100k messages (the larger
sets are the corpus resampled with small random character edits, so vocabularies grow as with real data),
model size, load time and peak memory (each system measured in its own child process), and how often the
rjieba engine segments exactly as jieba does with the same user dictionary. The nature classifier's figures
(held-out and independent macro-F1, latency cost per message) come from bench_natures.py, under "nature".

Run: .venv/bin/python benchmarks/bench_nlp.py [--quick] [--json OUT]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pickle
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "training_data" / "requests.csv"
# Written for this benchmark by someone who never saw the corpus: how the classifier does on messages it
# was not shaped around (12 per category).
INDEPENDENT = ROOT / "benchmarks" / "data" / "independent.csv"
USERDICT = ROOT / "training_data" / "userdict.txt"
SYSTEMS = ("baseline", "gridbot")


def load_corpus() -> tuple[list[str], list[str], list[bool]]:
    with open(CORPUS, encoding="utf-8", newline="") as src:
        rows = list(csv.DictReader(src))
    return [r["text"] for r in rows], [r["label"] for r in rows], [r["urgent"] == "1" for r in rows]


def load_independent() -> tuple[list[str], list[str]]:
    with open(INDEPENDENT, encoding="utf-8", newline="") as src:
        rows = list(csv.DictReader(src))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def split(labels: list[str]) -> tuple[list[int], list[int]]:
    from nlp.training import heldout_split

    return heldout_split(labels, test_size=0.2, seed=42)


def resample(texts: list[str], labels: list[str], size: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """``size`` messages drawn from the corpus, each copy with a few random character edits."""
    rng = random.Random(seed)
    alphabet = "".join({ch for text in texts for ch in text})
    out_texts, out_labels = [], []
    while len(out_texts) < size:
        i = rng.randrange(len(texts))
        chars = list(texts[i])
        for _ in range(rng.randint(0, 3)):
            pos = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                chars[pos] = rng.choice(alphabet)
            elif op < 0.7 and len(chars) > 5:
                del chars[pos]
            else:
                chars.insert(pos, rng.choice(alphabet))
        out_texts.append("".join(chars))
        out_labels.append(labels[i])
    return out_texts, out_labels


def jieba_tokens(text: str) -> list[str]:
    """jieba.lcut by a module-level name, so the fitted baseline pickles like a real deployment's."""
    import jieba

    return jieba.lcut(text)


class Baseline:
    """The textbook pipeline, wrapped to the same interface as gridbot's classifier."""

    def __init__(self) -> None:
        import jieba
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline
        from sklearn.svm import LinearSVC

        jieba.setLogLevel(60)
        jieba.initialize()
        self.pipeline = make_pipeline(
            TfidfVectorizer(tokenizer=jieba_tokens, token_pattern=None, ngram_range=(1, 2)), LinearSVC()
        )

    def fit(self, texts: list[str], labels: list[str]) -> Baseline:
        self.pipeline.fit(texts, labels)
        return self

    def predict_many(self, texts: list[str]) -> list[str]:
        return list(self.pipeline.predict(texts))

    def predict_one(self, text: str) -> str:
        return self.pipeline.predict([text])[0]


class Gridbot:
    """gridbot's classifier (categories + urgency), as served."""

    def __init__(self) -> None:
        from nlp.segment import read_userdict

        self.words = read_userdict(USERDICT)
        self.model: Any = None

    def fit(self, texts: list[str], labels: list[str], urgent: list[bool] | None = None) -> Gridbot:
        from nlp.classifier import TextClassifier

        self.model = TextClassifier.train(texts, labels, urgent=urgent, user_words=self.words)
        return self

    def predict_many(self, texts: list[str]) -> list[str]:
        return [p.category for p in self.model.classify_many(texts)]

    def predict_one(self, text: str) -> str:
        return self.model.classify(text).category


def make(system: str) -> Any:
    return Baseline() if system == "baseline" else Gridbot()


def measure_system(system: str, quick: bool) -> dict[str, Any]:
    """Everything measured for one system; runs in its own process so peak memory is its own."""
    from nlp.metrics import evaluate

    texts, labels, urgent = load_corpus()
    train_idx, test_idx = split(labels)
    train_texts = [texts[i] for i in train_idx]
    train_labels = [labels[i] for i in train_idx]
    test_texts = [texts[i] for i in test_idx]
    test_labels = [labels[i] for i in test_idx]
    result: dict[str, Any] = {}

    model = make(system)
    started = time.perf_counter()
    if system == "gridbot":
        model.fit(train_texts, train_labels, [urgent[i] for i in train_idx])
    else:
        model.fit(train_texts, train_labels)
    result["train_seconds_corpus"] = round(time.perf_counter() - started, 2)

    predictions = model.predict_many(test_texts)
    result["macro_f1"] = evaluate(test_labels, predictions)["macro_f1"]
    result["accuracy"] = evaluate(test_labels, predictions)["accuracy"]
    independent_texts, independent_labels = load_independent()
    result["independent_macro_f1"] = evaluate(independent_labels, model.predict_many(independent_texts))["macro_f1"]

    for text in test_texts[:50]:  # warm-up
        model.predict_one(text)
    rounds = 2 if quick else 5
    latencies = []
    for _ in range(rounds):
        for text in test_texts:
            started = time.perf_counter()
            model.predict_one(text)
            latencies.append(time.perf_counter() - started)
    latencies.sort()
    result["latency_p50_ms"] = round(latencies[len(latencies) // 2] * 1000, 4)
    result["latency_p99_ms"] = round(latencies[int(len(latencies) * 0.99)] * 1000, 4)

    batch = (test_texts * 10)[: (2000 if quick else 10000)]
    started = time.perf_counter()
    model.predict_many(batch)
    result["batch_messages_per_s"] = round(len(batch) / (time.perf_counter() - started))

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pkl"
        with open(path, "wb") as out:
            pickle.dump(model.model if system == "gridbot" else model.pipeline, out, protocol=pickle.HIGHEST_PROTOCOL)
        result["model_bytes"] = path.stat().st_size
        started = time.perf_counter()
        with open(path, "rb") as src:
            pickle.load(src)
        result["load_seconds"] = round(time.perf_counter() - started, 3)

    sizes = (5000,) if quick else (5000, 50000, 100000)
    for size in sizes:
        big_texts, big_labels = resample(texts, labels, size)
        fresh = make(system)
        started = time.perf_counter()
        fresh.fit(big_texts, big_labels)
        result[f"train_seconds_{size // 1000}k"] = round(time.perf_counter() - started, 2)

    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def segmentation_agreement() -> dict[str, Any]:
    """Share of corpus messages that rjieba and jieba segment identically (same user dictionary)."""
    from nlp.normalize import normalize
    from nlp.segment import Segmenter, read_userdict

    texts, _, _ = load_corpus()
    words = read_userdict(USERDICT)
    fast, reference = Segmenter("rjieba", words), Segmenter("jieba", words)
    normalised = [normalize(t) for t in texts]
    same = sum(fast.cut(t) == reference.cut(t) for t in normalised)
    timings = {}
    for name, seg in (("rjieba", fast), ("jieba", reference)):
        started = time.perf_counter()
        for t in normalised:
            seg.cut(t)
        timings[name] = (time.perf_counter() - started) / len(normalised) * 1e6
    return {
        "messages": len(texts),
        "identical": same,
        "identical_share": round(same / len(texts), 4),
        "rjieba_us_per_message": round(timings["rjieba"], 1),
        "jieba_us_per_message": round(timings["jieba"], 1),
    }


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure_system(args.worker, args.quick)))
        return
    results: dict[str, Any] = {"machine": machine()}
    for system in SYSTEMS:
        cmd = [sys.executable, __file__, "--worker", system] + (["--quick"] if args.quick else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
        results[system] = json.loads(proc.stdout.strip().splitlines()[-1])
    results["segmentation"] = segmentation_agreement()
    from bench_natures import measure_natures

    results["nature"] = measure_natures(args.quick)
    base, ours = results["baseline"], results["gridbot"]
    results["ratios"] = {
        "macro_f1_delta": round(ours["macro_f1"] - base["macro_f1"], 4),
        "independent_macro_f1_delta": round(ours["independent_macro_f1"] - base["independent_macro_f1"], 4),
        "batch_throughput_x": round(ours["batch_messages_per_s"] / base["batch_messages_per_s"], 2),
        "latency_p99_x": round(ours["latency_p99_ms"] / base["latency_p99_ms"], 3),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
