"""The console board's queries: filters, Chinese full-text search, sort, pages and counts per state,
always within one account's :class:`~bot.accounts.scope.Scope`, over the indexes of
bot/tickets/board_index.py (one Lua script a page: bot/tickets/board_query.py).

A community account's queries start from its community's index and a town account's from its town's,
so tickets outside the scope (and unplaced ones, which belong to no community or town) are never read.
Rows carry what a dispatcher needs and no resident identity.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from redis.asyncio import Redis

from nlp.masking import mask_personal
from nlp.taxonomy import Taxonomy

from bot.accounts.scope import Role, Scope
from bot.infra import decoded, keys
from bot.infra.clock import Clock, SystemClock
from bot.tickets.board_query import BoardQuery, QueryPlan, QueryResult
from bot.tickets.board_rows import SnapshotRows
from bot.tickets.board_views import ScopeViews
from bot.tickets.record import NUMBER_PATTERN
from bot.tickets.search_words import query_terms, words_holding
from bot.tickets.states import OPEN_STATUSES, Status

MAX_PER_PAGE = 200
EXPORT_BATCH = 1000
SNAPSHOT_SECONDS = 900  # how long an export's result may take to read (it is deleted when done)
ROW_FIELDS = ("number", "status", "category", "text", "grid_id", "grid_name", "community", "town", "worker",
              "created_at", "deadline_at", "urgent", "escalation_level", "nature")


class Sort(StrEnum):
    """The board's orders (the values are what the page's ``sort`` parameter takes)."""

    NEWEST = "newest"
    OLDEST = "oldest"  # the longest waiting first
    DEADLINE = "deadline"  # the nearest (or longest passed) deadline first
    DEADLINE_LATEST = "deadline-latest"


@dataclass(frozen=True)
class BoardFilter:
    """What the board shows: every given condition holds (empty ``statuses``: every state)."""

    statuses: frozenset[Status] = frozenset()
    category: str | None = None
    nature: str | None = None  # a code of nlp.natures
    grid_id: str | None = None
    community: str | None = None
    town: str | None = None
    overdue: bool = False  # open and past its deadline
    urgent: bool = False
    created_from: float | None = None  # inclusive, seconds since the epoch
    created_to: float | None = None  # exclusive
    text: str = ""  # words (all must be found) or a ticket number
    source: str | None = None  # who filed it (bot.tickets.sources)


@dataclass(frozen=True)
class BoardRow:
    """One ticket as the board, the map and the export show it (no resident identity; the resident's
    words with their personal numbers masked)."""

    number: str
    status: Status
    category: str
    category_name: str
    text: str
    grid_id: str | None
    grid_name: str | None
    community: str | None
    town: str | None
    worker: str | None  # the accepting worker's recipient key
    worker_name: str | None
    created_at: float
    deadline_at: float
    urgent: bool
    overdue: bool
    escalation_level: int
    nature: str | None = None


@dataclass(frozen=True)
class BoardPage:
    """A page of rows, how many match in all, and the counts per state (of the filter without its
    states, for the board's tabs) and of the overdue among them."""

    rows: list[BoardRow]
    total: int
    counts: dict[Status, int] = field(default_factory=dict)
    overdue: int = 0


class Board:
    """The board's queries over Redis."""

    def __init__(self, redis: Redis, taxonomy: Taxonomy | None = None, clock: Clock | None = None) -> None:
        self.redis = redis
        self.taxonomy = taxonomy
        self.clock = clock or SystemClock()
        self._query = BoardQuery(redis)
        self._slices = SnapshotRows(redis)
        self._views = ScopeViews(redis)
        self._vocabulary_words: frozenset[str] = frozenset()
        self._vocabulary_size = 0

    async def page(self, scope: Scope, board_filter: BoardFilter, sort: Sort = Sort.NEWEST, page: int = 1,
                   per_page: int = 50) -> BoardPage:
        """Page ``page`` (from 1) of the tickets ``scope`` sees that match ``board_filter``."""
        per_page = max(1, min(per_page, MAX_PER_PAGE))
        offset = (max(page, 1) - 1) * per_page
        if (view := await self._views.page(scope, board_filter, sort, offset, per_page, self.clock.now())) is not None:
            return BoardPage(await self._rows(view.numbers), view.total, view.counts, view.overdue)
        plan = await self._plan(scope, board_filter, sort)
        plan.offset, plan.count = offset, per_page
        result = await self._query.run(plan)
        return BoardPage(await self._rows(result.numbers), result.total, dict(zip(Status, result.counts)),
                         result.overdue)

    async def rows(self, scope: Scope, board_filter: BoardFilter, sort: Sort = Sort.NEWEST) -> AsyncGenerator[BoardRow, None]:
        """Every matching row, in order, read in batches from a snapshot of the result (the export)."""
        plan = await self._plan(scope, board_filter, sort)
        plan.keep = SNAPSHOT_SECONDS
        result: QueryResult = await self._query.run(plan)
        assert result.snapshot is not None
        names: dict[str, str] = {}  # the workers' names, read once an export
        try:
            for start in range(0, result.total, EXPORT_BATCH):
                found = await self._slices.slice(result.snapshot, start, start + EXPORT_BATCH - 1, plan.rev, ROW_FIELDS)
                workers = {r["worker"] for r in found if r["worker"]} - names.keys()
                names.update(await self._worker_names(workers))
                now = self.clock.now()
                for raw in found:
                    yield self._row(raw, names, now)
        finally:
            await self.redis.delete(result.snapshot)

    async def _plan(self, scope: Scope, board_filter: BoardFilter, sort: Sort) -> QueryPlan:
        """The query for ``board_filter`` within ``scope`` (the scope's index is always one of the filters)."""
        now = self.clock.now()
        by_deadline = sort in (Sort.DEADLINE, Sort.DEADLINE_LATEST)
        plan = QueryPlan(keys.by_deadline() if by_deadline else keys.all_tickets(),
                         rev=sort in (Sort.NEWEST, Sort.DEADLINE_LATEST), now=now)
        plan.filters += _scope_keys(scope)
        if not by_deadline:  # these indexes are scored by creation time, as the sort key is
            plan.sorted_filters = frozenset({keys.by_grid(board_filter.grid_id or ""), keys.by_town(scope.town or ""),
                                             keys.by_town(board_filter.town or ""),
                                             keys.by_community(board_filter.community or "")})
        f = board_filter
        plan.filters += [key for key, wanted in (
            (keys.by_category(f.category or ""), f.category), (keys.by_nature(f.nature or ""), f.nature),
            (keys.by_grid(f.grid_id or ""), f.grid_id),
            (keys.by_community(f.community or ""), f.community), (keys.by_town(f.town or ""), f.town),
            (keys.urgent_tickets(), f.urgent), (keys.by_source(f.source or ""), f.source)) if wanted]
        if f.created_from is not None or f.created_to is not None:
            plan.ranges.append((keys.all_tickets(), f.created_from, f.created_to))
        if f.overdue:
            plan.ranges.append((keys.open_by_deadline(), None, now))
        plan.only, words, chars = _search(f.text)
        plan.filters += [keys.by_word(word) for word in sorted(words)]
        if chars:
            vocabulary = await self._vocabulary()
            plan.unions = [[keys.by_word(entry) for entry in words_holding(char, vocabulary)] for char in sorted(chars)]
        plan.count_states = [keys.by_status(status) for status in Status]
        plan.select_open = f.statuses == OPEN_STATUSES
        plan.selecting = bool(f.statuses) and f.statuses != frozenset(Status) and not plan.select_open
        plan.selected = [plan.selecting and status in f.statuses for status in Status]
        return plan

    async def _vocabulary(self) -> frozenset[str]:
        """The search vocabulary, read again only when it grew (it only grows, but for a reindex)."""
        size = int(await self.redis.scard(keys.search_vocabulary()))
        if size != self._vocabulary_size:
            self._vocabulary_words = frozenset(decoded.text_set(await self.redis.smembers(keys.search_vocabulary())))
            self._vocabulary_size = size
        return self._vocabulary_words

    async def _rows(self, numbers: Sequence[str]) -> list[BoardRow]:
        """The rows of ``numbers`` (a ticket deleted in between is left out), with workers' names."""
        if not numbers:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for number in numbers:
                pipe.hmget(keys.ticket(number), ROW_FIELDS)
            raws = await pipe.execute()
        found = [dict(zip(ROW_FIELDS, decoded.optional_texts(raw))) for raw in raws if raw[0] is not None]
        names = await self._worker_names({r["worker"] for r in found if r["worker"]})
        now = self.clock.now()
        return [self._row(r, names, now) for r in found]

    def _row(self, raw: dict[str, str | None], names: dict[str, str], now: float) -> BoardRow:
        status, deadline = Status(raw["status"] or Status.PENDING), float(raw["deadline_at"] or 0)
        category, worker = raw["category"] or "other", raw["worker"]
        return BoardRow(
            number=raw["number"] or "", status=status, category=category,
            category_name=self.taxonomy.name(category) if self.taxonomy else category,
            text=mask_personal(raw["text"] or ""),
            grid_id=raw["grid_id"], grid_name=raw["grid_name"], community=raw["community"], town=raw["town"],
            worker=worker, worker_name=names.get(worker) if worker else None,
            created_at=float(raw["created_at"] or 0), deadline_at=deadline, urgent=raw["urgent"] == "1",
            overdue=status in OPEN_STATUSES and deadline < now, escalation_level=int(raw["escalation_level"] or 0),
            nature=raw["nature"],
        )

    async def _worker_names(self, workers: set[str]) -> dict[str, str]:
        ordered = sorted(workers)
        if not ordered:
            return {}
        async with self.redis.pipeline(transaction=False) as pipe:
            for worker in ordered:
                pipe.hget(keys.worker(worker), "name")
            names = await pipe.execute()
        return {w: n for w, n in zip(ordered, decoded.optional_texts(names)) if n}


def _scope_keys(scope: Scope) -> list[str]:
    """The index a scope's queries start from: its community's or town's (none for city and admin)."""
    if scope.everything:
        return []
    if scope.role is Role.TOWN:
        assert scope.town is not None
        return [keys.by_town(scope.town)]
    assert scope.community is not None
    return [keys.by_community(scope.community)] + ([keys.by_town(scope.town)] if scope.town else [])


def _search(text: str) -> tuple[str, frozenset[str], frozenset[str]]:
    """A search box's text as (a ticket number, or ''), the index words and the characters every match
    must hold. Text with nothing searchable (punctuation, function words) matches nothing."""
    text = text.strip()
    if re.fullmatch(NUMBER_PATTERN, text.upper()):
        return text.upper(), frozenset(), frozenset()
    if not text:
        return "", frozenset(), frozenset()
    words, chars = query_terms(text)
    if not words and not chars:
        return "", frozenset({""}), frozenset()  # the word "" is never indexed: nothing matches
    return "", words, chars
