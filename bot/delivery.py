"""Outbox delivery: read a channel's notifications from its outbox stream and send them.

Each channel has its own outbox stream and consumer group, so Telegram and the web deliver
independently. Notifications to different chats go out concurrently; to one chat, one at a time and in
order. An entry is acknowledged only after it was sent (or can never be), together with a marker per
dedupe key that keeps a redelivered entry from being sent twice. Markers, acknowledgements and send
limits of notifications going out at the same moment share one Redis round trip.

Exactly once, and where it cannot be: a channel that writes to Redis (the web inbox) sets the sent
marker in the same transaction as the message, so it never repeats one. The Bot API has no idempotency
key: if a process dies after Telegram took a message but before the marker was written, nobody can know
whether it arrived. Such a message is marked "being sent" before it goes; when a restart finds that mark
without the sent marker, it sends the message again (a lost 新工单 is worse than a repeated one),
headed by a note that it may be a repeat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from redis.asyncio import Redis

from bot import keys, texts
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

    async def deliver(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        """Send one message. A channel that stores it in Redis sets ``sent_marker(dedupe_key)`` with it."""
        ...


@dataclass(frozen=True)
class Delivered:
    """What to record once a notification is done with."""

    entry_id: str
    dedupe_key: str
    recipient: str
    result: Result


def sent_marker(dedupe_key: str) -> str:
    return f"gb:sent:{dedupe_key}"


def sending_marker(dedupe_key: str) -> str:
    return f"gb:sending:{dedupe_key}"


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
        self._begin: Coalescer[str, None] = Coalescer(self._begin_many)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; infrastructure errors are logged and retried."""
        await self._lanes.run(stop, lambda: self.deliver_once(block_ms=1000), f"outbox delivery to {self.channel.name}")

    async def deliver_once(self, block_ms: int | None = None) -> int:
        """Start delivering what is waiting (reclaimed entries of dead consumers first); returns how many."""
        entries = await self._lanes.next_entries(block_ms)
        if not entries:
            return 0
        dedupe_keys = [fields.get("id", "") for _, fields in entries]
        markers = await self.redis.mget([sent_marker(k) for k in dedupe_keys] + [sending_marker(k) for k in dedupe_keys])
        for (entry_id, fields), sent, sending in zip(entries, markers[: len(entries)], markers[len(entries) :]):
            if sent is not None:  # sent before a crash, acknowledged not yet
                self._lanes.start(entry_id, entry_id, lambda e=entry_id: self.reader.ack(e))
                continue
            try:
                note = Notification.from_fields(fields)
            except (KeyError, ValueError) as err:
                log.error("dropping malformed outbox entry %s: %s", entry_id, err)
                self._lanes.start(entry_id, entry_id, lambda e=entry_id: self.reader.ack(e))
                continue
            in_doubt = sending is not None  # a process died while sending it
            self._lanes.start(entry_id, note.recipient,
                              lambda e=entry_id, f=fields, n=note, d=in_doubt: self._deliver(e, f["id"], n, d))
        return len(entries)

    async def _deliver(self, entry_id: str, dedupe_key: str, note: Notification, in_doubt: bool) -> None:
        chat_id = note.recipient.partition(":")[2]
        if self._stalled.get(chat_id, 0.0) > time.monotonic():
            return  # an earlier notification to this chat is still failing: keep the order, try later
        message = render(note)
        if in_doubt:
            message = replace(message, text=f"{texts.maybe_repeated()}\n{message.text}")
        else:
            await self._begin(dedupe_key)
        outcome = await self._send(chat_id, message, note, dedupe_key)
        for attempt in range(RETRIES):  # 429 waits what Telegram asks; 5xx and timeouts back off
            if outcome.result != Result.RETRY:
                break
            await asyncio.sleep(min(outcome.retry_after or BACKOFF_SECONDS * 2**attempt, 30.0))
            outcome = await self._send(chat_id, message, note, dedupe_key)
        if outcome.result == Result.RETRY:  # still failing: stays pending, reclaimed and tried again later
            self._stalled[chat_id] = time.monotonic() + self.idle_reclaim_s
            return
        self._stalled.pop(chat_id, None)
        await self._record(Delivered(entry_id, dedupe_key, note.recipient, outcome.result))

    async def _send(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        if self.limits is not None:
            await self.limits.wait(chat_id)
        return await self.channel.deliver(chat_id, message, note, dedupe_key)

    async def _begin_many(self, dedupe_keys: list[str]) -> list[None]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for key in dedupe_keys:
                pipe.set(sending_marker(key), "1", ex=SENT_MARKER_TTL)
            await pipe.execute()
        return [None] * len(dedupe_keys)

    async def _record_many(self, done: list[Delivered]) -> list[None]:
        async with self.redis.pipeline(transaction=True) as pipe:
            for item in done:
                pipe.set(sent_marker(item.dedupe_key), str(item.result), ex=SENT_MARKER_TTL)
                pipe.delete(sending_marker(item.dedupe_key))
                if item.result == Result.UNREACHABLE:
                    pipe.hset(keys.resident(item.recipient), "unreachable", "1")
            pipe.xack(self.reader.stream, self.reader.group, *[item.entry_id for item in done])
            await pipe.execute()
        if self.metrics is not None:
            sent = sum(1 for item in done if item.result == Result.SENT)
            self.metrics.count("notifications_sent", sent)
            self.metrics.count("notifications_failed", len(done) - sent)
        return [None] * len(done)
