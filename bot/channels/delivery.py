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
headed by a note that it may be a repeat. (The marks of a chat's notifications are set together, so a
crash can also flag one that had not gone out yet; the note only asks to ignore it if seen before.) A
send that got no answer (a timeout, a broken connection) may have arrived too, so its retry carries
the same note; a 429 or 5xx answer means it did not, and the retry goes out plain.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from functools import partial
from enum import StrEnum
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from bot.infra import keys
from bot.texts import residents as resident_texts
from bot.texts.render import Rendered, render
from bot.infra.concurrency import Coalescer
from bot.infra.metrics import Metrics
from bot.tickets.notifications import Notification
from bot.infra.rate_limit import SendLimits
from bot.infra.streams import GroupReader, StreamLanes

log = logging.getLogger(__name__)
SENT_MARKER_TTL = 7 * 24 * 3600
RETRIES = 5
BACKOFF_SECONDS = 0.5
IN_PROGRESS = 32  # notifications being sent at once by one process
RECORD_LINGER_S = 0.003


class Result(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # temporary failure: leave it pending, try again later
    UNREACHABLE = "unreachable"  # e.g. the user blocked the bot: never try again


@dataclass(frozen=True)
class DeliveryResult:
    result: Result
    retry_after: float = 0.0  # seconds the other side asked to wait (0: back off as usual)
    may_have_arrived: bool = False  # no answer (timeout, broken connection): a resend may be a repeat


class Channel(Protocol):
    """Something that can show a rendered notification to a recipient of its own."""

    name: str
    marks_sent: bool  # True: ``deliver`` sets the sent marker itself, atomically with the message

    async def deliver(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        """Send one message. A channel that stores it in Redis sets ``keys.sent(dedupe_key)`` with it."""
        ...


@dataclass(frozen=True)
class Delivered:
    """What to record once a notification is done with."""

    entry_id: str
    dedupe_key: str
    recipient: str
    result: Result


@dataclass(frozen=True)
class Stall:
    """A chat whose notification ``failed`` keeps failing: the chat's later ones wait for it."""

    failed: str  # its outbox entry id
    until: float  # it is not tried again before then (monotonic time)
    give_up_at: float  # another process may have sent it since: then order is let go


@dataclass(frozen=True)
class Pending:
    """A notification read from the outbox, not sent yet."""

    entry_id: str
    dedupe_key: str
    note: Notification
    in_doubt: bool  # a process died while sending it: it may have arrived


class OutboxDelivery:
    """Delivers one channel's outbox.

    The notifications to one chat read together are sent as one job, in order: one round trip admits
    them all (send limits, and the "being sent" marks); the records of sends finishing at the same
    moment, in any chat, share a round trip.
    """

    def __init__(self, redis: Redis, channel: Channel, consumer: str, idle_reclaim_ms: int = 30_000,
                 limits: SendLimits | None = None, metrics: Metrics | None = None,
                 backoff_seconds: float = BACKOFF_SECONDS) -> None:
        self.redis = redis
        self.channel = channel
        self.limits = limits
        self.metrics = metrics
        self.reader = GroupReader(redis, keys.outbox(channel.name), f"deliver-{channel.name}", consumer, idle_reclaim_ms)
        self.idle_reclaim_s = idle_reclaim_ms / 1000
        self._lanes = StreamLanes(self.reader, IN_PROGRESS)
        self.backoff_seconds = backoff_seconds
        self._stalled: dict[str, Stall] = {}  # chat → the notification its later ones wait for
        self._admit: Coalescer[list[Pending], list[int]] = Coalescer(self._admit_many)
        # Sends to different chats finish a moment apart; waiting RECORD_LINGER_S lets their records share
        # a round trip even when the load is light.
        self._record: Coalescer[list[Delivered], None] = Coalescer(self._record_many, linger=RECORD_LINGER_S)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; infrastructure errors are logged and retried."""
        await self._lanes.run(stop, lambda: self.deliver_once(block_ms=1000), f"outbox delivery to {self.channel.name}")

    async def deliver_once(self, block_ms: int | None = None) -> int:
        """Start delivering what is waiting (reclaimed entries of dead consumers first); returns how many."""
        entries, reclaimed = await self._lanes.next_entries(block_ms)
        if not entries:
            return 0
        dedupe_keys = [fields.get("id", "") for _, fields in entries]
        if reclaimed:  # sent, or being sent, by a process that died before acknowledging?
            markers = await self.redis.mget([keys.sent(k) for k in dedupe_keys]
                                            + [keys.sending(k) for k in dedupe_keys])
        else:
            markers = [None] * (2 * len(entries))
        by_chat: dict[str, list[Pending]] = {}
        for (entry_id, fields), sent, sending in zip(entries, markers[: len(entries)], markers[len(entries) :]):
            if sent is not None:  # sent before a crash, acknowledged not yet
                self._lanes.start(entry_id, partial(self.reader.ack, entry_id), entry_id)
                continue
            try:
                note = Notification.from_fields(fields)
            except (KeyError, ValueError) as err:
                log.error("dropping malformed outbox entry %s: %s", entry_id, err)
                self._lanes.start(entry_id, partial(self.reader.ack, entry_id), entry_id)
                continue
            by_chat.setdefault(note.recipient, []).append(Pending(entry_id, fields["id"], note, sending is not None))
        for recipient, pending in by_chat.items():
            self._lanes.start(recipient, partial(self._deliver_chat, pending), *(item.entry_id for item in pending))
        return len(entries)

    async def _deliver_chat(self, pending: list[Pending]) -> None:
        """Send one chat's notifications in order; a failure holds the rest back (they stay pending).

        Each sent notification is recorded at once, without holding up the next send: the shorter the
        time between Telegram taking a message and its sent marker, the fewer repeats after a crash."""
        chat_id = pending[0].note.recipient.partition(":")[2]
        if self._held_back(chat_id, pending):
            return  # left pending: reclaimed and tried again later
        recording: list[asyncio.Task[None]] = []
        try:
            while pending:
                waits = await self._admit(pending)
                admitted = next((i for i, wait in enumerate(waits) if wait > 0), len(waits))
                for item in pending[:admitted]:
                    outcome = await self._send_with_retries(chat_id, item)
                    if outcome.result == Result.RETRY:  # still failing: reclaimed and tried again later
                        now = time.monotonic()
                        self._stalled[chat_id] = Stall(item.entry_id, now + self.idle_reclaim_s,
                                                       now + 4 * self.idle_reclaim_s)
                        return
                    done = Delivered(item.entry_id, item.dedupe_key, item.note.recipient, outcome.result)
                    recording.append(asyncio.create_task(self._record([done])))
                pending = pending[admitted:]
                if pending:
                    await asyncio.sleep(waits[admitted] / 1000)
            self._stalled.pop(chat_id, None)
        finally:
            await asyncio.gather(*recording)

    def _held_back(self, chat_id: str, pending: list[Pending]) -> bool:
        """Whether the chat's notifications must wait: one sent earlier keeps failing, and it is either
        not among them (it comes first, when reclaimed) or not due again yet."""
        stall = self._stalled.get(chat_id)
        if stall is None:
            return False
        now = time.monotonic()
        if now >= stall.give_up_at:
            del self._stalled[chat_id]
            return False
        return now < stall.until or all(item.entry_id != stall.failed for item in pending)

    async def _send_with_retries(self, chat_id: str, item: Pending) -> DeliveryResult:
        plain = render(item.note)
        flagged = replace(plain, text=f"{resident_texts.maybe_repeated()}\n{plain.text}")
        in_doubt = item.in_doubt
        outcome = await self.channel.deliver(chat_id, flagged if in_doubt else plain, item.note, item.dedupe_key)
        for attempt in range(RETRIES):  # 429 waits what Telegram asks; 5xx and timeouts back off
            if outcome.result != Result.RETRY:
                break
            in_doubt = in_doubt or outcome.may_have_arrived
            await asyncio.sleep(outcome.retry_after or min(self.backoff_seconds * 2**attempt, 30.0))
            if self.limits is not None:
                await self.limits.wait(chat_id)
            outcome = await self.channel.deliver(chat_id, flagged if in_doubt else plain, item.note, item.dedupe_key)
        return outcome

    async def _admit_many(self, batches: list[list[Pending]]) -> list[list[int]]:
        """One round trip for every chat asking at this moment: mark its notifications "being sent" (not
        needed where the channel writes its sent marker itself) and admit them against the send limits."""
        items = [item for batch in batches for item in batch]
        if self.limits is None and self.channel.marks_sent:
            return [[0] * len(batch) for batch in batches]
        for attempt in range(2):
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    if not self.channel.marks_sent:
                        for item in items:
                            pipe.set(keys.sending(item.dedupe_key), "1", ex=SENT_MARKER_TTL)
                    if self.limits is not None:
                        self.limits.queue_admit(pipe, [item.note.recipient.partition(":")[2] for item in items])
                    results = await pipe.execute()
                break
            except NoScriptError:  # Redis restarted and forgot the script; the markers were set anyway
                if attempt or self.limits is None:
                    raise
                await self.limits.load()
        waits = self.limits.waits(results[-1]) if self.limits is not None else [0] * len(items)
        out, start = [], 0
        for batch in batches:
            out.append(waits[start : start + len(batch)])
            start += len(batch)
        return out

    async def _record_many(self, batches: list[list[Delivered]]) -> list[None]:
        done = [item for batch in batches for item in batch]
        async with self.redis.pipeline(transaction=True) as pipe:
            for item in done:
                pipe.set(keys.sent(item.dedupe_key), str(item.result), ex=SENT_MARKER_TTL)
                pipe.delete(keys.sending(item.dedupe_key))
                if item.result == Result.UNREACHABLE:
                    pipe.hset(keys.resident(item.recipient), "unreachable", "1")
            pipe.xack(self.reader.stream, self.reader.group, *[item.entry_id for item in done])
            await pipe.execute()
        if self.metrics is not None:
            sent = sum(1 for item in done if item.result == Result.SENT)
            self.metrics.count("notifications_sent", sent)
            self.metrics.count("notifications_failed", len(done) - sent)
        return [None] * len(batches)
