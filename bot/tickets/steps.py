"""The machinery every ticket step shares: read, decide, commit atomically, retry on a concurrent change.

:class:`bot.tickets.service.Tickets` (what residents, workers and supervisors do) is built on it,
with :class:`bot.tickets.follow_up.FollowUpSteps`, :class:`bot.tickets.escalation.DueSteps` (what
deadlines do) and :class:`bot.tickets.supervision.SupervisorChoices` (what a supervisor may be offered).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from nlp.masking import mask_personal
from nlp.natures import nature_name
from nlp.taxonomy import Taxonomy

from bot.infra.clock import Clock
from bot.tickets.deadlines import DeadlinePolicy
from bot.grids.store import GridStore
from bot.tickets.notifications import Kind, Notification
from bot.tickets.outcome import Outcome, Refusal
from bot.people.directory import People
from bot.people.routing import Routing
from bot.tickets.store import Commit, TicketContext, TicketStore
from bot.tickets.record import AuditEntry, Ticket
from bot.tickets.states import Action, Status, target_of

MAX_ATTEMPTS = 50
REQUEST_MEMORY_SECONDS = 7 * 24 * 3600  # how long a request id remembers the ticket it opened or placed
Decision = Callable[[TicketContext], Awaitable["Commit | Outcome"]]


class TicketSteps:
    """Collaborators and helpers of the ticket service."""

    def __init__(
        self,
        store: TicketStore,
        people: People,
        grids: GridStore,
        taxonomy: Taxonomy,
        clock: Clock,
        admin_keys: frozenset[str] = frozenset(),
    ) -> None:
        self.store = store
        self.people = people
        self.grids = grids
        self.taxonomy = taxonomy
        self.clock = clock
        self.routing = Routing(people, admin_keys)
        self.deadlines = DeadlinePolicy(taxonomy)

    async def apply(self, number: str, decide: Decision, actor: str | None = None) -> Outcome:
        """Read, decide, commit; on a concurrent change decide again on the fresh ticket."""
        for _ in range(MAX_ATTEMPTS):
            ctx = await self.store.context(number.strip().upper(), actor)
            if ctx is None:
                return Outcome.refused(Refusal.NOT_FOUND)
            decision = await decide(ctx)
            if isinstance(decision, Outcome):
                return decision
            if (committed := await self.store.commit(ctx.ticket, decision)) is not None:
                return Outcome.done(committed)
        raise RuntimeError(f"ticket {number}: too many concurrent changes")

    def _moved(self, ticket: Ticket, action: Action, **changes: Any) -> Ticket | None:
        target = target_of(action, ticket.status)
        if target is None:
            return None
        now = self.clock.now()
        if target == Status.RESOLVED or (action == Action.CONCLUDE and ticket.is_open):
            changes.setdefault("handled_at", now)  # the handling time and on-time figures of the statistics
        return replace(ticket, status=target, updated_at=now, **changes)

    def _entry(self, actor: str, action: Action, before: Ticket, after: Ticket, note: str = "",
               data: dict[str, Any] | None = None) -> AuditEntry:
        return AuditEntry(self.clock.now(), actor, str(action), before.status, after.status, note, data or {})

    @staticmethod
    def _works_in(ctx: TicketContext, grid_id: str | None) -> bool:
        return ctx.actor is not None and grid_id is not None and grid_id in ctx.actor.grids

    async def _name(self, key: str) -> str:
        worker = await self.people.get_worker(key)
        return worker.name if worker and worker.name else key.split(":", 1)[-1]

    def to_residents(self, ctx: TicketContext, ticket: Ticket, kind: Kind, **data: object) -> list[Notification]:
        """The same notification to the resident who opened the ticket and to its followers (who are told,
        but do not rate: only the resident who opened it does)."""
        summary = self.resident_summary(ticket, **data)
        return [Notification(r, kind, ticket.number, {**summary, "may_rate": r == ticket.resident})
                for r in ctx.residents]

    def resident_summary(self, ticket: Ticket, **extra: object) -> dict[str, object]:
        """What a notification to a resident carries: the summary without the words and photo of the
        resident who opened the ticket (a follower must never get them; the opener has them)."""
        data = self.summary(ticket, **extra)
        del data["text"], data["ticket_photo"]
        return data

    @staticmethod
    def refusal_to_resident(ctx: TicketContext, resident: str) -> Outcome | None:
        """Why ``resident`` may not act on the ticket as the one who opened it (None: they did). To anyone
        but its residents it does not exist: the answer to a probed number is that of an unknown one. A
        follower, who knows the ticket, is told it is not theirs to change."""
        if ctx.ticket.resident == resident:
            return None
        if resident in ctx.followers:
            return Outcome.refused(Refusal.NOT_ALLOWED, ctx.ticket)
        return Outcome.refused(Refusal.NOT_FOUND)

    def summary(self, ticket: Ticket, **extra: object) -> dict[str, object]:
        """What a channel needs to render any notification about ``ticket`` to staff: the resident's
        words with their personal numbers masked (residents' notifications carry no words at all)."""
        data: dict[str, object] = {
            "status": str(ticket.status),
            "category": ticket.category,
            "category_name": self.taxonomy.name(ticket.category),
            "nature_name": nature_name(ticket.nature),  # '' when the model gave none
            "text": mask_personal(ticket.text),
            "urgent": ticket.urgent,
            "grid_id": ticket.grid_id,
            "grid_name": ticket.grid_name,
            "community": ticket.community,
            "deadline_at": ticket.deadline_at,
            "ticket_photo": ticket.photo,
        }
        data.update({k: v for k, v in extra.items() if v is not None})
        return data
