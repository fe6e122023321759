"""The model versions in the models directory, and rolling back (or forward) to one of them: it becomes
``CURRENT`` and every process switches to it, as a retraining that goes live does."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from redis.asyncio import Redis

from nlp.artifact import ArtifactError, ModelMetadata, current_version, read_metadata, set_current

from bot.infra import keys
from bot.model.holder import ModelHolder


@dataclass(frozen=True)
class Versions:
    """Every readable version (newest first), which one CURRENT names, and which this process serves."""

    all: list[ModelMetadata]
    current: str | None
    serving: str

    def find(self, version: str) -> ModelMetadata | None:
        return next((m for m in self.all if m.version == version), None)


def list_versions(models_dir: Path, serving: str) -> Versions:
    """The versions saved under ``models_dir`` (a model of another schema is left out: it cannot be served)."""
    found = []
    for path in models_dir.iterdir() if models_dir.is_dir() else ():
        if path.is_dir() and not path.name.startswith("."):
            try:
                found.append(read_metadata(path))
            except ArtifactError:
                continue
    found.sort(key=lambda m: (m.created_at, m.version), reverse=True)
    return Versions(found, current_version(models_dir), serving)


async def switch_everywhere(models: ModelHolder, redis: Redis, version: str) -> bool:
    """Make ``version`` current and switch every process to it; False when it is no version here or a
    retraining is running (its result would replace the choice)."""
    known = await asyncio.to_thread(list_versions, models.models_dir, models.metadata.version)
    if known.find(version) is None or await redis.exists(keys.retrain_lock()):
        return False
    await asyncio.to_thread(set_current, models.models_dir, version)
    await models.switch_to(version)  # this process at once; the others on the message
    await models.publish(redis, version)
    return True
