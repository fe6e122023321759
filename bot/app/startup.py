"""Start-up of ``gridbot serve``: a failure told in one line, and a start that a signal can interrupt."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

from nlp.artifact import ArtifactError
from nlp.dataset import DatasetError
from nlp.taxonomy import TaxonomyError

from bot.grids.map import GridMapError
from bot.infra.embedded_redis import EmbeddedRedisError

T = TypeVar("T")


class StartupError(RuntimeError):
    """A start-up step failed; the message tells the operator what and why, in one line."""


# Failures whose message already says what is wrong (a file, a setting); anything else is a surprise,
# told with its type.
_TOLD_AS_THEY_ARE = (StartupError, EmbeddedRedisError, ArtifactError, DatasetError, TaxonomyError, GridMapError)


def failure_line(err: BaseException) -> str:
    """The text of ``gridbot: error: …`` for a failed start, always one line."""
    text = str(err) if isinstance(err, _TOLD_AS_THEY_ARE) else f"start-up failed: {type(err).__name__}: {err}"
    return " ".join(text.split())


async def start_unless_stopped(start: Awaitable[None], stop: asyncio.Event) -> bool:
    """Run ``start`` to its end (True), or cancel it when ``stop`` is set first (False).

    A failure of ``start`` is raised; once stopping, how the cancelled start ended no longer matters."""
    starting = asyncio.ensure_future(start)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if starting.done():
        starting.result()
        return True
    starting.cancel()
    await asyncio.gather(starting, return_exceptions=True)
    return False


async def in_daemon_thread(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in a daemon thread.

    Unlike ``asyncio.to_thread``, whose threads the interpreter joins on exit, a process stopped by a
    signal need not wait for it: loading or training a model (seconds) must not delay a Ctrl-C. Only
    for work that is safe to abandon midway (a model is saved by an atomic rename)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(result: T | None, error: BaseException | None) -> None:
        if future.done():  # cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        result, error = None, None
        try:
            result = function(*args)
        except BaseException as err:  # noqa: BLE001 - handed to the awaiting task
            error = err
        try:
            loop.call_soon_threadsafe(deliver, result, error)
        except RuntimeError:
            pass  # the loop is closed: nobody waits any more

    threading.Thread(target=run, name=f"startup-{getattr(function, '__name__', 'work')}", daemon=True).start()
    return await future
