"""Reading labelled messages from CSV (``text,label`` with a header; extra columns ignored).

Every problem is reported as :class:`DatasetError` naming the file and, where there is one, the line,
so that a command line can print it as one clear line.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REQUIRED_COLUMNS = ("text", "label")


class DatasetError(ValueError):
    """A labelled-data file that cannot be used; the message names file and line."""


@dataclass(frozen=True)
class Dataset:
    """Labelled messages as read from a file, with the line each came from."""

    texts: list[str]
    labels: list[str]
    urgent: list[bool] | None
    lines: list[int]
    sha256: str

    def __len__(self) -> int:
        return len(self.texts)


def _read_text(path: Path) -> tuple[str, bytes]:
    if not path.exists():
        raise DatasetError(f"{path}: file not found")
    if not path.is_file():
        raise DatasetError(f"{path}: not a file")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), raw
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DatasetError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[err.start]:02x}); save the file as UTF-8") from None


def _parse_urgent(value: str, path: Path, line: int) -> bool:
    value = value.strip().lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("", "0", "false", "no"):
        return False
    raise DatasetError(f"{path}:{line}: urgent must be 0 or 1, got {value!r}")


def read_labelled_csv(path: Path, *, require_labels: bool = True) -> Dataset:
    """Read and validate a labelled CSV; ``require_labels`` also checks it can train a classifier."""
    content, raw = _read_text(path)
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise DatasetError(f"{path}:1: missing column {', '.join(missing)} (header must name text,label)")
    reader.fieldnames = header
    has_urgent = "urgent" in header
    texts: list[str] = []
    labels: list[str] = []
    urgent: list[bool] = []
    lines: list[int] = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(value is None for value in row.values()):
                raise DatasetError(f"{path}:{line}: wrong number of fields")
            text, label = row["text"].strip(), row["label"].strip()
            if not text:
                raise DatasetError(f"{path}:{line}: empty text")
            if not label:
                raise DatasetError(f"{path}:{line}: empty label")
            texts.append(text)
            labels.append(label)
            lines.append(line)
            if has_urgent:
                urgent.append(_parse_urgent(row["urgent"], path, line))
    except csv.Error as err:
        raise DatasetError(f"{path}:{reader.line_num}: malformed CSV ({err})") from None
    if not texts:
        raise DatasetError(f"{path}: no rows after the header")
    dataset = Dataset(texts, labels, urgent if has_urgent else None, lines, hashlib.sha256(raw).hexdigest())
    if require_labels:
        check_trainable(dataset, path)
    return dataset


def check_trainable(dataset: Dataset, path: Path) -> None:
    """Refuse label sets a classifier cannot learn: fewer than 2 labels, a label seen only once."""
    counts = Counter(dataset.labels)
    if len(counts) < 2:
        raise DatasetError(f"{path}: needs at least 2 different labels, found {len(counts)}")
    for label, count in counts.items():
        if count < 2:
            line = dataset.lines[dataset.labels.index(label)]
            raise DatasetError(f"{path}:{line}: label {label!r} has a single example; give it at least 2")
