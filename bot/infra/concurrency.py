"""Two small tools for doing many things at once without losing order or paying a round trip each.

- ``Coalescer``: calls made while a batch is on its way are sent together as the next batch, so under
  load many callers share one Redis round trip, and alone a caller waits for nobody
  (``coalesced_get``: GETs that share an MGET).
- ``Lanes``: jobs run concurrently, but one at a time and in arrival order per key (per chat), with a
  bound on how many are in progress.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from redis.asyncio import Redis

from bot.infra import decoded

A = TypeVar("A")
R = TypeVar("R")
log = logging.getLogger(__name__)


class Coalescer(Generic[A, R]):
    """Batches concurrent calls of ``run_batch``: each caller gets the result for its own argument.

    ``linger``: seconds the first batch waits for company. 0 (the default) takes only the callers woken
    in the same loop turn; a little more suits work nobody waits on (records written after the fact).
    """

    def __init__(self, run_batch: Callable[[list[A]], Awaitable[Sequence[R]]], max_batch: int = 256,
                 linger: float = 0.0) -> None:
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._linger = linger
        self._waiting: list[tuple[A, asyncio.Future[R]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def __call__(self, arg: A) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((arg, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(self._linger)  # callers woken meanwhile (at least: in this loop turn) join the first batch
        while self._waiting:
            batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
            try:
                results = await self._run_batch([arg for arg, _ in batch])
            except asyncio.CancelledError:  # shutting down: nobody gets an answer
                for _, future in batch + self._waiting:
                    future.cancel()
                self._waiting = []
                raise
            except Exception as err:  # every caller of the batch hears the failure
                for _, future in batch:
                    if not future.done():
                        future.set_exception(err)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():  # a caller that was cancelled no longer waits
                    future.set_result(result)


def coalesced_get(redis: Redis) -> Coalescer[str, str | None]:
    """GET whose concurrent calls share one MGET."""

    async def get_many(keys: list[str]) -> list[str | None]:
        return decoded.optional_texts(await redis.mget(keys))

    return Coalescer(get_many)


class Lanes:
    """Runs jobs concurrently, one at a time per key in the order submitted; at most ``limit`` in progress."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._running: set[asyncio.Task[None]] = set()
        self._room = asyncio.Event()
        self._room.set()

    @property
    def free(self) -> int:
        """How many more jobs may be submitted now."""
        return max(0, self.limit - len(self._running))

    async def wait_for_room(self, at_least: int = 1) -> None:
        """Return once at least ``at_least`` more jobs may be submitted."""
        while self.free < min(at_least, self.limit):
            self._room.clear()
            await self._room.wait()

    def submit(self, key: str, job: Callable[[], Awaitable[None]]) -> None:
        """Run ``job`` after the jobs already submitted under ``key``."""
        previous = self._tails.get(key)
        task = asyncio.create_task(self._run(previous, job))
        self._tails[key] = task
        self._running.add(task)
        task.add_done_callback(lambda done: self._finished(key, done))

    async def _run(self, previous: asyncio.Task[None] | None, job: Callable[[], Awaitable[None]]) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # its outcome is its own business; only the order matters here
        try:
            await job()
        except Exception:  # a job handles its own failures; one that slips through must not go unseen
            log.exception("job failed")

    def _finished(self, key: str, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if self._tails.get(key) is task:
            del self._tails[key]
        self._room.set()

    async def drain(self, grace_seconds: float | None = None) -> None:
        """Wait for every submitted job; after ``grace_seconds`` (if given), cancel those still running.

        A cancelled job was not acknowledged, so its entry is handled again later (by this process after
        a restart, or by another); shutting down never waits on a stuck send."""
        while self._running:
            running = set(self._running)
            try:
                _, pending = await asyncio.wait(running, timeout=grace_seconds)
            except asyncio.CancelledError:
                pending = running
            if pending:
                for task in pending:
                    task.cancel()
                await asyncio.wait(pending)
                return
