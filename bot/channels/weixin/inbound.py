"""Durable intake of WeChat and WeCom callbacks: in a Redis stream before WeChat hears ``success``.

WeChat waits 5 seconds for an answer and then retries, up to three times; so the callback handler only
verifies, parses and appends, and a consumer does the work afterwards. A message is appended once per
``MsgId`` (an event once per sender, time and kind), with a seen marker kept for days, so a retry, also
one after a crash between append and answer, adds nothing. Entries are handled through a consumer group,
one sender's in order, different senders' concurrently, and acknowledged after the handler ran; an
entry whose handler failed stays pending and is tried again (a dead process's entries are reclaimed),
at most ``ATTEMPTS`` times.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from functools import partial

from redis.asyncio import Redis

from bot.infra import keys
from bot.infra.streams import GroupReader, StreamLanes

log = logging.getLogger(__name__)
SEEN_TTL = 3 * 24 * 3600
GROUP = "process"
IN_PROGRESS = 32
ATTEMPTS = 3
Handler = Callable[[dict[str, str]], Awaitable[None]]

# KEYS[1]: the seen marker, KEYS[2]: the stream. ARGV[1]: ttl, ARGV[2]: the fields as JSON.
_APPEND_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', 'message', ARGV[2])
  return 1
end
return 0
"""


def dedupe_id(fields: dict[str, str]) -> str:
    """What makes a callback the same as its retries: the message id, else sender, time and event."""
    if fields.get("MsgId"):
        return f"msg:{fields['MsgId']}"
    parts = [fields.get("FromUserName", ""), fields.get("CreateTime", ""), fields.get("Event", "")]
    if fields.get("EventKey"):
        parts.append(fields["EventKey"])
    return "event:" + ":".join(parts)


class InboundLog:
    """The stream of one channel's received callbacks, each appended at most once."""

    def __init__(self, redis: Redis, channel: str) -> None:
        self.redis = redis
        self.channel = channel
        self._append = redis.register_script(_APPEND_ONCE)

    async def append(self, dedupe: str, fields: dict[str, str]) -> bool:
        """Append ``fields`` unless ``dedupe`` was appended before; returns whether it was new."""
        payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        added = await self._append(keys=[keys.inbound_seen(self.channel, dedupe), keys.inbound(self.channel)],
                                   args=[SEEN_TTL, payload])
        return bool(added)


class InboundConsumer:
    """Hands the stream's callbacks to ``handle``, one sender's at a time and in order."""

    def __init__(self, redis: Redis, channel: str, consumer: str, handle: Handler,
                 reclaim_idle_ms: int = 15_000) -> None:
        self.redis = redis
        self.channel = channel
        self.handle = handle
        self.reader = GroupReader(redis, keys.inbound(channel), GROUP, consumer, reclaim_idle_ms)
        self._lanes = StreamLanes(self.reader, IN_PROGRESS)

    async def run(self, stop: asyncio.Event) -> None:
        """Handle callbacks until ``stop`` is set."""
        await self._lanes.run(stop, lambda: self.consume_once(block_ms=1000), f"{self.channel} callbacks")

    async def consume_once(self, block_ms: int | None = None) -> int:
        """Start handling what is waiting; returns how many were started."""
        entries, _ = await self._lanes.next_entries(block_ms)
        for entry_id, raw in entries:
            try:
                fields = json.loads(raw["message"])
                if not isinstance(fields, dict):
                    raise ValueError("not an object")
            except (KeyError, ValueError) as err:
                log.error("dropping malformed %s entry %s: %s", self.channel, entry_id, err)
                self._lanes.start(entry_id, partial(self.reader.ack, entry_id), entry_id)
                continue
            lane = f"user:{fields.get('FromUserName', entry_id)}"
            self._lanes.start(lane, partial(self._handle, entry_id, fields), entry_id)
        return len(entries)

    async def _handle(self, entry_id: str, fields: dict[str, str]) -> None:
        try:
            await self.handle(fields)
        except Exception:
            attempts_key = keys.inbound_attempts(self.channel, entry_id)
            attempts = await self.redis.incr(attempts_key)
            await self.redis.expire(attempts_key, SEEN_TTL)
            if attempts < ATTEMPTS:  # left pending: reclaimed and tried again after the idle time
                log.exception("%s callback %s failed (attempt %d); will retry", self.channel, entry_id, attempts)
                return
            log.exception("%s callback %s failed %d times; dropping it", self.channel, entry_id, attempts)
        await self.reader.ack(entry_id)
