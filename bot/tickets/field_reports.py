"""A grid worker's own report (巡查上报) as a ticket: who files it, who keeps it, what its reporter hears.

A field report has no resident. Its ``resident`` is the filer key ``patrol:<worker key>`` (say
``patrol:telegram:42``), which is nobody's chat (bot/tickets/sources.py): :attr:`bot.tickets.store.TicketContext.residents` leaves
it out, so nothing meant for a resident (opened, status changes, the rating prompt) goes anywhere, and the
reporter's own reports stay together under that key (``keys.by_resident``). The reporter hears of the
ticket as staff (``Kind.REPORTED``).

In the reporter's own grid the ticket is theirs at once: it opens accepted by them, with one audit entry
for the opening by the worker and one for the acceptance, and no colleague is told. Elsewhere it is
routed as a resident's request is (that grid's workers, or the supervisors). ``需上级处理`` on a report the
reporter keeps hands it to the supervisors (:meth:`FieldReportSteps.refer_up`). With nobody to rate it, a
field report closes as soon as its reporter resolves it (:func:`closes_on_resolve`).
"""

from __future__ import annotations

from bot.tickets.notifications import Kind, Notification
from bot.tickets.outcome import Outcome, Refusal
from bot.tickets.record import AuditEntry, Ticket
from bot.tickets.sources import Source, is_resident, reporter_of
from bot.tickets.states import Action, Status
from bot.tickets.steps import TicketSteps
from bot.tickets.store import Commit, TicketContext


# On the opening entry of a field report: opened by a worker as staff, not as a resident (bot/tickets/timeline.py).
PATROL_OPENING = {"source": str(Source.PATROL)}


def keeper(source: str, resident: str, grid_workers: list[str]) -> str | None:
    """The worker who keeps a new ticket: the reporter of a field report in one of their own grids."""
    reporter = reporter_of(resident) if source == Source.PATROL else None
    return reporter if reporter is not None and reporter in grid_workers else None


def kept_entries(ticket: Ticket, note: str) -> list[AuditEntry]:
    """A kept report's audit trail on opening: opened by its reporter, then accepted by them."""
    assert ticket.worker is not None
    return [AuditEntry(ticket.created_at, ticket.worker, "open", None, Status.ASSIGNED, note, PATROL_OPENING),
            AuditEntry(ticket.created_at, ticket.worker, str(Action.ACCEPT), Status.ASSIGNED, Status.ACCEPTED,
                       note="reported on patrol in the worker's own grid")]


def reporter_notes(ticket: Ticket, summary: dict[str, object]) -> list[Notification]:
    """What the reporter of a new field report is told: kept (with 办结 / 需上级处理) or where it went."""
    reporter = reporter_of(ticket.resident)
    if reporter is None:
        return []
    data = {**summary, "kept": ticket.worker == reporter, "source": ticket.source}
    return [Notification(reporter, Kind.REPORTED, ticket.number, data)]


def closes_on_resolve(ticket: Ticket) -> bool:
    """Does resolving ``ticket`` close it? A field report has nobody to rate it, so it does."""
    return not is_resident(ticket.resident)


class FieldReportSteps(TicketSteps):
    """The step only a field report's reporter takes."""

    async def refer_up(self, number: str, worker: str) -> Outcome:
        """需上级处理: the reporter of a field report they keep hands it to the supervisors, who route it."""
        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if reporter_of(ticket.resident) != worker or ticket.worker != worker:
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            after = self._moved(ticket, Action.RETURN, worker=None)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            summary = self.summary(after, referred=True)
            notes = [Notification(s, Kind.NEEDS_DISPATCH, after.number, summary)
                     for s in await self.routing.dispatchers(after)]
            entry = self._entry(worker, Action.RETURN, ticket, after, "referred up by its reporter")
            return Commit(after, entry, notes)

        return await self.apply(number, decide, actor=worker)
