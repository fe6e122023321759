"""The ticket repository on Redis: named operations, atomic compare-and-apply, indexes and the outbox.

Every change to a ticket goes through :meth:`TicketStore.commit`: one Lua script that checks the
ticket's version is still the one the change was computed from, then writes the ticket, its audit
entry, its indexes, its due items and its notifications together — all or nothing. A concurrent
change makes the version check fail and the caller recomputes from the fresh ticket, so of 100
simultaneous 接单 exactly one wins.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from nlp.normalize import normalize

from bot.infra import decoded, keys
from bot.tickets.notifications import Notification
from bot.people.directory import Worker, worker_from_hash
from bot.tickets.changes import change_message
from bot.tickets.board_index import board_index_changes
from bot.tickets.daily import daily_changes
from bot.tickets.record import AuditEntry, Ticket, format_number
from bot.tickets.sources import is_resident
from bot.tickets.states import OPEN_STATUSES, Status


# KEYS[1]: the ticket hash. ARGV[1]: expected version ('-' = must not exist). ARGV[2]: JSON list of
# operations [command, key index, args...] applied in order when the version matches. ARGV[3]: index
# of a key that must not exist either ('' for none): an opening's request id, so two concurrent
# openings of one request cannot both commit.
_COMMIT_LUA = """
local current = redis.call('HGET', KEYS[1], 'version') or '-'
if current ~= ARGV[1] then return current end
if ARGV[3] ~= '' and redis.call('EXISTS', KEYS[tonumber(ARGV[3])]) == 1 then return 'claimed' end
for _, op in ipairs(cjson.decode(ARGV[2])) do
  local args = {}
  for i = 3, #op do args[#args + 1] = op[i] end
  redis.call(op[1], KEYS[op[2]], unpack(args))
end
return 'ok'
"""


@dataclass
class Change:
    """Redis operations to apply atomically, with their keys gathered for the script's KEYS."""

    keys: list[str] = field(default_factory=list)
    ops: list[list[Any]] = field(default_factory=list)
    _at: dict[str, int] = field(default_factory=dict, repr=False, compare=False)  # key → its KEYS index

    def key_index(self, key: str) -> int:
        if (at := self._at.get(key)) is None:
            if key not in self.keys:  # keys given to the constructor are found here once
                self.keys.append(key)
            at = self._at[key] = self.keys.index(key) + 1
        return at

    def add(self, command: str, key: str, *args: Any) -> None:
        self.ops.append([command, self.key_index(key), *[str(a) for a in args]])


@dataclass(frozen=True)
class Commit:
    """Everything one step of a ticket's life writes."""

    after: Ticket
    entry: AuditEntry | None = None
    notifications: Sequence[Notification] = ()
    due_set: dict[str, float] = field(default_factory=dict)
    due_clear: Sequence[str] = ()
    extra: Change | None = None
    unclaimed: str | None = None  # a key that must not exist (the commit fails if it does)
    more_entries: Sequence[AuditEntry] = ()  # audit entries after ``entry`` (a step that is two)


# One round trip for everything a step on a ticket needs to decide: the ticket, its followers, the
# workers of its grid and the acting worker's record. KEYS: ticket, followers, actor's worker hash.
# ARGV: what comes before and after the grid id in a grid's worker-set key (keys.grid_workers_affixes).
# (The grid's worker-set key is derived inside the script, which Redis Cluster would not allow; see
# README, Operations.)
_READ_LUA = """
local ticket = redis.call('HGETALL', KEYS[1])
if #ticket == 0 then return false end
local grid = redis.call('HGET', KEYS[1], 'grid_id')
local workers = {}
if grid then workers = redis.call('SMEMBERS', ARGV[1] .. grid .. ARGV[2]) end
return {ticket, redis.call('SMEMBERS', KEYS[2]), workers, redis.call('HGETALL', KEYS[3])}
"""


# Everything opening a ticket needs, in one round trip. KEYS: the day's ticket sequence, the request-id
# memory, the grid's workers, the grid+category's open tickets (hash) and their creation times (zset).
# ARGV: the oldest creation time worth comparing, how many candidates at most. Returns {sequence,
# ticket the request opened before or false, workers, candidate numbers, their hash values}.
_OPENING_LUA = """
local sequence = redis.call('INCR', KEYS[1])
local before = redis.call('GET', KEYS[2])
local workers = redis.call('SMEMBERS', KEYS[3])
local numbers = redis.call('ZREVRANGEBYSCORE', KEYS[5], '+inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local values = {}
if #numbers > 0 then values = redis.call('HMGET', KEYS[4], unpack(numbers)) end
return {sequence, before, workers, numbers, values}
"""


@dataclass(frozen=True)
class DuplicateCandidate:
    """An open ticket a new request of the same grid and category might repeat."""

    number: str
    created_at: float
    resident: str
    normalized_text: str


@dataclass(frozen=True)
class OpeningContext:
    """What opening a ticket needs to know, read in one round trip."""

    number: str  # the new ticket's number
    opened_before: str | None  # the ticket the same request id opened already
    workers: list[str]
    candidates: list[DuplicateCandidate]


@dataclass(frozen=True)
class TicketContext:
    """A ticket with what deciding a step on it needs, read in one round trip."""

    ticket: Ticket
    followers: frozenset[str]
    grid_workers: tuple[str, ...]
    actor: Worker | None

    @property
    def handlers(self) -> list[str]:
        """The worker who accepted the ticket, else every worker of its grid."""
        return [self.ticket.worker] if self.ticket.worker else list(self.grid_workers)

    @property
    def residents(self) -> list[str]:
        """The resident who opened the ticket, then its followers (a field report's filer is nobody to tell)."""
        opener = [self.ticket.resident] if is_resident(self.ticket.resident) else []
        return opener + sorted(self.followers - {self.ticket.resident})


class TicketStore:
    """Tickets, audit trails, indexes, due items and the outbox in Redis."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._commit_script = redis.register_script(_COMMIT_LUA)
        self._read_script = redis.register_script(_READ_LUA)
        self._opening_script = redis.register_script(_OPENING_LUA)

    async def prepare_open(self, day: str, grid_id: str | None, category: str, request_id: str | None = None,
                           candidates_since: float = 0.0, max_candidates: int = 50) -> OpeningContext:
        """In one round trip: a new ticket number, the grid's workers, the newest open tickets of the same
        grid and category created since ``candidates_since`` (candidates for duplicate linking), and the
        ticket ``request_id`` opened before. (A repeated request leaves a gap in the day's numbers;
        numbers are unique, not dense.)"""
        grid_keys = ([keys.grid_workers(grid_id), keys.open_in_grid(grid_id, category),
                      keys.open_in_grid_by_time(grid_id, category)] if grid_id
                     else list(keys.no_grid()))
        sequence, opened_before, workers, numbers, values = await self._opening_script(
            keys=[keys.ticket_sequence(day), keys.request(request_id or "-"), *grid_keys],
            args=[candidates_since, max_candidates])
        candidates = []
        for candidate, value in zip(numbers, values):
            if value is not None:
                created_at, resident, text = value.split("\t", 2)
                candidates.append(DuplicateCandidate(candidate, float(created_at), resident, text))
        return OpeningContext(format_number(day, int(sequence)), (opened_before or None) if request_id else None,
                              sorted(workers), candidates)

    async def opened_for(self, request_id: str) -> Ticket | None:
        """The ticket that request ``request_id`` opened (within the request memory), if any."""
        number = decoded.text(await self.redis.get(keys.request(request_id)))
        return await self.get(number) if number else None

    async def get(self, number: str) -> Ticket | None:
        raw = decoded.text_hash(await self.redis.hgetall(keys.ticket(number)))
        return Ticket.from_hash(raw) if raw else None

    async def context(self, number: str, actor: str | None = None) -> TicketContext | None:
        """The ticket, its followers, its grid's workers and ``actor``'s worker record, in one round trip."""
        actor_key = keys.worker(actor) if actor else keys.worker("-")
        raw = await self._read_script(keys=[keys.ticket(number), keys.followers(number), actor_key],
                                      args=list(keys.grid_workers_affixes()))
        if not raw:
            return None
        ticket_flat, followers, workers, actor_flat = raw
        actor_hash = dict(zip(actor_flat[::2], actor_flat[1::2]))
        return TicketContext(
            ticket=Ticket.from_hash(dict(zip(ticket_flat[::2], ticket_flat[1::2]))),
            followers=frozenset(followers),
            grid_workers=tuple(sorted(workers)),
            actor=worker_from_hash(actor, actor_hash) if actor and actor_hash else None,
        )

    async def get_many(self, numbers: Iterable[str]) -> list[Ticket]:
        numbers = list(numbers)
        if not numbers:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for number in numbers:
                pipe.hgetall(keys.ticket(number))
            raws = await pipe.execute()
        return [Ticket.from_hash(raw) for raw in raws if raw]

    async def follower_words(self, resident: str, numbers: Iterable[str]) -> dict[str, str]:
        """The words ``resident`` wrote when their request joined each of ``numbers`` (where kept)."""
        numbers = list(numbers)
        if not numbers:
            return {}
        async with self.redis.pipeline(transaction=False) as pipe:
            for number in numbers:
                pipe.hget(keys.follower_words(number), resident)
            found = await pipe.execute()
        return {number: words for number, words in zip(numbers, found) if words is not None}

    async def audit(self, number: str) -> list[AuditEntry]:
        entries = decoded.text_list(await self.redis.lrange(keys.audit(number), 0, -1))
        return [AuditEntry.from_json(raw) for raw in entries]

    async def append_audit(self, number: str, entry: AuditEntry) -> None:
        """Add ``entry`` to ``number``'s trail without changing the ticket (a reading, not a step)."""
        await self.redis.rpush(keys.audit(number), entry.to_json())

    async def commit(self, before: Ticket | None, commit: Commit) -> Ticket | None:
        """Apply ``commit`` if the ticket is still at ``before``'s version (None: must not exist yet).
        Returns the ticket as written (``commit.after`` at its new version), or None when it changed in
        between (or the commit's ``unclaimed`` key exists): nothing was written."""
        after, script_keys, args = self.commit_call(before, commit)
        result = await self._commit_script(keys=script_keys, args=args)
        return after if result in (b"ok", "ok") else None

    async def queue_commit(self, pipe: Any, before: Ticket | None, commit: Commit) -> Ticket:
        """Queue ``commit`` on ``pipe`` (the same script and writes as :meth:`commit`, many tickets a
        round trip: seeding a benchmark); the pipeline's reply for it is ``ok`` or the version found."""
        after, script_keys, args = self.commit_call(before, commit)
        await self._commit_script(keys=script_keys, args=args, client=pipe)
        return after

    def commit_call(self, before: Ticket | None, commit: Commit) -> tuple[Ticket, list[str], list[str]]:
        """The ticket as ``commit`` writes it, and the commit script's KEYS and ARGV."""
        after = copy(commit.after)  # a shallow copy is enough (a ticket's fields are immutable values)
        after.version = (before.version if before else 0) + 1
        change = Change()
        ticket_key = keys.ticket(after.number)
        change.key_index(ticket_key)  # the script checks KEYS[1]
        if commit.extra is not None:
            for command, key_index, *args in commit.extra.ops:
                change.add(command, commit.extra.keys[key_index - 1], *args)
        fields_ = after.to_hash()
        change.add("HSET", ticket_key, *[item for pair in fields_.items() for item in pair])
        stale = [name for name in _nullable_fields() if before is not None and name not in fields_]
        if stale:
            change.add("HDEL", ticket_key, *stale)
        _index_changes(change, before, after)
        for entry in ([commit.entry] if commit.entry is not None else []) + list(commit.more_entries):
            change.add("RPUSH", keys.audit(after.number), entry.to_json())
        for member in commit.due_clear:
            change.add("ZREM", keys.due(), member)
        for member, at in commit.due_set.items():
            change.add("ZADD", keys.due(), at, member)
        for note in commit.notifications:
            flat = [item for pair in note.to_fields(after.version).items() for item in pair]
            change.add("XADD", keys.outbox(note.channel), "*", *flat)  # trimmed once delivered (bot/infra/streams.py)
        change.add("PUBLISH", keys.console_changes(), change_message(before, after))  # live console boards
        expected = str(before.version) if before else "-"
        guard = str(change.key_index(commit.unclaimed)) if commit.unclaimed else ""
        return after, change.keys, [expected, json.dumps(change.ops), guard]

    async def queue_if_unchanged(self, pipe: Any, ticket: Ticket, change: Change) -> None:
        """Queue on ``pipe`` the script applying ``change`` only while the ticket is still at ``ticket``'s
        version (the commit's check, without writing the ticket): for derived data such as a rebuilt
        index. ``change``'s first key must be the ticket's hash; the reply is ``ok`` or the version found."""
        assert change.keys[:1] == [keys.ticket(ticket.number)]
        await self._commit_script(keys=change.keys, args=[str(ticket.version), json.dumps(change.ops), ""], client=pipe)

    async def list(
        self,
        *,
        status: Status | None = None,
        grid_id: str | None = None,
        resident: str | None = None,
        worker: str | None = None,
        source: str | None = None,
        limit: int = 100,
    ) -> list[Ticket]:
        """Tickets matching every given filter, newest first."""
        if resident is not None:
            index = keys.by_resident(resident)
        elif worker is not None:
            index = keys.by_worker(worker)
        elif grid_id is not None:
            index = keys.by_grid(grid_id)
        else:
            index = keys.all_tickets()
        if status is not None and index == keys.all_tickets():
            numbers = sorted(decoded.text_set(await self.redis.smembers(keys.by_status(status))), reverse=True)
        else:
            numbers = decoded.text_list(await self.redis.zrevrange(index, 0, -1))
        tickets = []
        for batch_start in range(0, len(numbers), 200):
            for ticket in await self.get_many(numbers[batch_start : batch_start + 200]):
                if status is not None and ticket.status != status:
                    continue
                if grid_id is not None and ticket.grid_id != grid_id:
                    continue
                if source is not None and ticket.source != source:
                    continue
                tickets.append(ticket)
                if len(tickets) >= limit:
                    return tickets
        return tickets

    async def count_open_in_grid(self, grid_id: str) -> int:
        """How many tickets of the grid are still open (pending, assigned or accepted)."""
        numbers = await self.redis.zrange(keys.by_grid(grid_id), 0, -1)
        if not numbers:
            return 0
        async with self.redis.pipeline(transaction=False) as pipe:
            for status in OPEN_STATUSES:
                pipe.smismember(keys.by_status(status), numbers)
            memberships = await pipe.execute()
        return sum(1 for flags in zip(*memberships) if any(flags))


    async def latest_of(self, resident: str) -> Ticket | None:
        """The newest ticket ``resident`` opened or follows."""
        newest = decoded.text_list(await self.redis.zrevrange(keys.by_resident(resident), 0, 0))
        return await self.get(newest[0]) if newest else None

    async def due_items(self, now: float, limit: int = 100) -> builtins.list[tuple[str, float]]:
        """Due items (``kind|number``) whose time has come, oldest first."""
        # builtins.list: inside this class, a bare ``list`` in an annotation names the method above
        due = decoded.scored(await self.redis.zrangebyscore(keys.due(), "-inf", now, 0, limit, withscores=True))
        return [(m, float(s)) for m, s in due]

    async def due_score(self, member: str) -> float | None:
        score = await self.redis.zscore(keys.due(), member)
        return float(score) if score is not None else None

    async def remove_due(self, member: str) -> None:
        await self.redis.zrem(keys.due(), member)

    async def count_by_status(self) -> dict[str, int]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for status in Status:
                pipe.scard(keys.by_status(status))
            counts = await pipe.execute()
        return {str(status): int(count) for status, count in zip(Status, counts)}


def _nullable_fields() -> tuple[str, ...]:
    return ("grid_id", "grid_name", "community", "town", "locate_method", "worker", "return_reason", "result_note",
            "result_photo", "rating", "location", "photo")


def _index_changes(change: Change, before: Ticket | None, after: Ticket) -> None:
    """Keep the status, grid, open-per-grid, resident, worker and all-tickets indexes in step, and the
    console board's (bot/tickets/board_index.py) and the statistics' daily counters (bot/tickets/daily.py)."""
    number, created = after.number, after.created_at
    if before is None:
        change.add("ZADD", keys.all_tickets(), created, number)
        change.add("ZADD", keys.by_resident(after.resident), created, number)
    if before is None or before.status != after.status:
        if before is not None:
            change.add("SREM", keys.by_status(before.status), number)
        change.add("SADD", keys.by_status(after.status), number)
    if before is not None and before.grid_id and before.grid_id != after.grid_id:
        change.add("ZREM", keys.by_grid(before.grid_id), number)
    if after.grid_id:
        change.add("ZADD", keys.by_grid(after.grid_id), created, number)
    open_before = keys.open_in_grid(before.grid_id, before.category) if before and before.grid_id else None
    open_after = keys.open_in_grid(after.grid_id, after.category) if after.grid_id else None
    if open_before and (open_before != open_after or after.status not in OPEN_STATUSES):
        assert before is not None and before.grid_id
        change.add("HDEL", open_before, number)
        change.add("ZREM", keys.open_in_grid_by_time(before.grid_id, before.category), number)
    if open_after and after.status in OPEN_STATUSES and (before is None or open_before != open_after):
        assert after.grid_id
        # the text is stored normalised, so comparing a new request with it needs no more work
        change.add("HSET", open_after, number, f"{created}\t{after.resident}\t{normalize(after.text)}")
        change.add("ZADD", keys.open_in_grid_by_time(after.grid_id, after.category), created, number)
    if after.worker and (before is None or before.worker != after.worker):
        change.add("ZADD", keys.by_worker(after.worker), created, number)
    board_index_changes(change, before, after)
    daily_changes(change, before, after)
