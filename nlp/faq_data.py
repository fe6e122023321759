"""The knowledge base as a file (``training_data/faq.yaml``): reading it, and what makes an entry valid.

The same rules hold for an entry typed at the command line or in the console, so :func:`entry_problem`
is the one check every way in uses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from nlp.faq import FaqEntry

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,47}")
MAX_QUESTION = 200
MAX_ANSWER = 1000
MAX_EXAMPLES = 30


class FaqDataError(ValueError):
    """A knowledge-base file or entry that cannot be used (the message names the file and entry)."""


def entry_problem(entry: FaqEntry) -> str | None:
    """What is wrong with ``entry`` (None: it is fine)."""
    if not ID_PATTERN.fullmatch(entry.id):
        return f"bad id {entry.id!r}: use 2–48 of a–z, 0–9 and _, starting with a letter"
    if not entry.question.strip() or len(entry.question) > MAX_QUESTION:
        return f"entry {entry.id}: the question must be 1–{MAX_QUESTION} characters"
    if not entry.answer.strip() or len(entry.answer) > MAX_ANSWER:
        return f"entry {entry.id}: the answer must be 1–{MAX_ANSWER} characters"
    if len(entry.examples) > MAX_EXAMPLES:
        return f"entry {entry.id}: at most {MAX_EXAMPLES} examples"
    if any(not example.strip() or len(example) > MAX_QUESTION for example in entry.examples):
        return f"entry {entry.id}: every example must be 1–{MAX_QUESTION} characters"
    return None


def entry_from_mapping(raw: Any, where: str) -> FaqEntry:
    """An entry from its YAML/JSON mapping; FaqDataError naming ``where`` when it is not one."""
    if not isinstance(raw, dict):
        raise FaqDataError(f"{where}: an entry must be a mapping with id, question, examples, answer")
    examples = raw.get("examples") or []
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise FaqDataError(f"{where}: examples must be a list of texts")
    values = {name: raw.get(name) for name in ("id", "question", "answer")}
    if not all(isinstance(value, str) for value in values.values()):
        raise FaqDataError(f"{where}: id, question and answer must be texts")
    entry = FaqEntry(id=str(values["id"]).strip(), question=str(values["question"]).strip(),
                     answer=str(values["answer"]).strip(), examples=tuple(e.strip() for e in examples),
                     reviewed=bool(raw.get("reviewed", False)))
    problem = entry_problem(entry)
    if problem is not None:
        raise FaqDataError(f"{where}: {problem}")
    return entry


def load_faq(path: Path) -> list[FaqEntry]:
    """Every entry of the file at ``path``, validated whole (ids unique)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise FaqDataError(f"{path}: cannot read the knowledge base: {str(err).splitlines()[0]}") from None
    raw_entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(raw_entries, list):
        raise FaqDataError(f"{path}: expected a mapping with a list under 'entries'")
    entries = [entry_from_mapping(raw, f"{path}: entry {number}") for number, raw in enumerate(raw_entries, 1)]
    duplicate = first_duplicate(entries)
    if duplicate is not None:
        raise FaqDataError(f"{path}: the id {duplicate!r} is used twice")
    return entries


def first_duplicate(entries: Sequence[FaqEntry]) -> str | None:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            return entry.id
        seen.add(entry.id)
    return None
