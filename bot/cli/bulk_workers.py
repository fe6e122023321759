"""Chunks of ``classify --file`` done by forked worker processes, their output written in input order.

Each worker is forked after the model is loaded, so it shares the parent's model pages and needs
nothing pickled but the chunks and their output text. Chunk *i* goes to worker *i mod n*, and at most
:data:`AHEAD` chunks per worker are in flight (memory stays constant): a worker finds its next chunk
waiting when it finishes one, instead of idling while the parent takes the output and sends more. A thread
in each worker receives its chunks as they come, so the parent's sending never waits on a worker busy
sending output (neither side can block the other on a full pipe). A worker that dies is noticed by its
process sentinel and ends the command with an error instead of a hang.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

# A chunk's job: its lines and the number of its first line → its output text and whether every line
# could be classified.
ChunkJob = Callable[[list[str], int], tuple[str, bool]]
MAX_WORKERS = 8  # beyond this the parent's reading and writing is the limit
AHEAD = 2  # chunks in flight per worker: the one it works on and the next


class WorkerFailed(RuntimeError):
    """A worker process raised or died; the message says which and why."""


def default_workers() -> int:
    """The CPUs this process may use (at most :data:`MAX_WORKERS`)."""
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


def in_order(job: ChunkJob, chunks: Iterable[tuple[list[str], int]], workers: int) -> Iterator[tuple[str, bool]]:
    """``job`` of every chunk, computed by ``workers`` forked processes, yielded in input order."""
    context = multiprocessing.get_context("fork")
    sys.stdout.flush()  # a child flushes what it inherited when it ends: nothing may be waiting
    sys.stderr.flush()
    started: list[tuple[BaseProcess, Connection, Connection]] = []
    try:
        for _ in range(workers):
            inbox_read, inbox_write = context.Pipe(duplex=False)
            outbox_read, outbox_write = context.Pipe(duplex=False)
            process = context.Process(target=_serve, args=(job, inbox_read, outbox_write), daemon=True)
            process.start()
            inbox_read.close()
            outbox_write.close()
            started.append((process, inbox_write, outbox_read))
        yield from _dispatch(chunks, started)
    finally:
        for worker, inbox, outbox in started:
            # a word to stop, not end-of-file: the workers forked later hold this pipe's end open too
            with contextlib.suppress(OSError):
                inbox.send(None)
            inbox.close()
            outbox.close()
            worker.join(timeout=5)
            if worker.is_alive():
                worker.kill()


def _dispatch(chunks: Iterable[tuple[list[str], int]],
              started: list[tuple[BaseProcess, Connection, Connection]]) -> Iterator[tuple[str, bool]]:
    sent = taken = 0
    for chunk in chunks:
        if sent - taken == AHEAD * len(started):  # every worker has its next chunk: the oldest chunk's output first
            yield _take(*started[taken % len(started)])
            taken += 1
        process, inbox, _ = started[sent % len(started)]
        try:
            inbox.send(chunk)
        except OSError:  # it died with chunks still to come: what was done before comes out first, then why
            for number in range(taken, sent):
                yield _take(*started[number % len(started)])
            process.join(timeout=5)
            raise WorkerFailed(f"a classifying process ended unexpectedly (exit code {process.exitcode})") from None
        sent += 1
    while taken < sent:
        yield _take(*started[taken % len(started)])
        taken += 1


def _take(process: BaseProcess, inbox: Connection, outbox: Connection) -> tuple[str, bool]:
    """The next output of one worker, or :class:`WorkerFailed` when it raised or died."""
    wait([outbox, process.sentinel])
    try:
        kind, *value = outbox.recv()
    except EOFError:  # it died (killed, out of memory) before it could answer
        process.join(timeout=5)
        raise WorkerFailed(f"a classifying process ended unexpectedly (exit code {process.exitcode})") from None
    if kind == "error":
        raise WorkerFailed(f"a classifying process failed: {value[0]}")
    return value[0], value[1]


def _serve(job: ChunkJob, inbox: Connection, outbox: Connection) -> None:
    """A worker's loop: chunks in, output out, until the parent says stop or closes the pipe."""
    waiting: queue.SimpleQueue[tuple[list[str], int] | None] = queue.SimpleQueue()
    stop = threading.Event()  # the parent said stop: chunks read ahead are not worked on
    threading.Thread(target=_receive, args=(inbox, waiting, stop), daemon=True).start()
    while (received := waiting.get()) is not None and not stop.is_set():
        lines, first = received
        try:
            text, good = job(lines, first)
        except Exception:  # noqa: BLE001 — reported to the parent, which stops the command
            with contextlib.suppress(OSError):
                outbox.send(("error", traceback.format_exc(limit=3)))
            return
        try:
            outbox.send(("done", text, good))
        except OSError:  # the parent has stopped (another worker failed): nothing to answer
            return


def _receive(inbox: Connection, waiting: queue.SimpleQueue[tuple[list[str], int] | None],
             stop: threading.Event) -> None:
    """Move chunks from the parent's pipe to ``waiting`` as they come; on the parent's word to stop (None) or its
    pipe's end, set ``stop`` and wake the worker."""
    while True:
        try:
            received = inbox.recv()
        except (EOFError, OSError):
            received = None
        if received is None:
            stop.set()
        waiting.put(received)
        if received is None:
            return
