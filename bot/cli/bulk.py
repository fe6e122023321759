"""``gridbot classify --file``: many messages through the classifier's batch path, in order, in chunks.

The lines are read lazily and classified a chunk at a time (``TextClassifier.classify_many``), so a file
of any length runs at the vectorised path's speed in constant memory; each chunk's output is written and
flushed before the next is read. On several CPUs, worker processes classify the chunks and the output
keeps the input's order. An empty line gets an error line in its place and the rest goes on.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, TextIO

import orjson

from bot.cli import bulk_workers

if TYPE_CHECKING:
    from nlp.classifier import Prediction, TextClassifier

# Lines per batch: large enough that numpy's per-call cost vanishes, small enough to stay in the CPU's
# cache (at 20,000 the feature step is three times slower per message than at 2,000).
CHUNK_LINES = 2000



def empty_line(number: int) -> str:
    """The error an empty input line gets (``number`` counts from 1)."""
    return f"message {number} is empty"


def chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    """``lines`` in lists of ``size`` (the last one shorter)."""
    iterator = iter(lines)
    while chunk := list(islice(iterator, size)):
        yield chunk


def classify_chunk(classifier: TextClassifier, texts: list[str]) -> list[Prediction | None]:
    """The prediction of every text of one chunk, in order; None for an empty text."""
    wanted = [i for i, text in enumerate(texts) if text.strip()]
    results: list[Prediction | None] = [None] * len(texts)
    for i, prediction in zip(wanted, classifier.classify_many([texts[i] for i in wanted]) if wanted else []):
        results[i] = prediction
    return results


def json_lines(texts: list[str], predictions: list[Prediction | None], first_number: int,
               render: Callable[[str, Prediction], dict[str, Any]]) -> str:
    """One JSON object per text (``render`` builds it; an error object for an empty text), newline-ended."""
    lines = [
        orjson.dumps(render(text, p) if p is not None else {"text": text, "error": empty_line(first_number + i)})
        for i, (text, p) in enumerate(zip(texts, predictions))
    ]
    return b"\n".join(lines).decode("utf-8") + "\n"


def stream(classifier: TextClassifier, lines: Iterable[str], out: TextIO,
           format_chunk: Callable[[list[str], list[Prediction | None], int], str], workers: int = 1) -> bool:
    """Classify ``lines`` chunk by chunk, writing each chunk's ``format_chunk`` output to ``out``; with
    ``workers`` > 1 and more than one chunk of input, forked processes classify the chunks
    (:mod:`bot.cli.bulk_workers`) and the output keeps the input's order.

    Returns whether every line could be classified (False when one was empty)."""

    def job(chunk: list[str], first: int) -> tuple[str, bool]:
        with collector_paused():
            predictions = classify_chunk(classifier, chunk)
            return format_chunk(chunk, predictions, first), None not in predictions

    numbered = _numbered(chunks(lines, CHUNK_LINES))
    outputs: Iterator[tuple[str, bool]] = (job(*numbered_chunk) for numbered_chunk in numbered)
    if workers > 1:
        head = list(islice(numbered, 2))  # one chunk is not worth a fork
        outputs = (bulk_workers.in_order(job, chain(head, numbered), workers) if len(head) == 2
                   else (job(*numbered_chunk) for numbered_chunk in head))
    all_good = True
    for text, good in outputs:
        all_good = all_good and good
        out.write(text)
        out.flush()
    return all_good


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block, one young-generation collection after it.

    A chunk allocates hundreds of thousands of short-lived objects (tokens, tuples, dicts), all freed by
    reference counting; the collector would otherwise walk them again and again while they live (a tenth
    of the file's time). What a chunk leaves in cycles is collected when it ends, so memory stays bounded."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)


def _numbered(chunked: Iterable[list[str]]) -> Iterator[tuple[list[str], int]]:
    """Each chunk with the number of its first line (counting from 1)."""
    number = 1
    for chunk in chunked:
        yield chunk, number
        number += len(chunk)

