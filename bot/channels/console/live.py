"""The console's live pages: ``/console/events`` (server-sent events) tells an open board or map that
tickets it may show changed, so its script (``static/live.js``) fetches the page again and swaps it in.

Every ticket commit publishes on ``keys.console_changes()`` (bot/tickets/changes.py); each process keeps
one subscription and tells only the pages whose account's scope covers where the ticket was or is: an
account never hears of a ticket it may not see. Streams are capped with the web chat's caps
(bot/channels/web/event_streams.py); an open stream renews its session about once a minute and ends when
the session or the account does.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.app.client_ip import client_ip
from bot.app.http import REDIS, SETTINGS
from bot.channels.console.auth import ACCOUNT, SESSION, live_session
from bot.channels.console.pages import TICKETS, not_found
from bot.channels.web.event_streams import (KEEP_ALIVE_SECONDS, EventStreams, OpenStream, StreamCap,
                                           begin_event_stream)
from bot.infra import keys
from bot.infra.open_files import default_event_streams
from bot.people.routing import Coverage
from bot.tickets.changes import TicketChange, parse_change
from bot.texts import refusals as refusal_texts

CHECK_SESSION_EVERY = 4  # keep-alives: about once a minute
log = logging.getLogger(__name__)


@dataclass(eq=False)
class Listener:
    """One open page: what it may hear of, and the numbers it has not been told yet."""

    coverage: Coverage
    woken: asyncio.Event = field(default_factory=asyncio.Event)
    numbers: set[str] = field(default_factory=set)
    missed: bool = False  # changes may have gone unheard (the subscription was lost): refresh anyway

    def take(self) -> list[str] | None:
        """The numbers heard of since the last take (cleared); None when there is nothing to tell."""
        self.woken.clear()
        numbers, self.numbers = sorted(self.numbers), set()
        missed, self.missed = self.missed, False
        return numbers if numbers or missed else None


class ConsoleListeners:
    """The open console pages of this process, and the one subscription that wakes them."""

    def __init__(self) -> None:
        self._pages: set[Listener] = set()

    def add(self, coverage: Coverage) -> Listener:
        listener = Listener(coverage)
        self._pages.add(listener)
        return listener

    def remove(self, listener: Listener) -> None:
        self._pages.discard(listener)

    def tell(self, change: TicketChange) -> None:
        """Wake the pages that may see where the ticket was or is."""
        for listener in self._pages:
            if any(listener.coverage.covers(community, town) for community, town in change.places):
                listener.numbers.add(change.number)
                listener.woken.set()

    def tell_all(self) -> None:
        """After the subscription was lost: every page refreshes (it may have missed changes)."""
        for listener in self._pages:
            listener.missed = True
            listener.woken.set()

    async def listen(self, redis: Redis) -> None:
        """Follow ticket changes until cancelled, resubscribing after errors."""
        while True:
            try:
                async with redis.pubsub() as pubsub:
                    await pubsub.subscribe(keys.console_changes())
                    self.tell_all()
                    while True:
                        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                        if message and message.get("type") == "message":
                            if (change := parse_change(message["data"])) is not None:
                                self.tell(change)
            except (RedisError, OSError):  # Redis restarting: resubscribe
                log.exception("console change listener failed; retrying")
                await asyncio.sleep(1.0)


LISTENERS = web.AppKey("console_listeners", ConsoleListeners)
STREAMS = web.AppKey("console_event_streams", EventStreams)


async def events(request: web.Request) -> web.StreamResponse:
    """GET /console/events: an ``event: change`` (data: the numbers) whenever tickets in scope change."""
    coverage = await request.app[TICKETS].routing.coverage(request[ACCOUNT].key)
    if coverage is None:
        return not_found(request)
    listener = request.app[LISTENERS].add(coverage)
    stream = OpenStream(f"console:{request[SESSION].token}", client_ip(request),
                        lambda: request.transport is not None, listener.woken.set)
    cap = request.app[STREAMS].open(stream)
    if cap is not None:
        request.app[LISTENERS].remove(listener)
        return web.Response(status=429, text=refusal_texts.too_many_pages(per_session=cap is StreamCap.SESSION))
    try:
        return await _send(request, stream, listener)
    finally:
        request.app[STREAMS].close(stream)
        request.app[LISTENERS].remove(listener)


async def _send(request: web.Request, stream: OpenStream, listener: Listener) -> web.StreamResponse:
    response = await begin_event_stream(request)
    keep_alives = 0
    try:
        while not stream.closed:
            try:
                await asyncio.wait_for(listener.woken.wait(), KEEP_ALIVE_SECONDS)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                keep_alives += 1
                if keep_alives % CHECK_SESSION_EVERY == 0 and not await _still_allowed(request, listener):
                    break
                continue
            if (numbers := listener.take()) is not None:
                await response.write(f"event: change\ndata: {json.dumps({'numbers': numbers})}\n\n".encode())
    except (ConnectionResetError, RedisError):  # the page went away, or Redis restarts: it reconnects
        pass
    return response


async def _still_allowed(request: web.Request, listener: Listener) -> bool:
    """The session and account still live (the session renewed), the listener's scope brought up to date."""
    if await live_session(request) is None:
        return False
    coverage = await request.app[TICKETS].routing.coverage(request[ACCOUNT].key)
    if coverage is not None:
        listener.coverage = coverage
    return coverage is not None


def add_live(app: web.Application, streams: EventStreams | None = None) -> None:
    """Mount ``/console/events``; the subscription lives as long as the app. ``streams``: the caps shared
    with the web chat (file descriptors are per process), else the console's own from the same settings."""
    listeners = ConsoleListeners()
    if streams is None:
        settings = app[SETTINGS]
        streams = EventStreams(settings.web_event_streams_per_session, settings.web_event_streams_per_ip,
                               settings.web_event_streams_total or default_event_streams())
    app[LISTENERS], app[STREAMS] = listeners, streams

    async def listening(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(listeners.listen(app[REDIS]))
        yield
        task.cancel()

    async def end_streams(app: web.Application) -> None:
        streams.close_all()

    app.cleanup_ctx.append(listening)
    app.on_shutdown.append(end_streams)
    app.router.add_get("/console/events", events)
