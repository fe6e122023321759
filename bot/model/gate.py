"""The one rule for a newly trained model to go live, for `gridbot train` and `/retrain` alike.

A candidate replaces the model in use only if its held-out macro-F1 is not lower than the one recorded
for the model in use. Both figures come from the same procedure: a model fitted on a stratified split
and scored on the held-out rest, before the refit on all rows (see ``nlp.training``). The model in use was
refitted on all its data, so scoring it now on a split of that data would flatter it; its recorded
held-out figure is the fair comparison (on the same data it is the same split).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nlp.artifact import ModelMetadata


@dataclass(frozen=True)
class Verdict:
    """Whether a candidate may go live, and the two figures compared."""

    go_live: bool
    new_macro_f1: float
    old_macro_f1: float | None = None  # None: no model in use
    old_version: str = ""


def judge(candidate_metrics: dict[str, Any], in_use: ModelMetadata | None) -> Verdict:
    """The verdict on a candidate with these held-out metrics against the model in use (None: none)."""
    new = float(candidate_metrics["macro_f1"])
    if in_use is None:
        return Verdict(go_live=True, new_macro_f1=new)
    old = float(in_use.metrics.get("macro_f1", 0.0))
    return Verdict(go_live=new >= old, new_macro_f1=new, old_macro_f1=old, old_version=in_use.version)
