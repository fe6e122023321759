"""Reading labelled messages from CSV (``text,label`` with a header; optional ``urgent`` and ``nature``
columns; extra columns ignored).

Every problem is reported as :class:`DatasetError` naming the file and, where there is one, the line,
so that a command line can print it as one clear line.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nlp.natures import NATURES

REQUIRED_COLUMNS = ("text", "label")
# Fewer examples than this teach a category nothing reliable, and leave its held-out score one or two rows.
MIN_ROWS_PER_LABEL = 10


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
    # The nature (nlp.natures) of each row, None where a row has none; None when the file has no such column.
    natures: list[str | None] | None = None

    def __len__(self) -> int:
        return len(self.texts)

    def first_line(self, label: str) -> int:
        """The line of the first row with ``label``."""
        return self.lines[self.labels.index(label)]

    def thin_labels(self, minimum: int = MIN_ROWS_PER_LABEL) -> list[tuple[str, int]]:
        """(label, rows) of each label with fewer than ``minimum`` rows, in file order."""
        return [(label, count) for label, count in Counter(self.labels).items() if count < minimum]


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


def _parse_nature(value: str, path: Path, line: int) -> str | None:
    value = value.strip().lower()
    if value and value not in NATURES:
        raise DatasetError(f"{path}:{line}: unknown nature {value!r}; the natures are: {', '.join(NATURES)}")
    return value or None


def read_labelled_csv(path: Path, *, require_labels: bool = True, categories: Sequence[str] | None = None,
                      categories_file: str = "the taxonomy") -> Dataset:
    """Read and validate a labelled CSV; every label must be one of ``categories`` (when given, read from
    ``categories_file``), and with ``require_labels`` the rows must be enough to train a classifier."""
    content, raw = _read_text(path)
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise DatasetError(f"{path}:1: missing column {', '.join(missing)} (header must name text,label)")
    reader.fieldnames = header
    has_urgent, has_nature = "urgent" in header, "nature" in header
    texts: list[str] = []
    labels: list[str] = []
    urgent: list[bool] = []
    natures: list[str | None] = []
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
            if has_nature:
                natures.append(_parse_nature(row["nature"], path, line))
    except csv.Error as err:
        raise DatasetError(f"{path}:{reader.line_num}: malformed CSV ({err})") from None
    if not texts:
        raise DatasetError(f"{path}: no rows after the header")
    dataset = Dataset(texts, labels, urgent if has_urgent else None, lines, hashlib.sha256(raw).hexdigest(),
                      natures if has_nature else None)
    if categories is not None:
        check_categories(dataset, path, categories, categories_file)
    if require_labels:
        check_trainable(dataset, path)
        check_natures(dataset, path)
    return dataset


def check_categories(dataset: Dataset, path: Path, categories: Sequence[str], categories_file: str) -> None:
    """Refuse labels that are not categories: a typo would otherwise train (or score) a category of its own."""
    unknown = [label for label in dict.fromkeys(dataset.labels) if label not in set(categories)]
    if not unknown:
        return
    listed = ", ".join(f"{label!r} (first on line {dataset.first_line(label)})" for label in unknown[:5])
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    raise DatasetError(f"{path}:{dataset.first_line(unknown[0])}: {len(unknown)} label{'s' * (len(unknown) > 1)} "
                       f"not in {categories_file}: {listed}{more}; the categories are: {', '.join(categories)}")


def check_trainable(dataset: Dataset, path: Path, minimum: int = MIN_ROWS_PER_LABEL) -> None:
    """Refuse label sets a classifier cannot learn: fewer than 2 labels, or too few rows of a label."""
    counts = Counter(dataset.labels)
    if len(counts) < 2:
        raise DatasetError(f"{path}: needs at least 2 different labels, found {len(counts)}")
    thin = dataset.thin_labels(minimum)
    if thin:
        got = ", ".join(f"{count} for {label!r} (line {dataset.first_line(label)})" for label, count in thin)
        raise DatasetError(f"{path}:{dataset.first_line(thin[0][0])}: needs at least {minimum} rows per category, "
                           f"got {got}")


def check_natures(dataset: Dataset, path: Path, minimum: int = MIN_ROWS_PER_LABEL) -> None:
    """Refuse natures a nature classifier cannot learn: a nature given on fewer than ``minimum`` rows
    (a file without natures, or with none filled in, trains no nature classifier and is fine)."""
    if dataset.natures is None:
        return
    counts = Counter(nature for nature in dataset.natures if nature)
    thin = [(nature, count) for nature, count in counts.items() if count < minimum]
    if not thin:
        return
    first = {nature: dataset.lines[dataset.natures.index(nature)] for nature, _ in thin}
    got = ", ".join(f"{count} for {nature!r} (line {first[nature]})" for nature, count in thin)
    raise DatasetError(f"{path}:{first[thin[0][0]]}: needs at least {minimum} rows per nature, got {got}")
