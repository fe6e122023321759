"""Figures for admins (/stats: tickets by state, category, grid and source, today and over 7 days, and overdue
ones) and for the console's statistics over a date range, within an account's scope (:func:`figures`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.infra import decoded, keys
from bot.infra.clock import LOCAL_TIME, Clock
from bot.tickets.sources import Source
from bot.tickets.states import OPEN_STATUSES, Status
from bot.tickets.store import TicketStore

DAY = 24 * 3600.0


@dataclass
class Period:
    """Counts over one period."""

    total: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    by_grid: Counter[str] = field(default_factory=Counter)  # grid id ("": none yet)
    by_source: Counter[str] = field(default_factory=Counter)  # who filed them (bot.tickets.sources)
    by_nature: Counter[str] = field(default_factory=Counter)  # nature code ("": the model gave none)


@dataclass
class Stats:
    today: Period
    week: Period
    overdue: int
    open_by_status: dict[str, int]


async def collect(store: TicketStore, clock: Clock) -> Stats:
    """Stats of tickets created today (local time) and in the last 7 days."""
    now = clock.now()
    local_midnight = datetime.fromtimestamp(now, LOCAL_TIME).replace(hour=0, minute=0, second=0, microsecond=0)
    today_start, week_start = local_midnight.timestamp(), now - 7 * DAY
    numbers = decoded.text_list(await store.redis.zrangebyscore(keys.all_tickets(), week_start, "+inf"))
    today, week, overdue = Period(), Period(), 0
    for ticket in await store.get_many(numbers):
        periods = [week] + ([today] if ticket.created_at >= today_start else [])
        for period in periods:
            period.total += 1
            period.by_status[ticket.status.label] += 1
            period.by_category[ticket.category] += 1
            period.by_grid[ticket.grid_id or ""] += 1  # "": not placed yet
            period.by_source[ticket.source] += 1
            period.by_nature[ticket.nature or ""] += 1
        if ticket.is_open and ticket.deadline_at < now:
            overdue += 1
    return Stats(today, week, overdue, await store.count_by_status())


async def overdue_count(store: TicketStore, clock: Clock) -> int:
    """Open tickets whose deadline has passed (one count over the open tickets' deadline index)."""
    return int(await store.redis.zcount(keys.open_by_deadline(), "-inf", f"({clock.now()!r}"))


# -- the console's statistics over a date range (/console/stats) -------------------------------------

# What the figures read of each ticket: a few fields (no texts), gathered inside Redis a slice of the
# creation-time index at a time (by rank: each slice costs its own length, wherever it lies) and sent
# back as one string per slice (rows split by \x1e, fields by \x1f, a missing field empty): a month of
# 100k tickets is a hundred short scripts and no reply trees.
# KEYS[1]: the creation-time index. ARGV: the ticket key's head, first rank, last rank, fields...
# (The ticket keys are derived inside the script, which Redis Cluster would not allow; see README.)
_ROWS_LUA = """
local numbers = redis.call('ZRANGE', KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
local rows = {}
for _, number in ipairs(numbers) do
  local values = redis.call('HMGET', ARGV[1] .. number, unpack(fields))
  for i = 1, #fields do if not values[i] then values[i] = '' end end
  rows[#rows + 1] = table.concat(values, string.char(31))
end
return table.concat(rows, string.char(30))
"""
_FIGURE_FIELDS = ("created_at", "category", "grid_id", "grid_name", "community", "town", "status", "deadline_at",
                  "handled_at", "rating", "source", "nature")
_CHUNK = 1000  # tickets per script call: Redis is busy some milliseconds at a time, never long
Sees = Callable[[str | None, str | None], bool]


@dataclass
class Handling:
    """How a group of tickets was handled: those due by now, those handled by their deadline, and the
    handling time (opening to resolution) of those handled."""

    due: int = 0  # handled, or still open past the deadline
    on_time: int = 0
    handled: int = 0
    seconds: float = 0.0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def mean_hours(self) -> float | None:
        return self.seconds / self.handled / 3600 if self.handled else None


@dataclass
class Figures:
    """A date range's statistics for one scope."""

    days: list[str]  # every local day of the range, YYYY-MM-DD
    total: int = 0
    per_day: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    by_nature: Counter[str] = field(default_factory=Counter)  # nature code ("": the model gave none)
    by_grid: Counter[str] = field(default_factory=Counter)  # grid id ("": not placed)
    grid_names: dict[str, str] = field(default_factory=dict)
    by_community: dict[str, Handling] = field(default_factory=dict)  # community ("": not placed)
    handling_by_category: dict[str, Handling] = field(default_factory=dict)
    ratings: Counter[int] = field(default_factory=Counter)
    # who filed the requests of each grid (grid id, "": not placed → source → count): workers vs residents
    sources_by_grid: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def mean_rating(self) -> float | None:
        rated = sum(self.ratings.values())
        return sum(r * n for r, n in self.ratings.items()) / rated if rated else None

    def hot_spots(self, limit: int = 10) -> list[tuple[str, int]]:
        """The grids with most requests (placed tickets only), most first."""
        return [(grid, n) for grid, n in self.by_grid.most_common() if grid][:limit]


def local_day_start(day: date) -> float:
    """The epoch time of a local day's midnight."""
    return datetime.combine(day, time(), LOCAL_TIME).timestamp()


async def figures_by_ticket(store: TicketStore, sees: Sees, first: date, last: date, now: float) -> Figures:
    """Statistics of the tickets opened from local day ``first`` to ``last`` (both included) that
    ``sees(community, town)`` admits, counted ticket by ticket over the creation-time index (a few fields
    each): what the daily counters must equal (the page reads those: bot/tickets/daily_read.py)."""
    start, end = local_day_start(first), local_day_start(last + timedelta(days=1))
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    out, per_day = Figures(days=days), [0] * len(days)
    async with store.redis.pipeline(transaction=False) as pipe:
        pipe.zcount(keys.all_tickets(), "-inf", f"({start}")
        pipe.zcount(keys.all_tickets(), start, f"({end}")
        before, inside = await pipe.execute()
    script, head = store.redis.register_script(_ROWS_LUA), keys.ticket_affixes()[0]
    for rank in range(int(before), int(before) + int(inside), _CHUNK):
        final = min(rank + _CHUNK, int(before) + int(inside)) - 1
        rows = str(await script(keys=[keys.all_tickets()], args=[head, rank, final, *_FIGURE_FIELDS]))
        for row in rows.split("\x1e") if rows else ():
            values = row.split("\x1f")
            if values[0] and start <= float(values[0]) < end and sees(values[4] or None, values[5] or None):
                per_day[int((float(values[0]) - start) // DAY)] += 1
                _count(out, values, now)
    out.per_day.update({day: n for day, n in zip(days, per_day) if n})
    return out


def _count(out: Figures, row: list[str], now: float) -> None:
    created, category, grid, grid_name, community, _, status, deadline, handled, rating, source, nature = row
    out.total += 1
    out.sources_by_grid.setdefault(grid, Counter())[source or Source.RESIDENT] += 1
    out.by_category[category] += 1
    out.by_nature[nature] += 1
    out.by_grid[grid] += 1
    if grid and grid_name:
        out.grid_names[grid] = grid_name
    if rating:
        out.ratings[int(rating)] += 1
    handled_at = float(handled) if handled and status in _HANDLED else None
    if handled_at is None and not (status in _OPEN and float(deadline or 0) < now):
        return  # not due yet (or cancelled): no on-time figure
    opened, due_by = float(created), float(deadline or 0)
    for handling in (out.by_community.setdefault(community, Handling()),
                     out.handling_by_category.setdefault(category, Handling())):
        handling.due += 1
        if handled_at is not None:
            handling.handled += 1
            handling.seconds += max(0.0, handled_at - opened)
            handling.on_time += handled_at <= due_by


_HANDLED = frozenset({str(Status.RESOLVED), str(Status.CLOSED)})
_OPEN = frozenset(str(s) for s in OPEN_STATUSES)
