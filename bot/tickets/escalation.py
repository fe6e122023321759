"""What happens when a due item comes due: remind the worker, escalate up the hierarchy, auto-close.

Each handling is one ticket step (read, decide, commit) that also removes (or moves) the due item, so
when several schedulers race for the same item exactly one commit wins and the others find nothing
left to do.
"""

from __future__ import annotations

from dataclasses import replace

from bot.tickets.deadlines import TOP_ESCALATION_LEVEL, DueKind, due_member, parse_due_member
from bot.tickets.notifications import Kind, Notification
from bot.tickets.outcome import Outcome, Refusal
from bot.tickets.store import Commit, TicketContext
from bot.tickets.record import AuditEntry, Ticket
from bot.tickets.states import Action, Status
from bot.tickets.steps import TicketSteps

SYSTEM = "system"


class DueSteps(TicketSteps):
    """The ticket steps deadlines take (the scheduler hands each due item to :meth:`handle_due`)."""

    async def handle_due(self, member: str) -> bool:
        """Handle one due item; True when this call did the work (False: nothing to do, or done elsewhere)."""
        kind, number = parse_due_member(member)
        handlers = {DueKind.REMIND: self._remind, DueKind.ESCALATE: self._escalate, DueKind.AUTO_CLOSE: self._auto_close}

        async def decide(ctx: TicketContext) -> Commit | Outcome:
            due_at = await self.store.due_score(member)
            if due_at is None or due_at > self.clock.now():
                return Outcome.refused(Refusal.WRONG_STATE, ctx.ticket)  # handled by someone else already
            commit = await handlers[kind](ctx)
            return commit if commit is not None else Commit(ctx.ticket, due_clear=[member])

        outcome = await self.apply(number, decide)
        if outcome.refusal == Refusal.NOT_FOUND:
            await self.store.remove_due(member)
        return outcome.ok

    async def _remind(self, ctx: TicketContext) -> Commit | None:
        ticket = ctx.ticket
        if ticket.status not in (Status.ASSIGNED, Status.ACCEPTED) or ticket.reminded:
            return None
        now = self.clock.now()
        after = replace(ticket, reminded=True, updated_at=now)
        notes = [Notification(w, Kind.REMINDER, ticket.number, self.summary(ticket)) for w in ctx.handlers]
        entry = AuditEntry(now, SYSTEM, "remind", ticket.status, ticket.status, "deadline approaching")
        return Commit(after, entry, notes, due_clear=[due_member(DueKind.REMIND, ticket.number)])

    async def _escalate(self, ctx: TicketContext) -> Commit | None:
        ticket = ctx.ticket
        if not ticket.is_open or ticket.escalation_level >= TOP_ESCALATION_LEVEL:
            return None
        now = self.clock.now()
        level, supervisors = await self.next_level(ticket)
        after = replace(ticket, escalation_level=level, updated_at=now)
        target = "community supervisor" if level == 1 else "town supervisor"
        summary = self.summary(after, level=level)
        notes = [Notification(s, Kind.ESCALATED, ticket.number, summary) for s in supervisors]
        notes += [Notification(w, Kind.OVERDUE, ticket.number, summary) for w in ctx.handlers]
        entry = AuditEntry(now, SYSTEM, "escalate", ticket.status, ticket.status, f"overdue: escalated to {target}",
                           {"level": level})
        member = due_member(DueKind.ESCALATE, ticket.number)
        due_set = {member: now + self.deadlines.escalation_step(ticket)} if level < TOP_ESCALATION_LEVEL else {}
        return Commit(after, entry, notes, due_set=due_set, due_clear=[] if due_set else [member])

    async def next_level(self, ticket: Ticket) -> tuple[int, list[str]]:
        """The escalation level above ``ticket``'s and who is there: its community's supervisors, or (none
        there, or already past them) its town's, else whoever dispatches it."""
        level = ticket.escalation_level + 1
        supervisors = await self.routing.community_supervisors(ticket) if level == 1 else []
        if not supervisors:  # no community supervisor: straight to the town
            level = TOP_ESCALATION_LEVEL
            supervisors = await self.routing.town_supervisors(ticket) or await self.routing.dispatchers(ticket)
        return level, supervisors

    async def _auto_close(self, ctx: TicketContext) -> Commit | None:
        ticket = ctx.ticket
        after = self._moved(ticket, Action.CLOSE)
        if after is None:  # no longer resolved: rated, or reopened
            return None
        entry = self._entry(SYSTEM, Action.CLOSE, ticket, after, "not rated within 7 days")
        notes = self.to_residents(ctx, after, Kind.STATUS_CHANGED)
        return Commit(after, entry, notes, due_clear=[due_member(DueKind.AUTO_CLOSE, ticket.number)])
