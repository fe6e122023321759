"""Versioned model artifacts on disk: ``<root>/<version>/{model.pkl,metadata.json}`` and ``<root>/CURRENT``.

Metadata carries a schema version (checked on load), the model version, creation time, the SHA-256 of
the training data, the label set (and the natures, when the model tells them apart), held-out metrics and
the parameters. Writes are atomic (temporary
directory, then rename), so a reader never sees half a model.
"""

from __future__ import annotations

import json
import os
import pickle
import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlp.classifier import TextClassifier

SCHEMA_VERSION = 1
MODEL_FILE = "model.pkl"
METADATA_FILE = "metadata.json"
CURRENT_FILE = "CURRENT"


class ArtifactError(RuntimeError):
    """A model directory that cannot be loaded; the message says why."""


@dataclass
class ModelMetadata:
    """What is known about a saved model."""

    version: str
    created_at: str
    data_sha256: str
    labels: list[str]
    metrics: dict[str, Any]
    n_train: int
    params: dict[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
    natures: list[str] = field(default_factory=list)  # empty: no nature classifier (as in models made before it)


def new_version(data_sha256: str, now: datetime | None = None) -> str:
    """A sortable, unique version name: UTC time, the start of the data hash, and a random part (the
    same data trained twice in one second, e.g. ``train`` then ``train --force``, gets two versions)."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%d-%H%M%S}-{data_sha256[:8]}-{secrets.token_hex(2)}"


def save_model(root: Path, classifier: TextClassifier, metadata: ModelMetadata, *, make_current: bool = True) -> Path:
    """Write a model version under ``root`` and (by default) mark it current; returns its directory."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / metadata.version
    if target.exists():
        raise ArtifactError(f"{target}: a model with this version exists already")
    staging = Path(tempfile.mkdtemp(prefix=".saving-", dir=root))
    with open(staging / MODEL_FILE, "wb") as out:
        pickle.dump(classifier, out, protocol=pickle.HIGHEST_PROTOCOL)
    (staging / METADATA_FILE).write_text(json.dumps(asdict(metadata), ensure_ascii=False, indent=2), encoding="utf-8")
    os.rename(staging, target)
    if make_current:
        set_current(root, metadata.version)
    return target


def set_current(root: Path, version: str) -> None:
    """Point ``root/CURRENT`` at ``version`` (atomic replace)."""
    if not (root / version / METADATA_FILE).is_file():
        raise ArtifactError(f"{root / version}: no such model version")
    temp = root / f".{CURRENT_FILE}.tmp"
    temp.write_text(version + "\n", encoding="utf-8")
    os.replace(temp, root / CURRENT_FILE)


def current_version(root: Path) -> str | None:
    """The version ``root/CURRENT`` names, or None when there is none yet."""
    try:
        return (root / CURRENT_FILE).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def resolve_model_dir(path: Path) -> Path:
    """Accept a model version directory, or a models root whose CURRENT names one."""
    if (path / METADATA_FILE).is_file():
        return path
    version = current_version(path)
    if version is None:
        raise ArtifactError(f"{path}: not a model directory (no {METADATA_FILE}) and no {CURRENT_FILE} model in it")
    return path / version


def read_metadata(model_dir: Path) -> ModelMetadata:
    """Read and check a model's metadata."""
    try:
        raw = json.loads((model_dir / METADATA_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"{model_dir}: no {METADATA_FILE}") from None
    except json.JSONDecodeError as err:
        raise ArtifactError(f"{model_dir / METADATA_FILE}: not valid JSON ({err})") from None
    schema = raw.get("schema_version")
    if schema != SCHEMA_VERSION:
        raise ArtifactError(f"{model_dir}: model schema version {schema}, this gridbot reads {SCHEMA_VERSION}; retrain")
    try:
        return ModelMetadata(**raw)
    except TypeError as err:
        raise ArtifactError(f"{model_dir / METADATA_FILE}: unexpected metadata ({err})") from None


def load_model(path: Path) -> tuple[TextClassifier, ModelMetadata]:
    """Load the model at ``path`` (a version directory or a models root)."""
    model_dir = resolve_model_dir(path)
    metadata = read_metadata(model_dir)
    try:
        with open(model_dir / MODEL_FILE, "rb") as src:
            classifier = pickle.load(src)
    except FileNotFoundError:
        raise ArtifactError(f"{model_dir}: no {MODEL_FILE}") from None
    except (pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError) as err:
        raise ArtifactError(f"{model_dir / MODEL_FILE}: cannot be loaded ({err})") from None
    from nlp.classifier import TextClassifier

    if not isinstance(classifier, TextClassifier):
        raise ArtifactError(f"{model_dir / MODEL_FILE}: does not hold a gridbot classifier")
    if classifier.labels != sorted(metadata.labels):
        raise ArtifactError(f"{model_dir}: model labels do not match its metadata")
    if classifier.natures != sorted(metadata.natures):
        raise ArtifactError(f"{model_dir}: model natures do not match its metadata")
    return classifier, metadata
