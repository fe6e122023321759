"""The usual level of requests: each grid's daily mean per category over the 30 days before today.

Counters are kept when tickets open (:func:`count_opening`, written in the opening's atomic commit): one
hash per local day, ``grid|category`` → tickets, kept 40 days. The mean divides by 30 whatever the
history (a new deployment's means start low, so its first warnings come at the minimum count). Today is
left out, so a surge in progress does not raise its own bar, and the means of a day never change:
:class:`DailyMeans` reads each (grid, category) once a day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from redis.asyncio import Redis

from bot.infra import keys
from bot.infra.clock import LOCAL_TIME
from bot.tickets.record import Ticket
from bot.tickets.sources import Source
from bot.tickets.store import Change

BASELINE_DAYS = 30
KEEP_SECONDS = 40 * 24 * 3600
Pair = tuple[str, str]  # (grid_id, category)


def local_day(at: float) -> str:
    """The local (Asia/Shanghai) date of ``at`` as YYYYMMDD."""
    return datetime.fromtimestamp(at, LOCAL_TIME).strftime("%Y%m%d")


def counts_for_warnings(ticket: Ticket) -> bool:
    """Does ``ticket`` count towards early warning? Not a worker's own report: a patrol finds many
    problems of one kind in one walk, which is the patrol working, not a surge of requests."""
    return ticket.source != Source.PATROL


def count_opening(change: Change, ticket: Ticket) -> None:
    """Add to ``change`` (the opening's commit) the count of ``ticket`` on its day, grid and category."""
    if ticket.grid_id is None or not counts_for_warnings(ticket):
        return
    key = keys.warning_day_counts(local_day(ticket.created_at))
    change.add("HINCRBY", key, f"{ticket.grid_id}|{ticket.category}", 1)
    change.add("EXPIRE", key, KEEP_SECONDS)


def baseline_days(now: float) -> list[str]:
    """The 30 local days before the day of ``now``."""
    today = datetime.fromtimestamp(now, LOCAL_TIME).date()
    return [(today - timedelta(days=back)).strftime("%Y%m%d") for back in range(1, BASELINE_DAYS + 1)]


class DailyMeans:
    """Daily means per (grid, category), read from the day counters and kept for the rest of the day."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._day = ""
        self._means: dict[Pair, float] = {}

    async def of(self, pairs: Iterable[Pair], now: float) -> dict[Pair, float]:
        """The 30-day daily mean of each pair (0.0 for none seen)."""
        pairs = list(pairs)
        if (today := local_day(now)) != self._day:
            self._day, self._means = today, {}
        missing = sorted(set(pairs) - set(self._means))
        if missing:
            fields = [f"{grid}|{category}" for grid, category in missing]
            async with self.redis.pipeline(transaction=False) as pipe:
                for day in baseline_days(now):
                    pipe.hmget(keys.warning_day_counts(day), fields)
                days = await pipe.execute()
            for i, pair in enumerate(missing):
                self._means[pair] = sum(int(counts[i] or 0) for counts in days) / BASELINE_DAYS
        return {pair: self._means[pair] for pair in pairs}
