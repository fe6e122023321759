"""The one rule for a newly trained model to go live, for `gridbot train` and `/retrain` alike.

A candidate replaces the model in use only if its held-out macro-F1 is not lower than the one recorded
for the model in use, on the categories and on the natures alike (a candidate without a nature
classifier is worse on natures than a model in use with one; a model in use without one sets no bar). Both figures come from the same procedure: a model fitted on a stratified split
and scored on the held-out rest, before the refit on all rows (see ``nlp.training``). The model in use was
refitted on all its data, so scoring it now on a split of that data would flatter it; its recorded
held-out figure is the fair comparison (on the same data it is the same split).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from nlp.artifact import ModelMetadata


@dataclass(frozen=True)
class Verdict:
    """Whether a candidate may go live, and the two figures compared."""

    go_live: bool
    new_macro_f1: float
    old_macro_f1: float | None = None  # None: no model in use
    old_version: str = ""
    new_nature_f1: float | None = None  # None: that model has no nature classifier
    old_nature_f1: float | None = None

    @property
    def worse_on_natures(self) -> bool:
        """Whether the natures alone keep the candidate out."""
        return self.old_nature_f1 is not None and (self.new_nature_f1 or 0.0) < self.old_nature_f1


def nature_f1(metrics: dict[str, Any]) -> float | None:
    """The held-out nature macro-F1 in a model's metrics (None: the model has no nature classifier)."""
    scores = metrics.get("nature")
    return float(scores["macro_f1"]) if isinstance(scores, dict) and "macro_f1" in scores else None


def judge(candidate_metrics: dict[str, Any], in_use: ModelMetadata | None) -> Verdict:
    """The verdict on a candidate with these held-out metrics against the model in use (None: none)."""
    new, new_nature = float(candidate_metrics["macro_f1"]), nature_f1(candidate_metrics)
    if in_use is None:
        return Verdict(go_live=True, new_macro_f1=new, new_nature_f1=new_nature)
    old, old_nature = float(in_use.metrics.get("macro_f1", 0.0)), nature_f1(in_use.metrics)
    verdict = Verdict(go_live=new >= old, new_macro_f1=new, old_macro_f1=old, old_version=in_use.version,
                      new_nature_f1=new_nature, old_nature_f1=old_nature)
    return replace(verdict, go_live=False) if verdict.worse_on_natures else verdict
