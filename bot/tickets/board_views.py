"""The board's pages that a scope's own views answer without an intersection (bot/tickets/board_index.py):
the open tickets (the default view) in any order, and the overdue ones by deadline, of the city, a town
or a community. Each is a few reads of sorted sets and counters, whatever the number of tickets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from redis.asyncio import Redis

from bot.accounts.scope import Role, Scope
from bot.infra import decoded, keys
from bot.tickets.states import OPEN_STATUSES, Status

if TYPE_CHECKING:
    from bot.tickets.board import BoardFilter, Sort


@dataclass(frozen=True)
class ViewPage:
    """A page's ticket numbers, how many match, the counts per state and of the overdue."""

    numbers: list[str]
    total: int
    counts: dict[Status, int]
    overdue: int


def scope_view(scope: Scope) -> str | None:
    """The id of the scope's own views (``all``, ``town:T``, ``community:T:C``), None when it has none
    (a community without its town)."""
    if scope.everything:
        return "all"
    if scope.role is Role.TOWN:
        return f"town:{scope.town}"
    return f"community:{scope.town}:{scope.community}" if scope.town else None


def _only_states(f: BoardFilter) -> bool:
    """Whether ``f`` has no condition but its states and the overdue flag."""
    return not (f.category or f.nature or f.grid_id or f.community or f.town or f.urgent or f.source or f.text.strip()
                or f.created_from is not None or f.created_to is not None)


class ScopeViews:
    """Reads the pages the scopes' views answer."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def page(self, scope: Scope, f: BoardFilter, sort: Sort, offset: int, count: int, now: float) -> ViewPage | None:
        """The page, or None when the views cannot answer ``f`` (the general query must)."""
        view = scope_view(scope)
        if view is None or not _only_states(f):
            return None
        if f.statuses == OPEN_STATUSES and not f.overdue:
            return await self._open(view, sort, offset, count, now)
        if f.overdue and sort.value.startswith("deadline"):
            wanted = OPEN_STATUSES if not f.statuses else f.statuses & OPEN_STATUSES
            if len(wanted) in (0, 1) or wanted == OPEN_STATUSES:
                return await self._overdue(view, wanted, sort.value == "deadline-latest", offset, count, now)
        return None

    async def _open(self, view: str, sort: Sort, offset: int, count: int, now: float) -> ViewPage:
        rev = sort.value in ("newest", "deadline-latest")
        by_deadline = keys.scope_open(view, "deadline")
        ordered = by_deadline if sort.value.startswith("deadline") else keys.scope_open(view, "created")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(keys.scope_counts(view))
            pipe.zcount(by_deadline, "-inf", f"({now!r}")
            pipe.zcard(ordered)
            pipe.zrevrange(ordered, offset, offset + count - 1) if rev else pipe.zrange(ordered, offset, offset + count - 1)
            raw_counts, overdue, total, numbers = await pipe.execute()
        counted = decoded.text_hash(raw_counts)
        counts = {status: int(counted.get(str(status), 0)) for status in Status}
        return ViewPage(decoded.text_list(numbers), int(total), counts, int(overdue))

    async def _overdue(self, view: str, wanted: frozenset[Status], rev: bool, offset: int, count: int,
                       now: float) -> ViewPage:
        """The overdue tickets of ``wanted`` states (all open ones, one, or none) by deadline."""
        before = f"({now!r}"
        ordered = (keys.scope_open(view, "deadline") if wanted == OPEN_STATUSES
                   else keys.scope_state_open(view, next(iter(wanted))) if wanted else None)
        open_states = sorted(OPEN_STATUSES, key=list(Status).index)
        async with self.redis.pipeline(transaction=True) as pipe:
            for status in open_states:
                pipe.zcount(keys.scope_state_open(view, status), "-inf", before)
            if ordered is not None:
                if rev:
                    pipe.zrevrangebyscore(ordered, before, "-inf", start=offset, num=count)
                else:
                    pipe.zrangebyscore(ordered, "-inf", before, start=offset, num=count)
            replies = await pipe.execute()
        raw_counts, numbers = replies[:len(open_states)], replies[len(open_states):] or [[]]
        counts = {status: 0 for status in Status} | {s: int(n) for s, n in zip(open_states, raw_counts)}
        total = sum(counts[status] for status in wanted)
        return ViewPage(decoded.text_list(numbers[0]), total, counts, sum(counts.values()))
