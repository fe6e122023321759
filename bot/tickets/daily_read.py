"""The console's statistics read from the daily counters (bot/tickets/daily.py): a month is one hash per
day of the narrowest scope that holds what the account may see, less the open tickets whose deadline
is still ahead (not due yet), read from that scope's open-by-deadline view. Equal to counting the
tickets one by one (:func:`bot.tickets.stats.figures_by_ticket`), at a cost that grows with the days
and the tickets still within their deadline, not with all the tickets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from redis.asyncio import Redis

from bot.infra import decoded, keys
from bot.tickets.daily import CATEGORY, COMMUNITY, GRID_SOURCE, NATURE, counter_scopes
from bot.tickets.stats import Figures, Handling, Sees, local_day_start

# The open tickets of one view whose deadline is ARGV[2] or later and that were opened in [ARGV[4],
# ARGV[5]), a slice by rank (ARGV[6], ARGV[7]): created, community, town, category per ticket (fields
# split by \x1f, tickets by \x1e). KEYS[1]: the view. ARGV[1]: the ticket key's head; ARGV[3] unused.
# (Ticket keys derived inside the script, which Redis Cluster would not allow; see README.)
_NOT_DUE_LUA = """
local numbers = redis.call('ZRANGE', KEYS[1], ARGV[2], '+inf', 'BYSCORE', 'LIMIT', ARGV[6], ARGV[7])
local rows = {}
for _, number in ipairs(numbers) do
  local v = redis.call('HMGET', ARGV[1] .. number, 'created_at', 'community', 'town', 'category')
  local created = tonumber(v[1] or '')
  if created and created >= tonumber(ARGV[4]) and created < tonumber(ARGV[5]) then
    rows[#rows + 1] = table.concat({v[1], v[2] or '', v[3] or '', v[4] or ''}, string.char(31))
  end
end
return {#numbers, table.concat(rows, string.char(30))}
"""
_SLICE = 2000  # tickets a script call reads: Redis is busy a few milliseconds at a time


def chosen_scopes(places: Iterable[tuple[str, str]], sees: Sees) -> tuple[list[str], str]:
    """The counter scopes whose sum is exactly what ``sees`` admits, and the open-by-deadline view's scope
    that holds all of it. ``places``: every (town, community) counted (``''``: none)."""
    known = sorted(set(places))
    admitted = [(town, community) for town, community in known if sees(community or None, town or None)]
    if admitted == known:
        return ["all"], "all"
    scopes: list[str] = []
    for town in sorted({town for town, _ in admitted}):
        of_town = [place for place in known if place[0] == town]
        if town and all(place in admitted for place in of_town):
            scopes.append(f"town:{town}")
        else:
            scopes += [counter_scopes(t, c)[-1] for t, c in admitted if t == town]
    towns = {town for town, _ in admitted}
    view = f"town:{next(iter(towns))}" if len(towns) == 1 and "" not in towns else "all"
    return scopes, view


async def counted_figures(redis: Redis, sees: Sees, first: date, last: date, now: float) -> Figures:
    """Statistics of the tickets opened from local day ``first`` to ``last`` (both included) that
    ``sees(community, town)`` admits, from the daily counters."""
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    places = [tuple(member.split("\t", 1)) for member in decoded.text_set(await redis.smembers(keys.stats_places()))]
    scopes, view = chosen_scopes([(p[0], p[1]) for p in places if len(p) == 2], sees)
    async with redis.pipeline(transaction=False) as pipe:
        for day in days:
            for scope in scopes:
                pipe.hgetall(keys.stats_day(day, scope))
        pipe.hgetall(keys.stats_grid_names())
        *hashes, names = await pipe.execute()
    out = Figures(days=days)
    for i, day in enumerate(days):
        counted: Counter[str] = Counter()
        for raw in hashes[i * len(scopes):(i + 1) * len(scopes)]:
            counted.update({name: int(value) for name, value in decoded.text_hash(raw).items()})
        _add_day(out, day, counted)
    grid_names = decoded.text_hash(names)
    out.grid_names = {grid: grid_names[grid] for grid in out.by_grid if grid and grid in grid_names}
    start, end = local_day_start(first), local_day_start(last + timedelta(days=1))
    for community, town, category in await _not_due_open(redis, view, start, end, now):
        if sees(community or None, town or None):
            out.by_community.setdefault(community, Handling()).due -= 1
            out.handling_by_category.setdefault(category, Handling()).due -= 1
    for groups in (out.by_community, out.handling_by_category):
        for name in [name for name, handling in groups.items() if not handling.due]:
            del groups[name]  # open, none past the deadline, none handled: no on-time figure
    return out


def _add_day(out: Figures, day: str, counted: Counter[str]) -> None:
    """Add one day's summed counters to ``out``."""
    if counted["n"]:
        out.per_day[day] += counted["n"]
    out.total += counted["n"]
    for name, value in counted.items():
        if not value:
            continue
        kind, _, rest = name.partition(":")
        if kind == "c":
            out.by_category[rest] += value
        elif kind == "g":
            out.by_grid[rest] += value
        elif kind == "r":
            out.ratings[int(rest)] += value
        elif kind == NATURE:
            out.by_nature[rest] += value
        elif kind == GRID_SOURCE:
            grid, _, source = rest.rpartition("\t")
            out.sources_by_grid.setdefault(grid, Counter())[source] += value
        elif kind in (COMMUNITY, CATEGORY):
            group, _, part = rest.rpartition(":")
            handling = (out.by_community if kind == COMMUNITY else out.handling_by_category).setdefault(group, Handling())
            if part == "h":
                handling.handled += value
                handling.due += value
            elif part == "open":
                handling.due += value
            elif part == "o":
                handling.on_time += value
            elif part == "ms":
                handling.seconds += value / 1000


async def _not_due_open(redis: Redis, view: str, start: float, end: float, now: float) -> list[tuple[str, str, str]]:
    """(community, town, category) of the open tickets of ``view`` opened in [start, end) whose deadline
    is ``now`` or later (not due yet)."""
    script, head = redis.register_script(_NOT_DUE_LUA), keys.ticket_affixes()[0]
    found: list[tuple[str, str, str]] = []
    offset = 0
    while True:
        read, rows = await script(keys=[keys.scope_open(view, "deadline")],
                                  args=[head, repr(now), "", repr(start), repr(end), offset, _SLICE])
        for row in str(rows).split("\x1e") if rows else ():
            _, community, town, category = row.split("\x1f")
            found.append((community, town, category))
        if int(read) < _SLICE:
            return found
        offset += _SLICE
