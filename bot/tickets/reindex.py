"""``gridbot tickets reindex``: rebuild the console board's indexes (and the statistics' daily counters)
from the tickets themselves.

For data written before the board existed, or after an index was lost. The board's keys are deleted,
then every ticket's entries are written from its hash, each only while the ticket is still at the
version that was read (a ticket changed meanwhile is read again), so a rebuild while the service runs
ends right; until it ends, the board shows only the tickets already done. The scopes' state counters
are recounted last, each in one atomic step. Running it twice is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from os.path import commonprefix

from bot.infra import decoded, keys
from bot.tickets.board_index import index_ticket, scope_ids
from bot.tickets.daily_rebuild import rebuild_counters
from bot.tickets.record import Ticket
from bot.tickets.states import Status
from bot.tickets.store import Change, TicketStore

BATCH = 500
FIXED_KEYS = (keys.urgent_tickets(), keys.by_deadline(), keys.open_by_deadline(), keys.search_vocabulary(),
              keys.by_state_code())

# A scope's state counters recounted from the state sets, atomically (so commits that ran during the
# rebuild are counted once). KEYS: the counters hash, a scratch key, the six state sets, then the scope's
# indexes (none for the city). ARGV: the six states.
_COUNT_LUA = """
redis.call('DEL', KEYS[1])
for i = 1, 6 do
  local n
  if #KEYS == 8 then n = redis.call('SCARD', KEYS[i + 2])
  else
    local args = {KEYS[2], #KEYS - 7, KEYS[i + 2]}
    for k = 9, #KEYS do args[#args + 1] = KEYS[k] end
    n = redis.call('ZINTERSTORE', unpack(args))
  end
  if n > 0 then redis.call('HSET', KEYS[1], ARGV[i], n) end
end
redis.call('UNLINK', KEYS[2])
return 1
"""


async def reindex(store: TicketStore, batch: int = BATCH) -> int:
    """Rebuild the board's indexes and the statistics' daily counters (bot/tickets/daily_rebuild.py);
    returns how many tickets were indexed."""
    await _drop_board_indexes(store)
    done, cursor, places = 0, 0, set[tuple[str | None, str | None]]()
    while True:
        cursor, found = await store.redis.scan(cursor, match=keys.ticket("T*"), count=batch)
        numbers = [key.rsplit(":", 1)[1] for key in decoded.text_list(found) if key.count(":") == 2]
        done += await _index_batch(store, numbers, places)
        if int(cursor) == 0:
            break
    await _count_scopes(store, places)
    await rebuild_counters(store)
    return done


async def _count_scopes(store: TicketStore, places: set[tuple[str | None, str | None]]) -> None:
    """Recount the state counters of the city and of every town and community the tickets are in."""
    script = store.redis.register_script(_COUNT_LUA)
    scopes: dict[str, list[str]] = {"all": []}
    for community, town in places:
        for scope in scope_ids(community, town)[1:]:
            scopes[scope] = [keys.by_town(town or "")] + ([keys.by_community(community or "")]
                                                           if scope.startswith("community:") else [])
    states = [str(status) for status in Status]
    for scope, indexes in sorted(scopes.items()):
        scratch = keys.board_scratch("reindex", scope)
        await script(keys=[keys.scope_counts(scope), scratch, *[keys.by_status(s) for s in states], *indexes],
                     args=states)


async def _drop_board_indexes(store: TicketStore) -> None:
    """Unlink the board's keys (freed in the background): one scan of the index keys for all patterns."""
    await store.redis.unlink(*FIXED_KEYS)
    found: list[str] = []
    async for key in store.redis.scan_iter(match=commonprefix(keys.BOARD_INDEX_PATTERNS) + "*", count=1000):
        if any(fnmatchcase(key, pattern) for pattern in keys.BOARD_INDEX_PATTERNS):
            found.append(key)
        if len(found) >= BATCH:
            await store.redis.unlink(*found)
            found = []
    if found:
        await store.redis.unlink(*found)


async def _index_batch(store: TicketStore, numbers: Sequence[str], places: set[tuple[str | None, str | None]]) -> int:
    """Index ``numbers``' tickets; the ones that changed while being indexed are read and done again."""
    indexed = 0
    while numbers:
        tickets = await store.get_many(numbers)
        places.update((t.community, t.town) for t in tickets)
        async with store.redis.pipeline(transaction=False) as pipe:
            for ticket in tickets:
                await store.queue_if_unchanged(pipe, ticket, _entries(ticket))
            results = await pipe.execute()
        indexed += sum(1 for r in results if r in (b"ok", "ok"))
        numbers = [t.number for t, r in zip(tickets, results) if r not in (b"ok", "ok")]
    return indexed


def _entries(ticket: Ticket) -> Change:
    change = Change()
    change.key_index(keys.ticket(ticket.number))  # checked by the script: the version read
    index_ticket(change, ticket)
    return change
