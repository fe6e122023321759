"""Outbox delivery: read a channel's notifications from its outbox stream and send them.

Each channel has its own outbox stream and consumer group, so Telegram and the web deliver
independently. Notifications to different chats go out concurrently; to one chat, one at a time and in
order. An entry is acknowledged only after it was sent (or can never be), together with a marker per
dedupe key that keeps a redelivered entry from being sent twice. Markers, acknowledgements and send
limits of notifications going out at the same moment share one Redis round trip.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from redis.asyncio import Redis

from bot import keys
from bot.channels.render import Rendered, render
from bot.concurrency import Coalescer
from bot.metrics import Metrics
from bot.notifications import Notification
from bot.rate_limit import SendLimits
from bot.streams import GroupReader, StreamLanes

log = logging.getLogger(__name__)
SENT_MARKER_TTL = 7 * 24 * 3600
RETRIES = 5
BACKOFF_SECONDS = 0.5
IN_PROGRESS = 16  # notifications being sent at once by one process


class Result(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # temporary failure: leave it pending, try again later
    UNREACHABLE = "unreachable"  # e.g. the user blocked the bot: never try again


@dataclass(frozen=True)
class DeliveryResult:
    result: Result
    retry_after: float = 0.0


class Channel(Protocol):
    """Something that can show a rendered notification to a recipient of its own."""

    name: str

    async def deliver(self, chat_id: str, message: Rendered, note: Notification) -> DeliveryResult: ...


@dataclass(frozen=True)
class Delivered:
    """What to record once a notification is done with."""

    entry_id: str
    dedupe_key: str
    recipient: str
    result: Result


def sent_marker(dedupe_key: str) -> str:
    return f"gb:sent:{dedupe_key}"


class OutboxDelivery:
    """Delivers one channel's outbox."""

    def __init__(self, redis: Redis, channel: Channel, consumer: str, idle_reclaim_ms: int = 30_000,
                 limits: SendLimits | None = None, metrics: Metrics | None = None) -> None:
        self.redis = redis
        self.channel = channel
        self.limits = limits
        self.metrics = metrics
        self.reader = GroupReader(redis, keys.outbox(channel.name), f"deliver-{channel.name}", consumer, idle_reclaim_ms)
        self.idle_reclaim_s = idle_reclaim_ms / 1000
        self._lanes = StreamLanes(self.reader, IN_PROGRESS)
        self._stalled: dict[str, float] = {}  # chat → until when its later notifications wait (order)
        self._record: Coalescer[Delivered, None] = Coalescer(self._record_many)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; infrastructure errors are logged and retried."""
        await self._lanes.run(stop, lambda: self.deliver_once(block_ms=1000), f"outbox delivery to {self.channel.name}")

    async def deliver_once(self, block_ms: int | None = None) -> int:
        """Start delivering what is waiting (reclaimed entries of dead consumers first); returns how many."""
        entries = await self._lanes.next_entries(block_ms)
        if not entries:
            return 0
        already = await self.redis.mget([sent_marker(fields.get("id", "")) for _, fields in entries])
        for (entry_id, fields), marker in zip(entries, already):
            if marker is not None:  # sent before a crash, acknowledged not yet
                self._lanes.start(entry_id, entry_id, lambda e=entry_id: self.reader.ack(e))
                continue
            try:
                note = Notification.from_fields(fields)
            except (KeyError, ValueError) as err:
                log.error("dropping malformed outbox entry %s: %s", entry_id, err)
                self._lanes.start(entry_id, entry_id, lambda e=entry_id: self.reader.ack(e))
                continue
            self._lanes.start(entry_id, note.recipient, lambda e=entry_id, f=fields, n=note: self._deliver(e, f["id"], n))
        return len(entries)

    async def _deliver(self, entry_id: str, dedupe_key: str, note: Notification) -> None:
        chat_id = note.recipient.partition(":")[2]
        if self._stalled.get(chat_id, 0.0) > time.monotonic():
            return  # an earlier notification to this chat is still failing: keep the order, try later
        message = render(note)
        outcome = await self._send(chat_id, message, note)
        for attempt in range(RETRIES):  # 429 waits what Telegram asks; 5xx and timeouts back off
            if outcome.result != Result.RETRY:
                break
            await asyncio.sleep(min(outcome.retry_after or BACKOFF_SECONDS * 2**attempt, 30.0))
            outcome = await self._send(chat_id, message, note)
        if outcome.result == Result.RETRY:  # still failing: stays pending, reclaimed and tried again later
            self._stalled[chat_id] = time.monotonic() + self.idle_reclaim_s
            return
        self._stalled.pop(chat_id, None)
        await self._record(Delivered(entry_id, dedupe_key, note.recipient, outcome.result))

    async def _send(self, chat_id: str, message: Rendered, note: Notification) -> DeliveryResult:
        if self.limits is not None:
            await self.limits.wait(chat_id)
        return await self.channel.deliver(chat_id, message, note)

    async def _record_many(self, done: list[Delivered]) -> list[None]:
        async with self.redis.pipeline(transaction=True) as pipe:
            for item in done:
                pipe.set(sent_marker(item.dedupe_key), str(item.result), ex=SENT_MARKER_TTL)
                if item.result == Result.UNREACHABLE:
                    pipe.hset(keys.resident(item.recipient), "unreachable", "1")
            pipe.xack(self.reader.stream, self.reader.group, *[item.entry_id for item in done])
            await pipe.execute()
        if self.metrics is not None:
            sent = sum(1 for item in done if item.result == Result.SENT)
            self.metrics.count("notifications_sent", sent)
            self.metrics.count("notifications_failed", len(done) - sent)
        return [None] * len(done)
