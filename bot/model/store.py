"""Where the service gets its classifier: the current model in the data dir, trained on first use."""

from __future__ import annotations

import fcntl
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nlp.artifact import ArtifactError, ModelMetadata, current_version, load_model, new_version, read_metadata, save_model
from nlp.classifier import TextClassifier
from nlp.dataset import Dataset, read_labelled_csv
from nlp.segment import read_userdict
from nlp.progress import Progress
from nlp.training import TrainingResult, train_with_heldout

from bot.app.config import Settings
from bot.model.gate import Verdict, judge


def user_words(settings: Settings) -> list[tuple[str, int | None]]:
    """The shipped domain dictionary (missing file: no extra words)."""
    path = settings.userdict_path
    return read_userdict(path) if path.is_file() else []


@dataclass(frozen=True)
class Trained:
    """A model trained and saved as a new version, and whether it became the current one."""

    result: TrainingResult
    metadata: ModelMetadata
    path: Path
    verdict: Verdict  # against the model that was current in the same directory
    current: bool


def train_and_save(
    settings: Settings,
    dataset: Dataset,
    out_dir: Path,
    *,
    extra_words: Sequence[tuple[str, int | None]] = (),
    progress: Progress | None = None,
    force: bool = False,
) -> Trained:
    """Train with a held-out evaluation and save a new version under ``out_dir``; it becomes current if
    it passes the gate against the current model there (``bot.model.gate``), or when ``force``d."""
    in_use = current_metadata(out_dir)
    words = user_words(settings) + list(extra_words)
    result = train_with_heldout(dataset, user_words=words, progress=progress)
    metadata = _metadata(dataset, result)
    verdict = judge(result.metrics, in_use)
    path = save_model(out_dir, result.classifier, metadata, make_current=verdict.go_live or force)
    return Trained(result, metadata, path, verdict, verdict.go_live or force)


def current_metadata(models_dir: Path) -> ModelMetadata | None:
    """The metadata of the current model under ``models_dir`` (None when there is none, or it cannot be read:
    a model of an older schema is no model in use, and retraining is what replaces it)."""
    version = current_version(models_dir)
    try:
        return read_metadata(models_dir / version) if version is not None else None
    except ArtifactError:
        return None


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
        natures=result.classifier.natures,
        metrics=result.metrics,
        n_train=result.n_train,
        params={"engine": "rjieba", "features": "hashed word 1-2 + char 1-3 tf-idf",
                "model": "LinearSVC C=1.0 + temperature; urgency: words + logistic regression; "
                         "nature: balanced LinearSVC C=1.0 + temperature"},
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
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
