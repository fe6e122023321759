"""The process's open-files limit: every open page's event stream is a socket, so it bounds them.

At start ``serve`` raises the soft limit to the hard one. When the limit is reached anyway, asyncio
reports each failed ``accept()`` through the loop's exception handler, with a traceback, about once a
second per listening socket; :class:`AcceptErrorThrottle` turns that into one line per interval with a count.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import resource
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

# Sockets and files besides event streams: the Redis pool, listening sockets, models, uploads, logs.
RESERVED_FILES = 256
DEFAULT_MAX_EVENT_STREAMS = 10_000
_OUT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


def _limits() -> tuple[int, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft, hard


def raise_soft_limit() -> int:
    """Raise the soft open-files limit to the hard one (as far as the kernel allows); returns the new one."""
    soft, hard = _limits()
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20  # Linux's default fs.nr_open: the most one process may have
    if soft != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, _limits()[1]))
        except (ValueError, OSError):
            log.warning("could not raise the open-files limit from %d to %d", soft, hard)
    return _limits()[0]


def max_event_streams() -> int:
    """The most event streams the hard open-files limit leaves room for (the soft one is raised to it)."""
    hard = _limits()[1]
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    return max(1, hard - RESERVED_FILES)


def default_event_streams() -> int:
    """Event streams allowed in all when GRIDBOT_WEB_EVENT_STREAMS_TOTAL is unset: half the current
    open-files limit, so that health checks, Redis and the resident's posts always find a descriptor."""
    soft = _limits()[0]
    if soft == resource.RLIM_INFINITY:
        soft = 1 << 20
    return max(1, min(DEFAULT_MAX_EVENT_STREAMS, soft // 2))


class AcceptErrorThrottle:
    """Logs failed accepts (out of descriptors or memory) as one line, then at most one line per ``every``
    seconds with the count while they go on; every other loop error goes to the handler there before."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self._previous: Callable[[asyncio.AbstractEventLoop, dict[str, Any]], object] | None = None
        self._report_due: asyncio.TimerHandle | None = None
        self._failures = 0
        self._reason = ""

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        self._previous = loop.get_exception_handler()
        loop.set_exception_handler(self._handle)

    def uninstall(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.set_exception_handler(self._previous)
        if self._report_due is not None:
            self._report_due.cancel()
            self._report_due = None

    def _handle(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, OSError) and exc.errno in _OUT_OF_RESOURCES and "accept" in context.get("message", ""):
            self._count(loop, exc)
        elif self._previous is not None:
            self._previous(loop, context)
        else:
            loop.default_exception_handler(context)

    def _count(self, loop: asyncio.AbstractEventLoop, exc: OSError) -> None:
        self._reason = exc.strerror or str(exc)
        if self._report_due is not None:
            self._failures += 1
            return
        log.error("cannot accept connections: %s (open-files limit %d); further failures are counted "
                  "and reported every %.0f s", self._reason, _limits()[0], self.every)
        self._report_due = loop.call_later(self.every, self._report, loop)

    def _report(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._failures:
            self._report_due = None  # quiet again: the next failure is logged at once
            return
        log.error("cannot accept connections: %d failures in the last %.0f s: %s",
                  self._failures, self.every, self._reason)
        self._failures = 0
        self._report_due = loop.call_later(self.every, self._report, loop)
