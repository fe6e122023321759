"""A worker's to-do list: what they accepted, and what waits unaccepted in their grids, by deadline."""

from __future__ import annotations

from bot.people.directory import People
from bot.tickets.store import TicketStore
from bot.tickets.record import Ticket
from bot.tickets.states import OPEN_STATUSES


async def open_tasks(store: TicketStore, people: People, worker: str, limit: int = 200) -> list[Ticket]:
    """Open tickets the worker holds or could take, soonest deadline first."""
    found = {t.number: t for t in await store.list(worker=worker, limit=limit) if t.status in OPEN_STATUSES}
    record = await people.get_worker(worker)
    for grid_id in record.grids if record else ():
        for ticket in await store.list(grid_id=grid_id, limit=limit):
            if ticket.status in OPEN_STATUSES and ticket.worker in (None, worker):
                found.setdefault(ticket.number, ticket)
    return sorted(found.values(), key=lambda ticket: ticket.deadline_at)
