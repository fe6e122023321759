"""The scheduler loop inside ``gridbot serve``: handles due reminders, escalations and auto-closes.

Safe with several processes: each due item is handled by exactly one of them (see bot.tickets.escalation).
"""

from __future__ import annotations

import asyncio
import logging

from bot.infra.clock import Clock
from bot.tickets.escalation import DueSteps
from bot.tickets.store import TicketStore

log = logging.getLogger(__name__)


class Scheduler:
    """Polls the due set and hands each due item to the ticket service (:class:`DueSteps`)."""

    def __init__(self, store: TicketStore, work: DueSteps, clock: Clock, interval: float = 1.0) -> None:
        self.store = store
        self.work = work
        self.clock = clock
        self.interval = interval

    async def run_once(self, batch: int = 100) -> int:
        """Handle every item due now; returns how many this process handled."""
        handled = 0
        for _ in range(100):  # bounded: a pass never spins on items it cannot clear
            items = await self.store.due_items(self.clock.now(), batch)
            handled += sum([await self.work.handle_due(member) for member, _ in items])
            if len(items) < batch:
                break
        return handled

    async def run(self, stop: asyncio.Event) -> None:
        """Loop until ``stop`` is set; errors are logged and the loop goes on."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # infrastructure hiccup (Redis restarting): log, wait, retry
                log.exception("scheduler pass failed")
            try:
                await asyncio.wait_for(stop.wait(), self.interval)
            except TimeoutError:
                pass
