"""Retraining from the shipped corpus plus every recorded correction, switching only if not worse.

The candidate goes live (saved, marked current, announced to every process) only if it passes the gate
of ``bot.model.gate``: held-out macro-F1 not lower than the model in service's. One retraining at a time
across all processes (a lock).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from redis.asyncio import Redis

from nlp.dataset import Dataset, read_labelled_csv
from nlp.training import train_with_heldout

from bot.infra import keys
from bot.model.corrections import Corrections
from bot.model.store import save_trained, user_words
from bot.app.config import Settings
from bot.model.gate import judge
from bot.model.holder import ModelHolder
from bot.texts import admin as admin_texts

LOCK_SECONDS = 1800
Report = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class RetrainResult:
    """What a retraining measured and decided."""

    switched: bool
    busy: bool = False
    old_version: str = ""
    new_version: str = ""
    old_macro_f1: float = 0.0
    new_macro_f1: float = 0.0
    corrections: int = 0
    n_train: int = 0
    old_nature_f1: float | None = None  # None: that model has no nature classifier
    new_nature_f1: float | None = None


async def corrections(redis: Redis) -> list[dict[str, object]]:
    """Every recorded label correction (one per ticket, the latest) that an admin has not rejected."""
    return await Corrections(redis).for_training()


def with_corrections(dataset: Dataset, extra: list[dict[str, object]]) -> Dataset:
    """The dataset plus correction rows (a corrected ticket's urgency is taken as not urgent-labelled; a
    correction says nothing of its nature, so it teaches the category only)."""
    texts = dataset.texts + [str(c["text"]) for c in extra]
    labels = dataset.labels + [str(c["label"]) for c in extra]
    urgent = dataset.urgent + [bool(c.get("urgent", False)) for c in extra] if dataset.urgent is not None else None
    natures = dataset.natures + [None] * len(extra) if dataset.natures is not None else None
    lines = dataset.lines + [0] * len(extra)
    digest = hashlib.sha256(dataset.sha256.encode())
    for correction in sorted(extra, key=lambda c: str(c.get("number"))):
        digest.update(f"\n{correction['text']}\t{correction['label']}".encode())
    return replace(dataset, texts=texts, labels=labels, urgent=urgent, lines=lines, sha256=digest.hexdigest(),
                   natures=natures)


class Retrainer:
    """Runs one retraining and reports progress through a callback."""

    def __init__(self, redis: Redis, settings: Settings, models: ModelHolder) -> None:
        self.redis = redis
        self.settings = settings
        self.models = models

    async def run(self, report: Report) -> RetrainResult:
        if not await self.redis.set(keys.retrain_lock(), "1", nx=True, ex=LOCK_SECONDS):
            return RetrainResult(switched=False, busy=True)
        try:
            return await self._run(report)
        finally:
            await self.redis.delete(keys.retrain_lock())

    async def _run(self, report: Report) -> RetrainResult:
        extra = await corrections(self.redis)
        dataset = with_corrections(read_labelled_csv(self.settings.corpus_path), extra)
        await report(admin_texts.retrain_training(len(dataset) - len(extra), len(extra)))
        words = user_words(self.settings)
        result = await asyncio.to_thread(train_with_heldout, dataset, user_words=words)
        await report(admin_texts.retrain_comparing(result.seconds))
        verdict = judge(result.metrics, self.models.metadata)
        outcome = RetrainResult(switched=False, old_version=verdict.old_version,
                                old_macro_f1=verdict.old_macro_f1 or 0.0, new_macro_f1=verdict.new_macro_f1,
                                corrections=len(extra), n_train=result.n_train,
                                old_nature_f1=verdict.old_nature_f1, new_nature_f1=verdict.new_nature_f1)
        if not verdict.go_live:
            return outcome
        metadata = await asyncio.to_thread(save_trained, self.settings, dataset, result)
        await self.models.switch_to(metadata.version)  # this process at once; the others on the message
        await self.models.publish(self.redis, metadata.version)
        return replace(outcome, switched=True, new_version=metadata.version)
