"""Outbox delivery: read notifications from the outbox stream and hand them to their channel.

Each channel reads the stream through its own consumer group, so Telegram and the web deliver
independently. An entry is acknowledged only after its channel sent it (or it can never be sent), and
a marker per dedupe key keeps a redelivered entry from being sent twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from redis.asyncio import Redis

from bot import keys
from bot.channels.render import Rendered, render
from bot.notifications import Notification
from bot.streams import GroupReader

log = logging.getLogger(__name__)
SENT_MARKER_TTL = 7 * 24 * 3600
RETRIES = 5
BACKOFF_SECONDS = 0.5


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


class OutboxDelivery:
    """Delivers the outbox to one channel."""

    def __init__(self, redis: Redis, channel: Channel, consumer: str, idle_reclaim_ms: int = 30_000) -> None:
        self.redis = redis
        self.channel = channel
        self.reader = GroupReader(redis, keys.outbox(), f"deliver-{channel.name}", consumer, idle_reclaim_ms)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; infrastructure errors are logged and retried."""
        await self.reader.run(stop, lambda: self.deliver_once(block_ms=1000), f"outbox delivery to {self.channel.name}")

    async def deliver_once(self, block_ms: int | None = None, count: int = 50) -> int:
        """Deliver what is waiting (reclaiming entries of dead consumers first); returns how many sent."""
        sent, not_ours = 0, []
        for entry_id, fields in await self.reader.next_entries(count, block_ms):
            if not fields["recipient"].startswith(f"{self.channel.name}:"):
                not_ours.append(entry_id)  # another channel's: acknowledged together, below
                continue
            sent += await self._handle(entry_id, fields)
        await self.reader.ack(*not_ours)
        return sent

    async def _handle(self, entry_id: str, fields: dict[str, str]) -> int:
        note = Notification.from_fields(fields)
        chat_id = note.recipient.partition(":")[2]
        marker = f"gb:sent:{fields['id']}"
        if await self.redis.exists(marker):
            await self.reader.ack(entry_id)
            return 0
        message = render(note)
        outcome = await self.channel.deliver(chat_id, message, note)
        for attempt in range(RETRIES):  # 429 waits what Telegram asks; 5xx and timeouts back off
            if outcome.result != Result.RETRY:
                break
            await asyncio.sleep(min(outcome.retry_after or BACKOFF_SECONDS * 2**attempt, 30.0))
            outcome = await self.channel.deliver(chat_id, message, note)
        if outcome.result == Result.RETRY:
            return 0  # still failing: stays pending, and is reclaimed and tried again later
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(marker, outcome.result, ex=SENT_MARKER_TTL)
            pipe.xack(keys.outbox(), self.reader.group, entry_id)
            if outcome.result == Result.UNREACHABLE:
                pipe.hset(keys.resident(note.recipient), "unreachable", "1")
            counter = "notifications_sent" if outcome.result == Result.SENT else "notifications_failed"
            pipe.hincrby(keys.metrics(), counter, 1)
            await pipe.execute()
        return 1 if outcome.result == Result.SENT else 0
