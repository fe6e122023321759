"""Daily counters of the console's statistics, written in the same atomic commit as the ticket change.

Each ticket counts, on the local day it was opened, in three hashes: the city's (``all``), its town's
(``town:T``) and its place's (``place:T:C``: one town and community, ``place::`` for unplaced tickets).
Its part of each hash (:func:`contribution`) depends only on the ticket's fields: one request, its state,
category, nature, grid, source and rating; per community and per category, whether it is open, and once handled
(resolved or closed) whether by its deadline and how long it took. :func:`daily_changes` adds to a
commit the difference between two versions of a ticket, so the counters always equal a count over the
tickets themselves (:func:`bot.tickets.stats.figures_by_ticket`). What depends on the time of reading
(an open ticket is due once past its deadline) is the open count less the open tickets whose deadline
is still ahead, read from the scopes' open-by-deadline views (bot/tickets/daily_read.py): those are
the recent ones, however long the backlog. Every place seen is kept in one set, every grid's name in
one hash.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from bot.infra import keys
from bot.infra.clock import LOCAL_TIME
from bot.tickets.record import Ticket
from bot.tickets.sources import Source
from bot.tickets.states import Status

if TYPE_CHECKING:
    from bot.tickets.store import Change

HANDLED = frozenset({Status.RESOLVED, Status.CLOSED})
COMMUNITY, CATEGORY = "hc", "hk"  # the handling groups' field prefixes
NATURE = "nt"  # per nature ("nt:" the model gave none)
GRID_SOURCE = "gs"  # per grid and source (workers' reports vs residents'): "gs:GRID<TAB>SOURCE"


def local_day(timestamp: float) -> str:
    """The local day (YYYY-MM-DD) of an epoch time."""
    return datetime.fromtimestamp(timestamp, LOCAL_TIME).date().isoformat()


def place_of(ticket: Ticket) -> str:
    """The member of keys.stats_places() for a ticket's place: town and community, tab-separated."""
    return f"{ticket.town or ''}\t{ticket.community or ''}"


def counter_scopes(town: str, community: str) -> list[str]:
    """The counter hashes' scopes a ticket of this place (``''``: none) counts in."""
    return ["all"] + ([f"town:{town}"] if town else []) + [f"place:{town}:{community}"]


def contribution(ticket: Ticket) -> Counter[str]:
    """What one ticket adds to its day's counters (field → amount)."""
    out = Counter({"n": 1, f"s:{ticket.status}": 1, f"c:{ticket.category}": 1, f"g:{ticket.grid_id or ''}": 1,
                   f"{GRID_SOURCE}:{ticket.grid_id or ''}\t{ticket.source or Source.RESIDENT}": 1,
                   f"{NATURE}:{ticket.nature or ''}": 1})
    if ticket.rating:
        out[f"r:{ticket.rating}"] += 1
    if ticket.is_open:  # due once past its deadline: the reader takes away those not past it yet
        for group in (f"{COMMUNITY}:{ticket.community or ''}", f"{CATEGORY}:{ticket.category}"):
            out[f"{group}:open"] += 1
    if ticket.handled_at is not None and ticket.status in HANDLED:
        on_time = int(ticket.handled_at <= ticket.deadline_at)
        millis = round(max(0.0, ticket.handled_at - ticket.created_at) * 1000)
        for group in (f"{COMMUNITY}:{ticket.community or ''}", f"{CATEGORY}:{ticket.category}"):
            out[f"{group}:h"] += 1
            out[f"{group}:o"] += on_time
            out[f"{group}:ms"] += millis
    return out


def _entries(ticket: Ticket | None) -> dict[tuple[str, str], int]:
    """(counter key, field) → amount, over every hash the ticket counts in."""
    if ticket is None:
        return {}
    day, counted = local_day(ticket.created_at), contribution(ticket)
    return {(keys.stats_day(day, scope), name): amount
            for scope in counter_scopes(ticket.town or "", ticket.community or "")
            for name, amount in counted.items() if amount}


def daily_changes(change: Change, before: Ticket | None, after: Ticket) -> None:
    """Add to ``change`` what keeps the daily counters in step from ``before`` (None: new) to ``after``."""
    old, new = _entries(before), _entries(after)
    for key, name in sorted(old.keys() | new.keys()):
        if delta := new.get((key, name), 0) - old.get((key, name), 0):
            change.add("HINCRBY", key, name, delta)
    if before is None or place_of(before) != place_of(after):
        change.add("SADD", keys.stats_places(), place_of(after))
    if after.grid_id and after.grid_name and (before is None or (before.grid_id, before.grid_name)
                                              != (after.grid_id, after.grid_name)):
        change.add("HSET", keys.stats_grid_names(), after.grid_id, after.grid_name)


def day_counters(tickets: list[Ticket]) -> dict[str, Counter[str]]:
    """The counter hashes (key → fields) of ``tickets`` (a whole day's: the rebuild)."""
    out: dict[str, Counter[str]] = {}
    for ticket in tickets:
        for (key, name), amount in _entries(ticket).items():
            out.setdefault(key, Counter())[name] += amount
    return out
