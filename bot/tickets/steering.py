"""What supervisors and dispatch-console accounts do to a ticket: dispatch to a grid or a worker,
recategorise (kept as a training label), escalate, link as a duplicate, close with a note.

One rule of who may steer which ticket serves every channel: :class:`bot.people.routing.Coverage`
(a :class:`bot.accounts.scope.Scope`). A console account (``console:USERNAME``) is told an out-of-scope
ticket is not found, as an unknown number is (existence is not revealed); a Telegram or WeCom supervisor,
who was sent its number, that it is not theirs.
"""

from __future__ import annotations

import json
from dataclasses import replace

from bot.infra import keys
from bot.tickets.deadlines import TOP_ESCALATION_LEVEL
from bot.tickets.notifications import Kind, Notification
from bot.tickets.outcome import Outcome, Refusal
from bot.tickets.record import AuditEntry, Ticket
from bot.tickets.states import Action, Status
from bot.tickets.store import Change, Commit, TicketContext
from bot.tickets.escalation import DueSteps
from bot.tickets.supervision import SupervisorChoices

NOTE_LIMIT = 1000


class SteeringSteps(SupervisorChoices, DueSteps):
    """Supervisors' and console accounts' steps, each one read → decide → commit."""

    async def visible(self, number: str, viewer: str) -> Ticket | None:
        """``number`` as ``viewer`` may read it; None when there is none or it is out of their scope."""
        ticket = await self.store.get(number.strip().upper())
        if ticket is None or not await self.routing.covers(viewer, ticket.community, ticket.town):
            return None
        return ticket

    async def _out_of_scope(self, steerer: str, ticket: Ticket) -> Outcome | None:
        """Why ``steerer`` may not steer ``ticket`` (None: they may)."""
        if await self.routing.covers(steerer, ticket.community, ticket.town):
            return None
        return self.not_theirs(steerer, ticket)

    async def dispatch(self, number: str, supervisor: str, grid_id: str, worker: str | None = None) -> Outcome:
        """Route a ticket to one of the grids of the supervisor's area: to all its workers, or (``worker``)
        to that one worker of the grid alone. A ticket that workers already have is taken from them
        (改派): they are told it is no longer theirs."""
        grid_map = await self.grids.current()
        grid = grid_map.get(grid_id) if grid_map else None
        if grid is None:
            return Outcome.refused(Refusal.BAD_INPUT, detail="grid")
        workers = await self.people.workers_of_grid(grid_id)
        if worker is not None and worker not in workers:
            return Outcome.refused(Refusal.BAD_INPUT, detail="worker")

        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if (refused := await self._out_of_scope(supervisor, ticket)) is not None:
                return refused
            if not await self.routing.covers(supervisor, grid.community, grid.town):
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            if not workers:
                return Outcome.refused(Refusal.NO_WORKERS, ticket, grid_id)
            after = self._moved(ticket, Action.ASSIGN, grid_id=grid.grid_id, grid_name=grid.name,
                                community=grid.community, town=grid.town, locate_method="dispatch",
                                return_reason=None, worker=None)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            to_workers = [worker] if worker else workers
            notes = [Notification(w, Kind.NEW_TICKET, after.number, self.summary(after)) for w in to_workers]
            if ticket.status != Status.PENDING:
                notes += [Notification(w, Kind.REDISPATCHED, after.number, {})
                          for w in ctx.handlers if w not in to_workers]
            notes += self.to_residents(ctx, after, Kind.STATUS_CHANGED)
            to = f"{grid.grid_id} ({worker})" if worker else grid.grid_id
            entry = self._entry(supervisor, Action.ASSIGN, ticket, after, f"dispatched to {to}",
                                {"grid": grid.grid_id, "grid_name": grid.name, "worker": worker or ""})
            return Commit(after, entry, notes, due_set=self.deadlines.schedule(after, self.clock.now()))

        return await self.apply(number, decide)

    async def recategorise(self, number: str, supervisor: str, category: str) -> Outcome:
        """Correct the category; the correction is kept as a training label."""
        if self.taxonomy.get(category) is None:
            return Outcome.refused(Refusal.BAD_INPUT, detail="category")

        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if (refused := await self._out_of_scope(supervisor, ticket)) is not None:
                return refused
            if ticket.category == category:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            now = self.clock.now()
            after = replace(ticket, category=category, updated_at=now)
            entry = AuditEntry(now, supervisor, "recategorise", ticket.status, ticket.status,
                               note=f"{ticket.category} → {category}", data={"from": ticket.category, "to": category})
            extra = Change()
            label = {"text": ticket.text, "label": category, "by": supervisor, "at": now, "number": ticket.number,
                     "urgent": ticket.urgent}
            extra.add("HSET", keys.corrections(), ticket.number, json.dumps(label, ensure_ascii=False))
            notes = [Notification(w, Kind.RECATEGORISED, after.number, self.summary(after)) for w in ctx.handlers]
            return Commit(after, entry, notes, extra=extra)

        return await self.apply(number, decide)

    async def escalate(self, number: str, supervisor: str, note: str = "") -> Outcome:
        """Hand an open ticket one level up at once (community → town), as an overdue one would be."""
        note = note.strip()[:NOTE_LIMIT]

        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if (refused := await self._out_of_scope(supervisor, ticket)) is not None:
                return refused
            if not ticket.is_open or ticket.escalation_level >= TOP_ESCALATION_LEVEL:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            level, above = await self.next_level(ticket)
            now = self.clock.now()
            after = replace(ticket, escalation_level=level, updated_at=now)
            notes = [Notification(s, Kind.ESCALATED, ticket.number, self.summary(after, level=level))
                     for s in above if s != supervisor]
            notes += [Notification(w, Kind.RAISED, ticket.number, {"level": level}) for w in ctx.handlers]
            target = "community supervisor" if level == 1 else "town supervisor"
            entry = AuditEntry(now, supervisor, "escalate", ticket.status, ticket.status,
                               f"escalated to {target}" + (f": {note}" if note else ""), {"level": level, "note": note})
            return Commit(after, entry, notes)

        return await self.apply(number, decide)

    async def close_with_note(self, number: str, supervisor: str, note: str) -> Outcome:
        """Close a ticket (open or resolved) with a note the residents are told."""
        note = note.strip()[:NOTE_LIMIT]
        if not note:
            return Outcome.refused(Refusal.BAD_INPUT, detail="note")
        return await self._conclude(number, supervisor, note)

    async def link_duplicate(self, number: str, supervisor: str, into: str) -> Outcome:
        """``number`` repeats the open ticket ``into``: its residents follow ``into`` from now on (with
        their own words) and ``number`` closes."""
        original = await self.store.get(into.strip().upper())
        if original is None or not await self.routing.covers(supervisor, original.community, original.town):
            return Outcome.refused(Refusal.BAD_INPUT, detail="ticket")
        if not original.is_open or original.number == number.strip().upper():
            return Outcome.refused(Refusal.WRONG_STATE, original)
        return await self._conclude(number, supervisor, f"duplicate of {original.number}", original)

    async def _conclude(self, number: str, supervisor: str, note: str, into: Ticket | None = None) -> Outcome:
        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if (refused := await self._out_of_scope(supervisor, ticket)) is not None:
                return refused
            after = self._moved(ticket, Action.CONCLUDE, result_note=note)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            notes = [Notification(w, Kind.CLOSED, after.number, self.summary(after)) for w in ctx.handlers]
            extra = Change()
            if into is None:
                notes += self.to_residents(ctx, after, Kind.STATUS_CHANGED, note=note)
            else:
                notes += self._followed(ctx, into, extra)
            data = {"into": into.number} if into is not None else {}
            return Commit(after, self._entry(supervisor, Action.CONCLUDE, ticket, after, note, data), notes,
                          extra=extra, due_clear=self.deadlines.all_members(after))

        return await self.apply(number, decide)

    def _followed(self, ctx: TicketContext, into: Ticket, extra: Change) -> list[Notification]:
        """Make the residents of ``ctx``'s ticket followers of ``into``; each is told it was linked."""
        now, words = self.clock.now(), ctx.ticket.text
        for resident in ctx.residents:
            extra.add("SADD", keys.followers(into.number), resident)
            extra.add("HSET", keys.follower_words(into.number), resident, words)
            extra.add("ZADD", keys.by_resident(resident), now, into.number)
        return [Notification(r, Kind.LINKED, into.number, self.resident_summary(into)) for r in ctx.residents]
