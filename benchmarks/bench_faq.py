"""FAQ retrieval benchmark: how precise the answers from the knowledge base are, and how many questions get one.

Two sets, never mixed:

* ``--dev`` (the threshold is chosen here): leave-one-out over the examples of training_data/faq.yaml
  (each example is looked up in an index of the base without it), and benchmarks/data/faq_dev_none.txt
  adds 61 messages about nothing in the base (questions on other topics, and complaints that use its
  words). It prints precision, coverage and wrongly answered ``none`` messages over a sweep of
  thresholds. The rule: the lowest threshold with precision ≥ 0.93 and ≤ 5 % of ``none`` answered.
* ``--data CSV`` (header ``text,topic``; a topic id or ``none``): benchmarks/data/faq_independent.csv (330
  rows: 180 questions on the 36 topics, 150 ``none``) was written apart from the base by someone who saw
  only the topic list, and was scored once, after the threshold was fixed, with the whole base indexed
  and nlp.faq.THRESHOLD, as the service answers (the question test first, then the threshold).

Reported: precision of answers given (goal ≥ 0.9), share of topic questions answered (and answered right),
share of ``none`` rows answered (wrongly), and retrieval latency per message (p50/p99).

Run: .venv/bin/python benchmarks/bench_faq.py --dev
     .venv/bin/python benchmarks/bench_faq.py --data benchmarks/data/faq_independent.csv [--json OUT]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.faq import THRESHOLD, FaqEntry, FaqIndex  # noqa: E402
from nlp.faq_data import load_faq  # noqa: E402
from nlp.segment import Segmenter, read_userdict  # noqa: E402

FAQ = ROOT / "training_data" / "faq.yaml"
DEV_NONE = ROOT / "benchmarks" / "data" / "faq_dev_none.txt"
USERDICT = ROOT / "training_data" / "userdict.txt"
NONE = "none"


def segmenter() -> Segmenter:
    return Segmenter("rjieba", read_userdict(USERDICT))


def held_out(entries: list[FaqEntry]) -> list[tuple[FaqIndex, str, str]]:
    """(index without the example, example, its topic) for every example of the base."""
    seg, out = segmenter(), []
    for number, entry in enumerate(entries):
        for i, example in enumerate(entry.examples):
            kept = list(entries)
            kept[number] = replace(entry, examples=entry.examples[:i] + entry.examples[i + 1:])
            out.append((FaqIndex(kept, seg), example, entry.id))
    return out


def dev_none() -> list[tuple[str, str]]:
    lines = DEV_NONE.read_text(encoding="utf-8").splitlines()
    return [(line.strip(), NONE) for line in lines if line.strip() and not line.startswith("#")]


def decide(cases: list[tuple[FaqIndex, str, str]], threshold: float) -> list[tuple[str, str | None]]:
    """(true topic, answered topic or None) of every (index, text, topic), as the service decides."""
    out = []
    for index, text, topic in cases:
        match = index.answer_for(text, None, threshold)
        out.append((topic, match.entry.id if match else None))
    return out


def score(decisions: list[tuple[str, str | None]]) -> dict[str, Any]:
    answered = [(t, a) for t, a in decisions if a is not None]
    right = sum(1 for t, a in answered if t == a)
    topical = [(t, a) for t, a in decisions if t != NONE]
    nones = [(t, a) for t, a in decisions if t == NONE]
    return {
        "rows": len(decisions), "topic_rows": len(topical), "none_rows": len(nones), "answers_given": len(answered),
        "precision": round(right / len(answered), 4) if answered else None,
        "topic_answered": round(sum(1 for _, a in topical if a) / len(topical), 4) if topical else None,
        "topic_answered_right": round(sum(1 for t, a in topical if a == t) / len(topical), 4) if topical else None,
        "none_answered": round(sum(1 for _, a in nones if a) / len(nones), 4) if nones else None,
    }


def latency(index: FaqIndex, texts: list[str]) -> dict[str, float]:
    for text in texts[:20]:
        index.best(text)  # warm the feature memo as a running service has it
    times = []
    for text in texts:
        started = time.perf_counter()
        index.answer_for(text)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": round(times[len(times) // 2], 3), "p99_ms": round(times[int(len(times) * 0.99)], 3)}


def run_dev() -> dict[str, Any]:
    entries = load_faq(FAQ)
    full = FaqIndex(entries, segmenter())
    cases = held_out(entries) + [(full, text, topic) for text, topic in dev_none()]
    sweep = {f"{t:.2f}": score(decide(cases, t)) for t in [x / 100 for x in range(20, 61, 2)]}
    wrong = [(text, topic, m.entry.id, m.score) for index, text, topic in cases
             for m in [index.answer_for(text)] if m is not None and m.entry.id != topic]
    missed = [(text, topic) for index, text, topic in cases if topic != NONE and index.answer_for(text) is None]
    return {"threshold": THRESHOLD, "sweep": sweep, "at_threshold": score(decide(cases, THRESHOLD)),
            "wrong_at_threshold": wrong, "missed_at_threshold": missed,
            "latency": latency(full, [text for _, text, _ in cases])}


def run_data(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8", newline="") as src:
        rows = [(r["text"], r["topic"].strip()) for r in csv.DictReader(src)]
    index = FaqIndex(load_faq(FAQ), segmenter())
    return {"set": str(path), "threshold": THRESHOLD, **score(decide([(index, t, topic) for t, topic in rows], THRESHOLD)),
            "latency": latency(index, [t for t, _ in rows])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", action="store_true", help="the dev split and the threshold sweep")
    parser.add_argument("--data", type=Path, help="an independent set (text,topic)")
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--show", action="store_true", help="with --dev: print the wrong and missed rows")
    args = parser.parse_args()
    if not args.dev and args.data is None:
        parser.error("give --dev or --data CSV")
    result = run_dev() if args.dev else run_data(args.data)
    if not args.show:
        result.pop("wrong_at_threshold", None)
        result.pop("missed_at_threshold", None)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
