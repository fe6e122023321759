"""The console board's indexes, written in the same atomic commit as the ticket change they follow.

Beside the store's own indexes (all tickets and each grid's by creation time, a set per state), the
board keeps: a set per category, a sorted set per community and per town (by creation time: a scope's
tickets, newest first, without reading the others), the urgent set, every ticket by deadline, the open
ones by deadline (overdue = scored below now) and a set per search word. :func:`board_index_changes`
adds to a :class:`~bot.tickets.store.Change` exactly the difference between two versions of a ticket,
so every step (open, dispatch, accept, return, resolve, close, cancel, recategorise, place) keeps them
right; :func:`index_ticket` writes a ticket's entries from nothing (``gridbot tickets reindex``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.infra import keys
from bot.tickets.record import Ticket
from bot.tickets.search_words import words_of

if TYPE_CHECKING:
    from bot.tickets.store import Change


def board_index_changes(change: Change, before: Ticket | None, after: Ticket) -> None:
    """Add to ``change`` what keeps the board's indexes in step from ``before`` (None: new) to ``after``."""
    if before is None:
        index_ticket(change, after)
        return
    number, created = after.number, after.created_at
    if before.category != after.category:
        change.add("SREM", keys.by_category(before.category), number)
        change.add("SADD", keys.by_category(after.category), number)
    for key_of, old, new in ((keys.by_community, before.community, after.community),
                             (keys.by_town, before.town, after.town)):
        if old != new:
            if old:
                change.add("ZREM", key_of(old), number)
            if new:
                change.add("ZADD", key_of(new), created, number)
    if before.urgent != after.urgent:
        change.add("SADD" if after.urgent else "SREM", keys.urgent_tickets(), number)
    if before.deadline_at != after.deadline_at:
        change.add("ZADD", keys.by_deadline(), after.deadline_at, number)
    if after.is_open and (not before.is_open or before.deadline_at != after.deadline_at):
        change.add("ZADD", keys.open_by_deadline(), after.deadline_at, number)
    elif before.is_open and not after.is_open:
        change.add("ZREM", keys.open_by_deadline(), number)
    if before.text != after.text:
        old_words, new_words = words_of(before.text), words_of(after.text)
        for word in sorted(old_words - new_words):
            change.add("SREM", keys.by_word(word), number)
        for word in sorted(new_words - old_words):
            change.add("SADD", keys.by_word(word), number)


def index_ticket(change: Change, ticket: Ticket) -> None:
    """Add to ``change`` every board index entry of ``ticket`` (idempotent: adding twice changes nothing)."""
    number = ticket.number
    change.add("SADD", keys.by_category(ticket.category), number)
    if ticket.community:
        change.add("ZADD", keys.by_community(ticket.community), ticket.created_at, number)
    if ticket.town:
        change.add("ZADD", keys.by_town(ticket.town), ticket.created_at, number)
    if ticket.urgent:
        change.add("SADD", keys.urgent_tickets(), number)
    change.add("ZADD", keys.by_deadline(), ticket.deadline_at, number)
    if ticket.is_open:
        change.add("ZADD", keys.open_by_deadline(), ticket.deadline_at, number)
    for word in sorted(words_of(ticket.text)):
        change.add("SADD", keys.by_word(word), number)
