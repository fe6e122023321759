"""One wake-up for everyone waiting on the server: long polls, the webhook loop, a test's waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

T = TypeVar("T")


class Pulse:
    """Every change of state calls :meth:`wake`; waiters re-check their condition then."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.closing = False

    def open(self) -> None:
        """Ready for a (re)started server."""
        self._event = asyncio.Event()
        self.closing = False

    def close(self) -> None:
        """The server stops: long polls answer at once."""
        self.closing = True
        self.wake()

    def wake(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_for(self, check: Callable[[], T | None], timeout: float | None) -> T | None:
        """The first non-None ``check()``, re-checked on every wake-up; None after ``timeout`` seconds
        (None: no limit). ``check`` may raise to end the wait."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            event = self._event  # taken before the check, so a wake-up between the two is not missed
            result = check()
            if result is not None:
                return result
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return None
            with suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
