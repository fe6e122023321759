"""Tickets opened within a time window, newest first, filtered by category and state: what the
Open311 API lists (``GET requests``). Read from the creation-time index in pages, so a narrow filter
over a busy window reads only as far as it must."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.infra import decoded, keys
from bot.tickets.record import Ticket
from bot.tickets.states import Status
from bot.tickets.store import TicketStore

PAGE = 500


@dataclass(frozen=True)
class Window:
    """Opened from ``start`` to ``end`` (epoch seconds, both included); ``categories`` / ``statuses``:
    only these (empty: any)."""

    start: float
    end: float
    categories: Collection[str] = ()
    statuses: Collection[Status] = ()


async def tickets_in_window(store: TicketStore, window: Window, limit: int) -> list[Ticket]:
    """At most ``limit`` tickets of ``window``, newest first."""
    found: list[Ticket] = []
    offset = 0
    while len(found) < limit:
        numbers = decoded.text_list(await store.redis.zrevrangebyscore(
            keys.all_tickets(), window.end, window.start, start=offset, num=PAGE))
        for ticket in await store.get_many(numbers):
            if (window.categories and ticket.category not in window.categories) or (
                    window.statuses and ticket.status not in window.statuses):
                continue
            found.append(ticket)
            if len(found) >= limit:
                break
        if len(numbers) < PAGE:
            break
        offset += PAGE
    return found
