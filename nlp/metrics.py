"""Evaluation metrics in the shape the CLI prints: accuracy, macro-F1, per-class scores, confusion."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from nlp.natures import NATURES


def evaluate(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Metrics of predictions against true labels, over ``labels`` (default: all labels seen)."""
    label_list = list(labels) if labels is not None else sorted(set(y_true) | set(y_pred))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=label_list, zero_division=0
    )
    per_class = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(label_list, precision, recall, f1, support)
    }
    present = [label for label in label_list if label in set(y_true)]
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)), 4),
        "per_class": per_class,
        "confusion": {
            "labels": label_list,
            "matrix": confusion_matrix(y_true, y_pred, labels=label_list).tolist(),
        },
    }


def urgency_scores(truth: Sequence[bool], flagged: Sequence[bool]) -> dict[str, Any]:
    """Recall on urgent messages and false-alarm rate on the others."""
    urgent_total = sum(truth)
    calm_total = len(truth) - urgent_total
    hits = sum(1 for t, f in zip(truth, flagged) if t and f)
    false_alarms = sum(1 for t, f in zip(truth, flagged) if f and not t)
    return {
        "urgent": urgent_total,
        "recall": round(hits / urgent_total, 4) if urgent_total else None,
        "false_urgent_rate": round(false_alarms / calm_total, 4) if calm_total else None,
    }


def nature_scores(truth: Sequence[str | None], predicted: Sequence[str | None],
                  natures: Sequence[str]) -> dict[str, Any] | None:
    """:func:`evaluate` of the natures, over the rows whose true nature is known (None: no such row)."""
    known = [(t, p or "") for t, p in zip(truth, predicted) if t]
    if not known:
        return None
    shown = [n for n in NATURES if n in natures] + [n for n in natures if n not in NATURES]  # the natures' own order
    return evaluate([t for t, _ in known], [p for _, p in known], shown)
