"""Splitting benchmark (nlp.parts): messages holding two requests split into the right two categories,
long one-request messages split (should not be), and what splitting costs per message.

Data: CSV with header ``text,kind,categories``; ``kind`` is ``two`` or ``one``; ``categories`` the
expected category codes (separated by ``;``, ``|``, ``,``, ``/`` or spaces). A two-problem message counts
as right when it is split into exactly its two categories (in any order). Model: the current model of
the data dir (``GRIDBOT_DATA_DIR``, default ./var; trained on the shipped corpus on first use), as
``gridbot serve`` uses it. Latency: the time splitting adds to a message already classified (the
serving path's pieces classified with the cheaper path for so few), p50 and p99 over every message,
after a warm-up and with the loaded model kept out of the garbage collector's sweeps, as when serving.

Run: .venv/bin/python benchmarks/bench_parts.py [CSV ...] [--json OUT]
(default: the nine dev sets benchmarks/data/parts_dev*.csv, the two short sets, then parts_independent.csv)
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "benchmarks" / "data"
# dev…dev4 were studied while writing the rules; parts_dev5.csv (a second blind writer's set, written at the
# same time as dev4) was not, before this round's rules were merged.
# parts_dev6.csv and parts_dev7.csv (two more blind writers of the sixth pass) were studied by no one.
# parts_dev8.csv and parts_short_dev8.csv (short everyday one-problem messages, which must stay whole) came from a
# blind writer of the seventh pass and were measured once unseen, before and after that pass's first rules;
# parts_dev9.csv and parts_short_dev9.csv (a second blind writer) only once, when its rules were written.
DEFAULT_FILES = ([DATA / f"parts_dev{n}.csv" for n in ("", "2", "3", "4", "5", "6", "7", "8", "9")]
                 + [DATA / "parts_short_dev8.csv", DATA / "parts_short_dev9.csv", DATA / "parts_independent.csv"])


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The file's messages with their kind and expected categories."""
    with open(path, encoding="utf-8-sig", newline="") as src:
        return [{"text": r["text"], "kind": r["kind"].strip(),
                 "categories": [c for c in re.split(r"[;|,/\s]+", r["categories"]) if c]}
                for r in csv.DictReader(src)]


def default_classifier() -> Any:
    from bot.app.config import Settings
    from bot.model.store import load_or_train_default

    return load_or_train_default(Settings())[0]


def measure_parts(path: Path, classifier: Any = None) -> dict[str, Any]:
    """The two figures and the latency of splitting for the messages of ``path``."""
    from bot.model.holder import classify_few, keep_out_of_gc
    from nlp.parts import find_parts

    classifier = classifier or default_classifier()
    rows = load_rows(path)
    for row in rows[:10]:  # warm up: lazy tables, first calls
        find_parts(lambda texts: classify_few(classifier, texts), row["text"], classifier.classify(row["text"]))
    keep_out_of_gc()  # as a serving process does once its model is loaded
    right = split_two = split_one = 0
    latencies = []
    for row in rows:
        whole = classifier.classify(row["text"])
        started = time.perf_counter()
        found = find_parts(lambda texts: classify_few(classifier, texts), row["text"], whole)
        latencies.append((time.perf_counter() - started) * 1000)
        categories = sorted(p.category for p in found)
        if row["kind"] == "two":
            split_two += len(found) > 1
            right += categories == sorted(row["categories"])
        else:
            split_one += len(found) > 1
    two = sum(1 for r in rows if r["kind"] == "two")
    one = len(rows) - two
    latencies.sort()
    return {
        "file": str(path), "two_problem_messages": two, "one_problem_messages": one,
        "two_split_right": round(right / two, 4) if two else None,
        "two_split_at_all": round(split_two / two, 4) if two else None,
        "one_split": round(split_one / one, 4) if one else None,
        "split_latency_p50_ms": round(latencies[len(latencies) // 2], 3),
        "split_latency_p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="CSV files (text,kind,categories)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    files = args.files or DEFAULT_FILES
    classifier = default_classifier()
    report([measure_parts(path, classifier) for path in files], args.json)


def report(results: list[dict[str, Any]], out: Path | None) -> None:
    """Print ``results`` as JSON, and write them to ``out`` when given."""
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if out:
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
