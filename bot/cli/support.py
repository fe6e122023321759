"""Helpers shared by the command-line modules: errors, JSON output, progress display."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO


class CliError(Exception):
    """An expected failure, printed as one line with a non-zero exit."""


def warn(message: str) -> None:
    """A one-line warning on stderr (the command goes on)."""
    print(f"gridbot: warning: {message}", file=sys.stderr)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Chinese characters and emoji take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as lines of aligned columns (by display width; the last column is not padded)."""
    widths = [max(display_width(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return ["  ".join([cell + " " * (width - display_width(cell)) for cell, width in zip(row, widths)] + [row[-1]])
            for row in rows]


def print_json(data: Any, stream: TextIO | None = None, *, indent: int | None = 2) -> None:
    """Print ``data`` as JSON (UTF-8 text, not \\u escapes)."""
    print(json.dumps(data, ensure_ascii=False, indent=indent), file=stream or sys.stdout)


def print_rows(rows: list[dict[str, Any]], as_json: bool, line: Callable[[dict[str, Any]], str]) -> None:
    """Print a listing: as one JSON array with ``--json``, else one tab-separated ``line`` per row."""
    if as_json:
        print_json(rows)
        return
    for row in rows:
        print(line(row))


@contextmanager
def step_progress(steps: tuple[str, ...], label: str) -> Iterator[Callable[[str], None]]:
    """A progress bar over named steps on a terminal (stderr); silent when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield lambda step: None
        return
    from tqdm import tqdm

    bar = tqdm(total=len(steps), desc=label, unit="step", file=sys.stderr, leave=False)
    seen: list[str] = []

    def advance(step: str) -> None:
        if seen:
            bar.update(1)
        seen.append(step)
        bar.set_postfix_str(step)

    try:
        yield advance
    finally:
        bar.update(len(steps) - bar.n)
        bar.close()


def run_async(handler: Callable[..., Any]) -> Callable[..., int]:
    """Adapt an ``async def handler(args, settings)`` to the synchronous command interface."""
    import asyncio
    import functools

    @functools.wraps(handler)
    def run(*args: Any) -> int:
        return int(asyncio.run(handler(*args)) or 0)

    return run


def telegram_id(value: str) -> int:
    """argparse type: a Telegram user id (a positive whole number)."""
    import argparse

    if not value.strip().isdigit() or int(value) <= 0:
        raise argparse.ArgumentTypeError(f"not a Telegram user id: {value!r} (expected a positive whole number)")
    return int(value)


def wecom_id(value: str) -> str:
    """argparse type: a WeCom member's account (userid), as the admin console shows it."""
    import argparse

    from bot.people.directory import valid_wecom_userid

    if not valid_wecom_userid(value.strip()):
        raise argparse.ArgumentTypeError(f"not a WeCom account: {value!r} (expected 1–64 of letters, digits, _ - @ .)")
    return value.strip()
