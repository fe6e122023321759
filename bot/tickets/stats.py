"""Figures for admins: tickets by state, category and grid, today and over 7 days, and overdue ones."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from bot.infra import decoded, keys
from bot.infra.clock import LOCAL_TIME, Clock
from bot.tickets.states import OPEN_STATUSES
from bot.tickets.store import TicketStore

DAY = 24 * 3600.0


@dataclass
class Period:
    """Counts over one period."""

    total: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    by_grid: Counter[str] = field(default_factory=Counter)  # grid id ("": none yet)


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
        if ticket.is_open and ticket.deadline_at < now:
            overdue += 1
    return Stats(today, week, overdue, await store.count_by_status())


async def overdue_count(store: TicketStore, clock: Clock) -> int:
    """Open tickets whose deadline has passed."""
    now, overdue = clock.now(), 0
    for status in OPEN_STATUSES:
        numbers = list(decoded.text_set(await store.redis.smembers(keys.by_status(status))))
        async with store.redis.pipeline(transaction=False) as pipe:
            for number in numbers:
                pipe.hget(keys.ticket(number), "deadline_at")
            deadlines = await pipe.execute()
        overdue += sum(1 for d in deadlines if d is not None and float(d) < now)
    return overdue
