"""``gridbot tickets reindex``: rebuild the console board's indexes from the tickets themselves.

For data written before the board existed, or after an index was lost. The board's keys are deleted,
then every ticket's entries are written from its hash, each only while the ticket is still at the
version that was read (a ticket changed meanwhile is read again), so a rebuild while the service runs
ends right; until it ends, the board shows only the tickets already done. Running it twice is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.infra import decoded, keys
from bot.tickets.board_index import index_ticket
from bot.tickets.record import Ticket
from bot.tickets.store import Change, TicketStore

BATCH = 500
FIXED_KEYS = (keys.urgent_tickets(), keys.by_deadline(), keys.open_by_deadline())


async def reindex(store: TicketStore, batch: int = BATCH) -> int:
    """Rebuild the board's indexes; returns how many tickets were indexed."""
    await _drop_board_indexes(store)
    done, cursor = 0, 0
    while True:
        cursor, found = await store.redis.scan(cursor, match=keys.ticket("T*"), count=batch)
        numbers = [key.rsplit(":", 1)[1] for key in decoded.text_list(found) if key.count(":") == 2]
        done += await _index_batch(store, numbers)
        if int(cursor) == 0:
            return done


async def _drop_board_indexes(store: TicketStore) -> None:
    await store.redis.delete(*FIXED_KEYS)
    for pattern in keys.BOARD_INDEX_PATTERNS:
        async for key in store.redis.scan_iter(match=pattern, count=1000):
            await store.redis.unlink(key)


async def _index_batch(store: TicketStore, numbers: Sequence[str]) -> int:
    """Index ``numbers``' tickets; the ones that changed while being indexed are read and done again."""
    indexed = 0
    while numbers:
        tickets = await store.get_many(numbers)
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
