"""The scheduler loop inside ``gridbot serve``: handles due reminders, escalations and auto-closes.

Safe with several processes: each due item is handled by exactly one of them (see bot.tickets.escalation).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Protocol

from bot.infra.clock import Clock
from bot.tickets.escalation import DueSteps
from bot.tickets.store import TicketStore

log = logging.getLogger(__name__)


class Periodic(Protocol):
    """Other periodic work the scheduler drives (the early-warning detector): ``tick`` is called after
    every pass and decides itself whether its time has come."""

    async def tick(self) -> object: ...


class Scheduler:
    """Polls the due set and hands each due item to the ticket service (:class:`DueSteps`); then ticks
    its other periodic work."""

    def __init__(self, store: TicketStore, work: DueSteps, clock: Clock, interval: float = 1.0,
                 jobs: Sequence[Periodic] = ()) -> None:
        self.store = store
        self.work = work
        self.clock = clock
        self.interval = interval
        self.jobs = tuple(jobs)

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
            for job in self.jobs:
                try:
                    await job.tick()
                except Exception:  # one job's failure must not stop deadlines or the other jobs
                    log.exception("periodic job %s failed", type(job).__name__)
            try:
                await asyncio.wait_for(stop.wait(), self.interval)
            except TimeoutError:
                pass
