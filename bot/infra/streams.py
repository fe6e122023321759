"""Reading a Redis stream through a consumer group, the way every gridbot stream consumer does it:
entries a dead consumer left unacknowledged are reclaimed first, then new entries are read. Entries
every group has read and acknowledged are trimmed now and then, so a stream does not grow for ever,
and nothing a group still needs is trimmed."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from bot.infra import decoded
from bot.infra.concurrency import Lanes

log = logging.getLogger(__name__)
Entry = tuple[str, dict[str, str]]
SHUTDOWN_GRACE_SECONDS = 5.0
TRIM_EVERY_SECONDS = 60.0


class Read(NamedTuple):
    """Entries from one read, and whether they were reclaimed from another consumer.

    Only a reclaimed entry can have been handled (or half handled) before: an entry read as new was
    never given to any consumer. So markers of earlier handling need checking for reclaimed ones only."""

    entries: list[Entry]
    reclaimed: bool


# KEYS[1]: the stream. ARGV[1]: the group, ARGV[2]: this consumer, ARGV[3..]: entry ids it is working on.
# Resets the idle time of those still pending with this consumer (XCLAIM … JUSTID), so no other process
# reclaims an entry that is slow, not abandoned; one another consumer took over meanwhile stays its own.
_KEEP_CLAIMED = """
local kept = 0
for i = 3, #ARGV do
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if pending[1] and pending[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    kept = kept + 1
  end
end
return kept
"""


def _stream_id(entry_id: str) -> tuple[int, int]:
    milliseconds, _, sequence = entry_id.partition("-")
    return int(milliseconds), int(sequence or 0)


async def trim_handled(redis: Redis, stream: str, approximate: bool = True) -> int:
    """Delete the entries every consumer group of ``stream`` has read and acknowledged; returns how many.

    Kept: everything from the oldest entry still pending in any group, and everything some group has
    not read yet. A stream without groups is left alone. ``approximate`` trims whole internal nodes
    only (cheaper; a few handled entries stay until the next trim)."""
    groups = await redis.xinfo_groups(stream)
    if not groups:
        return 0
    floor = min(_stream_id(group["last-delivered-id"]) for group in groups)
    for group in groups:
        if group["pending"]:
            oldest = (await redis.xpending(stream, group["name"]))["min"]
            if oldest is not None:  # None: acknowledged between the two calls
                floor = min(floor, _stream_id(oldest))
    return int(await redis.xtrim(stream, minid=f"{floor[0]}-{floor[1]}", approximate=approximate))


@dataclass
class GroupReader:
    """One consumer of one stream's consumer group."""

    redis: Redis
    stream: str
    group: str
    consumer: str
    reclaim_idle_ms: int = 15_000
    _next_reclaim: float = 0.0
    _next_trim: float = 0.0
    _keep_script: Any = field(default=None, init=False, repr=False)

    async def ensure_group(self) -> None:
        """Create the group (from the stream's start) unless it exists."""
        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as err:
            if "BUSYGROUP" not in str(err):
                raise

    async def next_entries(self, count: int, block_ms: int | None) -> Read:
        """Entries idle longer than ``reclaim_idle_ms`` in another consumer's hands, else new ones.

        Reclaiming is looked at a few times per idle period, not before every read: it only matters
        after a consumer died, and each look is a round trip."""
        now = time.monotonic()
        if now >= self._next_reclaim:
            _, claimed, *_ = await self.redis.xautoclaim(self.stream, self.group, self.consumer,
                                                        self.reclaim_idle_ms, "0-0", count)
            entries = [entry for entry in claimed if entry and entry[1]]
            if entries:
                return Read(entries, reclaimed=True)
            self._next_reclaim = now + self.reclaim_idle_ms / 4000
        if now >= self._next_trim:
            self._next_trim = now + TRIM_EVERY_SECONDS
            await trim_handled(self.redis, self.stream)
        response = await self.redis.xreadgroup(self.group, self.consumer, {self.stream: ">"}, count, block_ms)
        return Read(decoded.stream_entries(response), reclaimed=False)

    async def ack(self, *entry_ids: str) -> None:
        if entry_ids:
            await self.redis.xack(self.stream, self.group, *entry_ids)

    async def keep_claimed(self, entry_ids: list[str]) -> int:
        """Mark entries this consumer is still working on as fresh; returns how many are still its own."""
        if not entry_ids:
            return 0
        if self._keep_script is None:
            self._keep_script = self.redis.register_script(_KEEP_CLAIMED)
        return int(await self._keep_script(keys=[self.stream], args=[self.group, self.consumer, *entry_ids]))

    async def run(self, stop: asyncio.Event, step: Callable[[], Awaitable[object]], what: str) -> None:
        """Call ``step`` until ``stop`` is set; infrastructure errors are logged and retried.

        The group is made sure of at the start and after each error (a restarted or emptied Redis has
        lost it), not before every step: that would be a round trip per read."""
        group_ready = False
        while not stop.is_set():
            try:
                if not group_ready:
                    await self.ensure_group()
                    group_ready = True
                await step()
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis restarting, a network error: log, wait, go on
                group_ready = False
                log.exception("%s failed; retrying", what)
                await asyncio.sleep(1.0)


class StreamLanes:
    """A group reader whose entries are handled concurrently, in lanes (one at a time and in order per lane).

    Entries still being handled here are kept claimed (their idle time reset every third of the reclaim
    idle time), so another process does not take over a slow job, such as a chat's notifications
    waiting on its one-a-second send limit. Should a reclaim hand one back to this process anyway, it is
    not started twice. Entries are read only when there is room for them.
    """

    def __init__(self, reader: GroupReader, limit: int) -> None:
        self.reader = reader
        self._lanes = Lanes(limit)
        self._in_progress: set[str] = set()

    async def run(self, stop: asyncio.Event, step: Callable[[], Awaitable[object]], what: str) -> None:
        """Like ``GroupReader.run``; then gives the jobs in progress a few seconds to finish."""
        keeper = asyncio.create_task(self._keep_claimed(stop))
        try:
            await self.reader.run(stop, step, what)
        finally:
            keeper.cancel()
            await self._lanes.drain(grace_seconds=SHUTDOWN_GRACE_SECONDS)

    async def _keep_claimed(self, stop: asyncio.Event) -> None:
        interval = self.reader.reclaim_idle_ms / 3000
        while not stop.is_set():
            await asyncio.sleep(interval)
            try:
                await self.reader.keep_claimed(sorted(self._in_progress))
            except (RedisError, OSError) as err:  # Redis restarting: the next beat tries again
                log.warning("could not keep %s entries claimed: %s", self.reader.stream, err)

    async def next_entries(self, block_ms: int | None) -> Read:
        """As many entries as there is room for, none of them already in progress here.

        When every lane is busy it waits until half are free again, so that under load one read fetches
        a batch instead of one entry per round trip."""
        await self._lanes.wait_for_room(self._lanes.limit // 2)
        read = await self.reader.next_entries(self._lanes.free, block_ms)
        return Read([entry for entry in read.entries if entry[0] not in self._in_progress], read.reclaimed)

    def start(self, lane: str, job: Callable[[], Awaitable[None]], *entry_ids: str) -> None:
        """Handle entries (one job) after the jobs already started in ``lane``."""
        self._in_progress.update(entry_ids)

        async def run() -> None:
            try:
                await job()
            finally:
                self._in_progress.difference_update(entry_ids)

        self._lanes.submit(lane, run)
