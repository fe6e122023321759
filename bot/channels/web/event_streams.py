"""The open event streams of this process, capped per session, per client IP and in all.

Each stream holds a socket, so without caps one script could open streams until the process runs
out of file descriptors (and then nothing, not even /healthz, can connect). The caps are per process
because descriptors are. A page that went away is noticed only at its stream's next write, so before
refusing a stream the streams it would count against are checked for pages already gone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from aiohttp import web

TOTAL_SWEEP_SECONDS = 1.0  # looking through every stream costs, so at most once a second
KEEP_ALIVE_SECONDS = 15.0  # a comment line this often: proxies keep the stream, a page gone is noticed


async def begin_event_stream(request: web.Request) -> web.StreamResponse:
    """The response of an event stream, sent its headers and a first comment (the page knows it is open)."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)
    await response.write(b": connected\n\n")
    return response


class StreamCap(Enum):
    """Which cap a refused stream hit."""

    SESSION = "session"
    CLIENT = "client"
    TOTAL = "total"


@dataclass(eq=False)
class OpenStream:
    """One page's event stream: whose it is, whether its page is still connected, and how to wake it."""

    session: str
    client: str
    connected: Callable[[], bool]
    wake: Callable[[], None]
    closed: bool = field(default=False, init=False)


class EventStreams:
    """Admits event streams within the caps; closes them all when the service stops."""

    def __init__(self, per_session: int, per_client: int, total: int) -> None:
        self.per_session, self.per_client, self.total = per_session, per_client, total
        self._by_session: dict[str, set[OpenStream]] = {}
        self._by_client: dict[str, set[OpenStream]] = {}
        self._all: set[OpenStream] = set()
        self._swept_at = float("-inf")

    def __len__(self) -> int:
        return len(self._all)

    def open(self, stream: OpenStream) -> StreamCap | None:
        """Count ``stream`` in; the cap it would exceed instead (and nothing counted)."""
        if self._full(self._by_session.get(stream.session, set()), self.per_session):
            return StreamCap.SESSION
        if self._full(self._by_client.get(stream.client, set()), self.per_client):
            return StreamCap.CLIENT
        if len(self._all) >= self.total and not self._sweep_all():
            return StreamCap.TOTAL
        self._by_session.setdefault(stream.session, set()).add(stream)
        self._by_client.setdefault(stream.client, set()).add(stream)
        self._all.add(stream)
        return None

    def close(self, stream: OpenStream) -> None:
        """Count ``stream`` out and wake it so that its handler ends (closing twice is harmless)."""
        stream.closed = True
        for index, key in ((self._by_session, stream.session), (self._by_client, stream.client)):
            streams = index.get(key)
            if streams is not None:
                streams.discard(stream)
                if not streams:
                    del index[key]
        self._all.discard(stream)
        stream.wake()

    def close_all(self) -> None:
        """The service stops: every stream ends now, not at its next keep-alive."""
        for stream in list(self._all):
            self.close(stream)

    def _full(self, streams: set[OpenStream], cap: int) -> bool:
        if len(streams) < cap:
            return False
        self._close_gone(streams)
        return len(streams) >= cap

    def _sweep_all(self) -> bool:
        """Close the streams of pages gone (at most once a second); True if there is now room."""
        now = time.monotonic()
        if now - self._swept_at >= TOTAL_SWEEP_SECONDS:
            self._swept_at = now
            self._close_gone(self._all)
        return len(self._all) < self.total

    def _close_gone(self, streams: set[OpenStream]) -> None:
        for stream in [s for s in streams if not s.connected()]:
            self.close(stream)
