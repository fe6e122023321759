"""What a resident's next message can do to a ticket they opened: name its place, or thank for its result.

Both are ticket steps like any other (read, decide, commit with audit entry and notifications); the
conversation (:mod:`bot.intake.conversation`) decides when a message means one of them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.infra import keys
from bot.grids.map import Location
from bot.tickets.notifications import Kind, Notification
from bot.tickets.outcome import Outcome, Refusal
from bot.tickets.store import Change, Commit, TicketContext
from bot.tickets.record import AuditEntry
from bot.tickets.states import Action, Status
from bot.tickets.steps import REQUEST_MEMORY_SECONDS, TicketSteps

PRAISE_WINDOW_SECONDS = 3 * 24 * 3600  # thanks this soon after a ticket was resolved or closed are for it


class FollowUpSteps(TicketSteps):
    """Placing a ticket opened without a place, and passing on a resident's thanks."""

    async def place(self, number: str, resident: str, location: Location, request_id: str | None = None) -> Outcome:
        """The resident who opened a ticket without a grid names its place: the ticket goes to that grid's
        workers (or, when the grid has none, stays pending for its community's supervisors)."""
        if location.grid_id is None:
            return Outcome.refused(Refusal.BAD_INPUT, detail="place")
        workers = await self.people.workers_of_grid(location.grid_id)

        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if ticket.resident != resident:
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            if ticket.status != Status.PENDING or ticket.grid_id is not None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            now = self.clock.now()
            place: dict[str, Any] = {"grid_id": location.grid_id, "grid_name": location.name,
                                     "community": location.community, "town": location.town,
                                     "locate_method": location.method}
            after = self._moved(ticket, Action.ASSIGN, **place) if workers else replace(ticket, updated_at=now, **place)
            assert after is not None  # a pending ticket may always be assigned
            summary = self.summary(after)
            notes = [Notification(w, Kind.NEW_TICKET, after.number, summary) for w in workers]
            if not workers:
                notes += [Notification(s, Kind.NEEDS_DISPATCH, after.number, summary)
                          for s in await self.routing.dispatchers(after)]
            elif after.urgent:  # as on opening: an urgent ticket reaches its grid and its supervisor together
                supervisors = (await self.routing.community_supervisors(after)
                               or await self.routing.town_supervisors(after))
                notes += [Notification(s, Kind.URGENT_ALERT, after.number, summary) for s in supervisors]
            notes += self.to_residents(ctx, after, Kind.PLACED)
            entry = AuditEntry(now, resident, "place", ticket.status, after.status,
                               note=f"placed by the resident in {location.grid_id}")
            extra = Change()
            if request_id is not None:  # the same message, redelivered, places it once and opens nothing
                extra.add("SET", keys.request(request_id), after.number, "EX", REQUEST_MEMORY_SECONDS)
            return Commit(after, entry, notes, due_set=self.deadlines.schedule(after, now), extra=extra)

        return await self.apply(number, decide)

    async def praise(self, resident: str) -> Outcome:
        """Thanks from a resident: recorded on their newest ticket when it was resolved or closed lately,
        and passed on to the worker who handled it (once per resident and ticket)."""
        latest = await self.store.latest_of(resident)
        if latest is None:
            return Outcome.refused(Refusal.NOT_FOUND)
        marker = keys.praised(latest.number, resident)

        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket, now = ctx.ticket, self.clock.now()
            if resident not in ctx.residents:
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            recent = now - ticket.updated_at <= PRAISE_WINDOW_SECONDS
            if ticket.status not in (Status.RESOLVED, Status.CLOSED) or not recent:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            if await self.store.redis.exists(marker):
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            extra = Change()
            extra.add("SET", marker, "1", "EX", PRAISE_WINDOW_SECONDS)
            notes = [Notification(w, Kind.PRAISED, ticket.number, self.summary(ticket)) for w in ctx.handlers]
            entry = AuditEntry(now, resident, "praise", ticket.status, ticket.status, note="the resident said thanks")
            return Commit(ticket, entry, notes, extra=extra, unclaimed=marker)

        return await self.apply(latest.number, decide)
