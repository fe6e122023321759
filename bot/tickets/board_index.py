"""The console board's indexes, written in the same atomic commit as the ticket change they follow.

Beside the store's own indexes (all tickets and each grid's by creation time, a set per state), the
board keeps: a set per category, per nature and per source, a sorted set per community and per town (by creation time: a scope's
tickets, newest first, without reading the others), the urgent set, every ticket by deadline, the open
ones by deadline (overdue = scored below now), a set per search word (and loose character) and the
vocabulary of search words (bot/tickets/search_words.py). :func:`board_index_changes`
adds to a :class:`~bot.tickets.store.Change` exactly the difference between two versions of a ticket,
so every step (open, dispatch, accept, return, resolve, close, cancel, recategorise, place) keeps them
right. Each scope (the city, a town, a community) also has its open tickets by creation time and by
deadline, those of each open state by deadline (the overdue filter) and a counter per state, so the
board's default and overdue views of any scope read a page, not a set; and every ticket is scored by
its state's code and its deadline, so one intersection gives a filtered query its counts per state
and its overdue count.
:func:`index_ticket` writes a ticket's entries from nothing (``gridbot tickets reindex``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.infra import keys
from bot.tickets.record import Ticket
from bot.tickets.states import Status
from bot.tickets.search_words import vocabulary_of, words_of

if TYPE_CHECKING:
    from bot.tickets.store import Change


def scope_ids(community: str | None, town: str | None) -> list[str]:
    """The scopes a ticket of this community and town counts in: the city's, its town's, its community's."""
    return ["all"] + ([f"town:{town}"] if town else []) + ([f"community:{town}:{community}"] if town and community else [])


def _scope_entries(ticket: Ticket | None) -> tuple[dict[str, float], set[tuple[str, str]]]:
    """A ticket's places in its scopes' open views (key → score) and state counters (hash, state)."""
    if ticket is None:
        return {}, set()
    scopes = scope_ids(ticket.community, ticket.town)
    views: dict[str, float] = {}
    if ticket.is_open:
        for scope in scopes:
            views[keys.scope_open(scope, "created")] = ticket.created_at
            views[keys.scope_open(scope, "deadline")] = ticket.deadline_at
            views[keys.scope_state_open(scope, ticket.status)] = ticket.deadline_at
    return views, {(keys.scope_counts(scope), str(ticket.status)) for scope in scopes}


def _scope_changes(change: Change, before: Ticket | None, after: Ticket) -> None:
    (old_views, old_counts), (new_views, new_counts) = _scope_entries(before), _scope_entries(after)
    for key in sorted(old_views.keys() - new_views.keys()):
        change.add("ZREM", key, after.number)
    for key, score in sorted(new_views.items()):
        if old_views.get(key) != score:
            change.add("ZADD", key, score, after.number)
    for key, state in sorted(old_counts - new_counts):
        change.add("HINCRBY", key, state, -1)
    for key, state in sorted(new_counts - old_counts):
        change.add("HINCRBY", key, state, 1)


CODE_STEP = 1e10  # keys.by_state_code(): a ticket's score is its state's code * CODE_STEP + its deadline


def state_code(status: Status) -> int:
    """A state's code: its place in the list of states."""
    return list(Status).index(status)


def _coded(ticket: Ticket) -> float:
    """The ticket's score in keys.by_state_code() (deadlines are below 1e10 until the year 2286)."""
    return state_code(ticket.status) * CODE_STEP + ticket.deadline_at


def board_index_changes(change: Change, before: Ticket | None, after: Ticket) -> None:
    """Add to ``change`` what keeps the board's indexes in step from ``before`` (None: new) to ``after``."""
    _scope_changes(change, before, after)
    if before is None or (before.status, before.deadline_at) != (after.status, after.deadline_at):
        change.add("ZADD", keys.by_state_code(), repr(_coded(after)), after.number)
    if before is None:
        _plain_entries(change, after)
        return
    number, created = after.number, after.created_at
    if before.category != after.category:
        change.add("SREM", keys.by_category(before.category), number)
        change.add("SADD", keys.by_category(after.category), number)
    if before.nature != after.nature:
        if before.nature:
            change.add("SREM", keys.by_nature(before.nature), number)
        if after.nature:
            change.add("SADD", keys.by_nature(after.nature), number)
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
    if before.text != after.text:
        old_words, new_words = words_of(before.text), words_of(after.text)
        for word in sorted(old_words - new_words):
            change.add("SREM", keys.by_word(word), number)
        for word in sorted(new_words - old_words):
            change.add("SADD", keys.by_word(word), number)
        if added := vocabulary_of(new_words - old_words):
            change.add("SADD", keys.search_vocabulary(), *added)


def index_ticket(change: Change, ticket: Ticket) -> None:
    """Add to ``change`` every board index entry of ``ticket`` (idempotent: adding twice changes nothing),
    but for the scopes' state counters (see :func:`bot.tickets.reindex.reindex`)."""
    for key, score in sorted(_scope_entries(ticket)[0].items()):
        change.add("ZADD", key, score, ticket.number)
    change.add("ZADD", keys.by_state_code(), repr(_coded(ticket)), ticket.number)
    _plain_entries(change, ticket)


def _plain_entries(change: Change, ticket: Ticket) -> None:
    """The entries of ``ticket`` in the indexes that do not depend on its scope's views."""
    number = ticket.number
    change.add("SADD", keys.by_category(ticket.category), number)
    change.add("SADD", keys.by_source(ticket.source), number)  # a ticket's source never changes
    if ticket.nature:
        change.add("SADD", keys.by_nature(ticket.nature), number)
    if ticket.community:
        change.add("ZADD", keys.by_community(ticket.community), ticket.created_at, number)
    if ticket.town:
        change.add("ZADD", keys.by_town(ticket.town), ticket.created_at, number)
    if ticket.urgent:
        change.add("SADD", keys.urgent_tickets(), number)
    change.add("ZADD", keys.by_deadline(), ticket.deadline_at, number)
    entries = words_of(ticket.text)
    for word in sorted(entries):
        change.add("SADD", keys.by_word(word), number)
    if words := vocabulary_of(entries):
        change.add("SADD", keys.search_vocabulary(), *words)
