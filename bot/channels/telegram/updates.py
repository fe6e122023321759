"""Durable Telegram intake: updates are written to a Redis stream before Telegram is told they arrived.

Polling: aiogram's own polling confirms a batch (the next ``getUpdates`` offset) before its handlers
finish, so a crash loses updates. Here one process at a time (a Redis lease) polls; it appends the
batch to the stream and only then asks for the next batch, which confirms the previous one. Webhook: the
endpoint answers 200 only after the update is in the stream, 5xx otherwise, so Telegram redelivers.

Processing reads the stream through a consumer group, feeds each update to the dispatcher and
acknowledges it afterwards; entries of a consumer that died are reclaimed. An update id is appended
once, so an update Telegram delivers twice changes nothing. An entry whose consumer died before
acknowledging it is handled again; what that could double is keyed by the update id (the ticket it
opens) or by a dedupe key (each notification), so at worst a question the bot asked is asked twice.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, cast

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.channels.telegram.methods import GetUpdatesAsJSON
from bot.infra import keys
from bot.infra.concurrency import Coalescer
from bot.infra.metrics import Metrics
from bot.infra.streams import GroupReader, StreamLanes

log = logging.getLogger(__name__)

GROUP = "process"
SEEN_TTL = 3 * 24 * 3600
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
IN_PROGRESS = 32  # updates handled at once by one process

# KEYS[1]: the stream, KEYS[2]: the poller's offset, KEYS[3]: the polling lease, KEYS[4..]: the
# seen-marker of each update id. ARGV[1]: ttl, ARGV[2]: the next offset and ARGV[3]: the poller ('' for
# both: webhook), ARGV[4]: lease seconds, ARGV[5..]: each update's JSON. Appends, in order, the updates
# whose id was not appended before (always: that is idempotent). A poller then takes or extends the
# lease, unless another process holds it, and moves the offset past the batch, so the next getUpdates
# confirms only what is in the stream; one without the lease moves nothing. Returns {appended, 1 if
# the lease is held else 0, the offset to poll from ('' for none yet)}.
_APPEND_ONCE = """
local added = 0
for i = 4, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('XADD', KEYS[1], '*', 'update', ARGV[i + 1])
    added = added + 1
  end
end
if ARGV[3] == '' then return {added, 0, ''} end
local holder = redis.call('GET', KEYS[3])
if holder and holder ~= ARGV[3] then return {added, 0, ''} end
redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2]) end
return {added, 1, redis.call('GET', KEYS[2]) or ''}
"""


class UpdateLog:
    """The stream of received updates, each update id appended at most once."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._append = redis.register_script(_APPEND_ONCE)

    async def append(self, updates: list[Update]) -> int:
        """Append the updates (in one round trip) except those appended before; returns how many were new."""
        added, _, _ = await self._run([(u.update_id, u.model_dump_json(exclude_none=True)) for u in updates], "", "", 0)
        return added

    async def append_polled(self, batch: list[dict[str, Any]], poller: str, lease_seconds: int) -> tuple[bool, int | None]:
        """Append a polled batch, each update as the JSON Telegram sent (none: just take the lease), and,
        while ``poller`` holds the polling lease, extend it and move the offset past the batch, in the
        same step. Returns whether the lease is held, and the offset to poll from (None: from the start,
        or not this process's business)."""
        updates = [entry for entry in map(_polled, batch) if entry is not None]
        next_offset = str(max(update_id for update_id, _ in updates) + 1) if updates else ""
        _, held, offset = await self._run(updates, next_offset, poller, lease_seconds)
        return held, offset

    async def _run(self, updates: list[tuple[int, str]], next_offset: str, poller: str,
                   lease_seconds: int) -> tuple[int, bool, int | None]:
        if not updates and not poller:
            return 0, False, None
        seen = [keys.update_seen(update_id) for update_id, _ in updates]
        payloads = [payload for _, payload in updates]
        stream_keys = [keys.telegram_updates(), keys.poller_offset(), keys.poller_lease(), *seen]
        added, held, offset = await self._append(keys=stream_keys,
                                                 args=[SEEN_TTL, next_offset, poller, lease_seconds, *payloads])
        return int(added), bool(held), int(offset) if offset else None


def _polled(update: dict[str, Any]) -> tuple[int, str] | None:
    """(update id, JSON) of one polled update; None, logged, for one without an id (Telegram sends none
    such: it could be neither confirmed nor told apart from a redelivery)."""
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        log.error("skipping a polled update without an update_id: %.200s", update)
        return None
    return update_id, json.dumps(update, ensure_ascii=False, separators=(",", ":"))


class TelegramPoller:
    """Long-polls getUpdates in the process holding the polling lease; appends before confirming."""

    def __init__(self, bot: Bot, log_: UpdateLog, owner: str, timeout: int = 10, lease_seconds: int = 15) -> None:
        self.bot = bot
        self.updates = log_
        self.owner = owner
        # A long poll never outlasts half the lease: the lease is extended after each poll, so it cannot
        # lapse mid-poll and let a second process poll at the same time (Telegram answers that with 409).
        self.timeout = max(1, min(timeout, lease_seconds // 2))
        self.lease_seconds = lease_seconds

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await self._poll(stop)
        finally:  # also when cancelled mid-poll at shutdown: the next process need not wait for the lease
            await self.release()

    async def _poll(self, stop: asyncio.Event) -> None:
        offset: int | None = None  # where to poll from; known only while this process holds the lease
        holding = False
        while not stop.is_set():
            try:
                if not holding:
                    holding, offset = await self.updates.append_polled([], self.owner, self.lease_seconds)
                    if not holding:  # another process polls
                        await asyncio.sleep(1.0)
                        continue
                poll = GetUpdatesAsJSON(offset=offset, timeout=self.timeout)
                # It answers JSON objects; the aiogram generic it derives from still says list[Update].
                batch = cast(list[dict[str, Any]], await self.bot(poll, request_timeout=self.timeout + 10))
                # The next getUpdates confirms this batch: the offset moves only once it is in the stream,
                # and the same step extends the lease (one round trip per poll).
                holding, offset = await self.updates.append_polled(batch, self.owner, self.lease_seconds)
            except asyncio.CancelledError:
                raise
            except Exception:  # network, Telegram 5xx, Redis restarting: wait, re-read the lease, poll again
                log.exception("polling failed; retrying")
                holding = False
                await asyncio.sleep(1.0)

    async def release(self) -> None:
        """Give up the polling lease (if held), so another process can poll at once."""
        redis = self.updates.redis
        try:
            if await redis.get(keys.poller_lease()) == self.owner:
                await redis.delete(keys.poller_lease())
        except (RedisError, OSError):
            pass


class UpdateConsumer:
    """Feeds the stream's updates to the dispatcher, acknowledging each after it was handled.

    Updates from different chats are handled concurrently, those from one chat one at a time and in
    order. The acknowledgements of updates finishing together share one round trip.
    """

    def __init__(self, redis: Redis, dispatcher: Dispatcher, bot: Bot, consumer: str,
                 reclaim_idle_ms: int = 15_000, metrics: Metrics | None = None) -> None:
        self.redis = redis
        self.dispatcher = dispatcher
        self.bot = bot
        self.metrics = metrics
        self.reader = GroupReader(redis, keys.telegram_updates(), GROUP, consumer, reclaim_idle_ms)
        self._lanes = StreamLanes(self.reader, IN_PROGRESS)
        self._finish: Coalescer[tuple[str, bool], None] = Coalescer(self._finish_many)  # (entry id, handled)

    async def run(self, stop: asyncio.Event) -> None:
        await self._lanes.run(stop, lambda: self.consume_once(block_ms=1000), "update processing")

    async def consume_once(self, block_ms: int | None = None) -> int:
        """Start handling reclaimed entries of dead consumers, else new ones; returns how many were started."""
        entries, _ = await self._lanes.next_entries(block_ms)
        for entry_id, fields in entries:
            try:
                # Bound to the bot as it is parsed: aiogram would otherwise dump and parse it again to bind it.
                update = Update.model_validate_json(fields["update"], context={"bot": self.bot})
            except (KeyError, ValueError) as err:  # cannot be handled, ever: drop it, loudly
                log.error("dropping malformed update entry %s: %s", entry_id, err)
                self._lanes.start(entry_id, partial(self._finish, (entry_id, False)), entry_id)
                continue
            self._lanes.start(_chat_of(update), partial(self._handle, entry_id, update), entry_id)
        return len(entries)

    async def _handle(self, entry_id: str, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception:  # a bug in a handler must not block the stream forever
            log.exception("update %s failed in its handler", update.update_id)
        await self._finish((entry_id, True))

    async def _finish_many(self, finished: list[tuple[str, bool]]) -> list[None]:
        await self.redis.xack(keys.telegram_updates(), GROUP, *[entry_id for entry_id, _ in finished])
        if self.metrics is not None:
            self.metrics.count("updates_received", sum(1 for _, handled in finished if handled))
        return [None] * len(finished)


def _chat_of(update: Update) -> str:
    """Updates of one chat (or one user's button presses) are handled in order; others need not wait."""
    try:
        event = update.event
    except LookupError:  # a kind of update this aiogram does not know
        return f"update:{update.update_id}"
    chat = getattr(event, "chat", None) or getattr(getattr(event, "message", None), "chat", None)
    if chat is not None:
        return f"chat:{chat.id}"
    user = getattr(event, "from_user", None)
    return f"user:{user.id}" if user is not None else f"update:{update.update_id}"


def webhook_handler(log_: UpdateLog, secret: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """aiohttp handler for /telegram/webhook: 200 only once the update is safely in the stream.

    Only a post carrying ``secret`` (Telegram sends it back as set by setWebhook) is taken: anyone else
    could pose as any Telegram user, admins included."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, expected):
            return web.json_response({"ok": False, "description": "wrong secret token"}, status=403)
        try:
            update = Update.model_validate(await request.json())
        except Exception:
            return web.json_response({"ok": False, "description": "not a Telegram update"}, status=400)
        try:
            await log_.append([update])
        except (RedisError, OSError):
            return web.json_response({"ok": False, "description": "storage unavailable"}, status=503)
        return web.json_response({"ok": True})

    return receive
