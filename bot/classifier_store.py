"""Where the service gets its classifier: the current model in the data dir, trained on first use."""

from __future__ import annotations

import fcntl
from collections.abc import Sequence
from pathlib import Path

from nlp.artifact import ModelMetadata, current_version, load_model, new_version, save_model
from nlp.classifier import TextClassifier
from nlp.dataset import Dataset, read_labelled_csv
from nlp.segment import read_userdict
from nlp.training import Progress, TrainingResult, train_with_heldout

from bot.config import Settings


def user_words(settings: Settings) -> list[tuple[str, int | None]]:
    """The shipped domain dictionary (missing file: no extra words)."""
    path = settings.userdict_path
    return read_userdict(path) if path.is_file() else []


def train_and_save(
    settings: Settings,
    dataset: Dataset,
    out_dir: Path,
    *,
    extra_words: Sequence[tuple[str, int | None]] = (),
    progress: Progress | None = None,
    make_current: bool = True,
) -> tuple[TrainingResult, ModelMetadata, Path]:
    """Train with a held-out evaluation, save a new version under ``out_dir``; returns all three."""
    words = user_words(settings) + list(extra_words)
    result = train_with_heldout(dataset, user_words=words, progress=progress)
    metadata = _metadata(dataset, result)
    path = save_model(out_dir, result.classifier, metadata, make_current=make_current)
    return result, metadata, path


def save_trained(settings: Settings, dataset: Dataset, result: TrainingResult) -> ModelMetadata:
    """Save an already trained model as a new current version of the data dir."""
    metadata = _metadata(dataset, result)
    save_model(settings.models_dir, result.classifier, metadata, make_current=True)
    return metadata


def _metadata(dataset: Dataset, result: TrainingResult) -> ModelMetadata:
    return ModelMetadata(
        version=new_version(dataset.sha256),
        created_at=_utc_now_iso(),
        data_sha256=dataset.sha256,
        labels=sorted(set(dataset.labels)),
        metrics=result.metrics,
        n_train=result.n_train,
        params={"engine": "rjieba", "features": "hashed word 1-2 + char 1-3 tf-idf",
                "model": "LinearSVC C=1.0 + temperature; urgency: words + logistic regression"},
    )


def load_or_train_default(settings: Settings, progress: Progress | None = None) -> tuple[TextClassifier, ModelMetadata]:
    """The current model of the data dir; with none yet, train the default one on the shipped corpus."""
    models_dir = settings.models_dir
    if current_version(models_dir) is None:
        models_dir.mkdir(parents=True, exist_ok=True)
        # Several processes may start at once on a fresh data dir: one trains, the others wait for it.
        with open(models_dir / ".training.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if current_version(models_dir) is None:
                dataset = read_labelled_csv(settings.corpus_path)
                train_and_save(settings, dataset, models_dir, progress=progress)
    return load_model(models_dir)


def _utc_now_iso() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")
