"""Forked workers for `classify --file` (bot.cli.bulk_workers): output in input order whatever each chunk
costs, at most AHEAD chunks per worker in flight, and a worker that fails or dies ends the run with a reason."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from bot.cli.bulk_workers import AHEAD, WorkerFailed, in_order


def _numbered(count: int, read: list[int] | None = None) -> Iterator[tuple[list[str], int]]:
    for number in range(count):
        if read is not None:
            read.append(number)
        yield [f"line {number}"], number


def _slow_when_even(lines: list[str], first: int) -> tuple[str, bool]:
    time.sleep(0.05 if first % 2 == 0 else 0.0)  # the even chunks' worker falls behind
    return f"{first}:{lines[0]}\n", first != 3


def test_outputs_come_in_input_order() -> None:
    outputs = list(in_order(_slow_when_even, _numbered(9), workers=2))
    assert [text for text, _ in outputs] == [f"{n}:line {n}\n" for n in range(9)]
    assert [good for _, good in outputs] == [n != 3 for n in range(9)]


def test_no_more_than_ahead_chunks_per_worker_are_read_ahead() -> None:
    read: list[int] = []
    outputs = in_order(_slow_when_even, _numbered(20, read), workers=3)
    for taken, _ in enumerate(outputs):
        # chunk `taken` is out; the workers hold at most the next AHEAD each, one more being handed over
        assert len(read) <= taken + 1 + AHEAD * 3
    assert len(read) == 20


def test_a_worker_finds_its_next_chunk_waiting() -> None:
    """While a worker is busy, its next chunk is already sent: the parent reads ahead as far as AHEAD allows."""
    read: list[int] = []
    outputs = in_order(_slow_when_even, _numbered(20, read), workers=2)
    next(outputs)
    assert len(read) >= AHEAD * 2  # both workers were given their next chunk before the first output came
    assert len(list(outputs)) == 19


def test_a_failing_chunk_stops_the_run_with_its_reason() -> None:
    def failing(lines: list[str], first: int) -> tuple[str, bool]:
        if first == 4:
            raise ValueError("bad chunk 4")
        return f"{first}\n", True

    seen = []
    with pytest.raises(WorkerFailed, match="bad chunk 4"):
        for text, _ in in_order(failing, _numbered(10), workers=2):
            seen.append(text)
    assert seen == [f"{n}\n" for n in range(4)]  # what came before it was given


def test_a_worker_that_dies_is_noticed_instead_of_waited_for() -> None:
    def dying(lines: list[str], first: int) -> tuple[str, bool]:
        if first == 2:
            os._exit(9)  # as the kernel's OOM killer would end it
        return f"{first}\n", True

    started = time.monotonic()
    with pytest.raises(WorkerFailed, match="ended unexpectedly .exit code 9"):
        list(in_order(dying, _numbered(6), workers=2))
    assert time.monotonic() - started < 10


def test_a_worker_that_dies_before_its_next_chunk_is_sent_is_noticed_too() -> None:
    """The chunk read ahead for a worker that has died cannot be sent: the run ends with the same reason, after the
    outputs that were done before it."""
    def dying(lines: list[str], first: int) -> tuple[str, bool]:
        if first == 1:
            os._exit(9)
        return f"{first}\n", True

    outputs = in_order(dying, _numbered(10), workers=1)
    assert next(outputs) == ("0\n", True)
    time.sleep(0.5)  # the worker is gone before the parent sends it the next chunk
    with pytest.raises(WorkerFailed, match="ended unexpectedly .exit code 9"):
        list(outputs)
