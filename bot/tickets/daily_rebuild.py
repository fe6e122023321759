"""Rebuilding the statistics' daily counters from the tickets (part of ``gridbot tickets reindex``).

The day counters are dropped (the set of places is kept: every counter a commit writes is of a place
in it), then rebuilt one local day at a time: the day's tickets are read, their counters summed
(bot/tickets/daily.py, the commit's own function), and written by one script that first checks
nothing of that day changed since it was read (the same tickets at the same versions), and clears the
day's counters of every known place; if something changed, the day is read again. A commit that
lands after the day's script adds its difference to the rebuilt counters, so a rebuild while the
service runs ends right.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from bot.infra import decoded, keys
from bot.infra.clock import LOCAL_TIME
from bot.tickets.daily import counter_scopes, day_counters, place_of
from bot.tickets.record import Ticket
from bot.tickets.stats import local_day_start
from bot.tickets.store import TicketStore

# KEYS[1]: the creation-time index, KEYS[2]: the places set, KEYS[3]: the grid names, then the day's
# counter hashes (deleted first), then the day's ticket hashes. ARGV[1]: JSON {start, end, count, versions:
# [version per ticket], counters: [[key index, field, amount]...], places: [...], grids: [[id, name]...]}.
_DAY_LUA = """
local day = cjson.decode(ARGV[1])
if redis.call('ZCOUNT', KEYS[1], day.start, '(' .. day['end']) ~= day.count then return 0 end
local first_ticket = #KEYS - #day.versions
for i, version in ipairs(day.versions) do
  if redis.call('HGET', KEYS[first_ticket + i], 'version') ~= version then return 0 end
end
for i = 4, first_ticket do redis.call('DEL', KEYS[i]) end
for _, c in ipairs(day.counters) do redis.call('HINCRBY', KEYS[c[1]], c[2], c[3]) end
for _, place in ipairs(day.places) do redis.call('SADD', KEYS[2], place) end
for _, grid in ipairs(day.grids) do redis.call('HSET', KEYS[3], grid[1], grid[2]) end
return 1
"""


async def rebuild_counters(store: TicketStore) -> int:
    """Drop and rebuild the daily counters; returns how many days were counted."""
    found = [key async for key in store.redis.scan_iter(match=keys.STATS_DAY_PATTERN, count=1000)]
    for start in range(0, len(found), 500):
        await store.redis.unlink(*found[start:start + 500])
    oldest = decoded.scored(await store.redis.zrange(keys.all_tickets(), 0, 0, withscores=True))
    newest = decoded.scored(await store.redis.zrange(keys.all_tickets(), -1, -1, withscores=True))
    if not oldest or not newest:
        return 0
    first, last = (datetime.fromtimestamp(float(pair[0][1]), LOCAL_TIME).date() for pair in (oldest, newest))
    day, days = first, 0
    while day <= last:
        while not await _rebuild_day(store, day):
            pass  # something of that day changed while it was read: read it again
        day, days = day + timedelta(days=1), days + 1
    return days


async def _rebuild_day(store: TicketStore, day: date) -> bool:
    """Count one local day's tickets and write the counters, unless the day changed meanwhile."""
    start, end = local_day_start(day), local_day_start(day + timedelta(days=1))
    numbers = decoded.text_list(await store.redis.zrangebyscore(keys.all_tickets(), start, f"({end}"))
    tickets = await store.get_many(numbers)
    if len(tickets) != len(numbers):
        return False  # a ticket deleted in between
    counters = day_counters(tickets)
    places = {tuple(member.split("\t", 1)) for member in decoded.text_set(await store.redis.smembers(keys.stats_places()))}
    cleared = {keys.stats_day(day.isoformat(), scope) for town, community in (p for p in places if len(p) == 2)
               for scope in counter_scopes(town, community)}
    counter_keys = sorted(cleared | counters.keys())
    at = {key: i for i, key in enumerate(counter_keys, start=4)}
    plan = {"start": repr(start), "end": repr(end), "count": len(tickets),
            "versions": [str(ticket.version) for ticket in tickets],
            "counters": [[at[key], name, amount] for key in counter_keys for name, amount in counters.get(key, {}).items()],
            "places": sorted({place_of(ticket) for ticket in tickets}), "grids": _grid_names(tickets)}
    script = store.redis.register_script(_DAY_LUA)
    script_keys = [keys.all_tickets(), keys.stats_places(), keys.stats_grid_names(), *counter_keys,
                   *[keys.ticket(ticket.number) for ticket in tickets]]
    return bool(await script(keys=script_keys, args=[json.dumps(plan)]))


def _grid_names(tickets: list[Ticket]) -> list[list[str]]:
    names = {ticket.grid_id: ticket.grid_name for ticket in tickets if ticket.grid_id and ticket.grid_name}
    return [[grid, name] for grid, name in sorted(names.items())]
