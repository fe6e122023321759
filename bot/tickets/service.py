"""Tickets: opening a request, and every step residents, workers and supervisors take on it.

Rules about who may do what live here, so every channel gets them. Each step reads the ticket,
decides, and commits atomically with its audit entry and notifications; when another process changed
the ticket in between, the step is decided again on the fresh ticket (optimistic concurrency).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from bot.infra import keys
from bot.infra.clock import LOCAL_TIME
from bot.tickets.alerts import Reached, encode_reached
from bot.grids.map import Location
from bot.tickets.notifications import Kind, Notification
from bot.tickets.outcome import Outcome, Refusal
from bot.tickets.duplicates import DUPLICATE_CANDIDATES, DUPLICATE_WINDOW_SECONDS, twin_of
from bot.tickets.store import Change, Commit, OpeningContext, TicketContext
from bot.tickets.receipts import PartReceipt, entry, folded
from bot.tickets.record import AuditEntry, Ticket, as_followed
from bot.tickets.states import Action, Status, target_of
from bot.tickets.follow_up import FollowUpSteps
from bot.tickets.steering import SteeringSteps
from bot.tickets.field_reports import (PATROL_OPENING, FieldReportSteps, closes_on_resolve, kept_entries, keeper,
                                       reporter_notes)
from bot.tickets.sources import Source, is_resident, reporter_of
from bot.tickets.steps import REQUEST_MEMORY_SECONDS
from bot.warnings.baseline import count_opening

NOTE_LIMIT = 1000


@dataclass(frozen=True)
class NewRequest:
    """A resident's request, classified and located, ready to become a ticket."""

    resident: str
    text: str
    category: str
    confidence: float = 1.0
    urgent: bool = False
    location: Location | None = None
    coordinates: tuple[float, float] | None = None
    photo: str | None = None
    request_id: str | None = None  # e.g. the Telegram update that carried it: the same id opens once
    source: str = "resident"  # who filed it (Ticket.source)
    address: str | None = None  # the place as another system wrote it (Open311's address_string)
    nature: str | None = None  # the request's nature (nlp.natures), when the model knows it
    part: PartReceipt | None = None  # one of several requests in one message: its receipt is shared


@dataclass(frozen=True)
class Opened:
    """What opening a request did: a new ticket, or a link to an open one (``linked``)."""

    ticket: Ticket
    linked: bool = False
    repeated: bool = False  # the same request (request_id) had opened this ticket before


class Tickets(FollowUpSteps, SteeringSteps, FieldReportSteps):
    """The ticket service used by every channel, the CLI and the scheduler (with the follow-ups of
    :class:`bot.tickets.follow_up.FollowUpSteps`: placing a ticket, passing on thanks; the steps deadlines
    take, :class:`bot.tickets.escalation.DueSteps`: reminders, escalation, auto-close; and what supervisors
    and console accounts do, :class:`bot.tickets.steering.SteeringSteps`, which has the deadline steps in it;
    a field report's 需上级处理, :class:`bot.tickets.field_reports.FieldReportSteps`)."""

    # -- opening ---------------------------------------------------------------------------------

    async def open(self, request: NewRequest) -> Opened:
        """Open a ticket for ``request``, or link it to a very similar open ticket of the same grid."""
        now = self.clock.now()
        opening = await self._prepare_open(request, now)
        if opening.opened_before is not None and (before := await self.store.get(opening.opened_before)) is not None:
            return Opened(before, repeated=True)
        # a worker's own report is always a ticket of its own (a resident's repeat of it may still join it)
        twin = None if request.source == Source.PATROL else twin_of(
            request.text, request.resident, opening.candidates, now - DUPLICATE_WINDOW_SECONDS)
        if twin is not None and (linked := await self._link(twin, request, now)) is not None:
            return Opened(linked, linked=True)
        ticket = self._new_ticket(request, opening, now)
        committed = await self.store.commit(None, await self._opening_commit(ticket, request, opening.workers, now))
        if committed is None:
            return await self._opened_concurrently(request, ticket)
        return Opened(committed)

    def receipt_entry(self, opened: Opened) -> dict[str, object]:
        """What the shared receipt of a message's parts says about the part ``opened``."""
        return entry(opened.ticket.number, opened.linked, self.resident_summary(opened.ticket))

    async def _prepare_open(self, request: NewRequest, now: float) -> OpeningContext:
        """The new ticket's number, its grid's workers, the duplicate candidates, and the ticket the
        same request opened before (one round trip)."""
        grid_id = request.location.grid_id if request.location else None
        day = datetime.fromtimestamp(now, LOCAL_TIME).strftime("%Y%m%d")
        return await self.store.prepare_open(
            day, grid_id, request.category, request.request_id,
            candidates_since=now - DUPLICATE_WINDOW_SECONDS, max_candidates=DUPLICATE_CANDIDATES,
        )

    def _new_ticket(self, request: NewRequest, opening: OpeningContext, now: float) -> Ticket:
        """The ticket ``request`` becomes: assigned when its grid has workers, else pending; a field report in
        its reporter's own grid accepted by them (bot/tickets/field_reports.py)."""
        place = request.location
        grid = place if place and place.grid_id else None
        kept_by = keeper(request.source, request.resident, opening.workers)
        return Ticket(
            number=opening.number,
            status=Status.ACCEPTED if kept_by else Status.ASSIGNED if opening.workers else Status.PENDING,
            worker=kept_by,
            category=request.category,
            text=request.text,
            resident=request.resident,
            created_at=now,
            updated_at=now,
            deadline_at=self.deadlines.deadline(request.category, request.urgent, now),
            urgent=request.urgent,
            confidence=request.confidence,
            grid_id=grid.grid_id if grid else None,
            grid_name=grid.name if grid else None,
            community=place.community if place else None,
            town=place.town if place else None,
            locate_method=place.method if place and place.method else None,
            location=f"{request.coordinates[0]:.6f},{request.coordinates[1]:.6f}" if request.coordinates else None,
            photo=request.photo,
            source=request.source,
            address=request.address,
            nature=request.nature,
        )

    async def _opening_commit(self, ticket: Ticket, request: NewRequest, workers: list[str], now: float) -> Commit:
        """What opening ``ticket`` writes: the ticket (an urgent one with whom its alert reached), its
        audit entry, notifications and due items, and the request id's claim on it."""
        notes, reached = await self._opening_notes(ticket, workers)
        notes = folded(notes, request.resident, request.part)
        if ticket.urgent:
            ticket = replace(ticket, alerted=encode_reached(reached))
        note = f"{request.category} {request.confidence:.2f}" + (" urgent" if request.urgent else "")
        entries = kept_entries(ticket, note) if ticket.worker else [
            AuditEntry(now, reporter_of(request.resident) or request.resident, "open", None, ticket.status, note,
                       PATROL_OPENING if request.source == Source.PATROL else {})]
        extra, claim = Change(), keys.request(request.request_id) if request.request_id is not None else None
        if claim is not None:
            extra.add("SET", claim, ticket.number, "EX", REQUEST_MEMORY_SECONDS)
        count_opening(extra, ticket)  # the early-warning baseline (bot/warnings/baseline.py)
        return Commit(ticket, entries[0], notes, due_set=self.deadlines.schedule(ticket, now), extra=extra,
                      unclaimed=claim, more_entries=entries[1:])

    async def _opened_concurrently(self, request: NewRequest, ticket: Ticket) -> Opened:
        """The opening did not commit: the same request opened concurrently (a double tap, a retried
        post) and was first, so that ticket is the answer."""
        existing = await self.store.opened_for(request.request_id) if request.request_id is not None else None
        if existing is None:  # ticket numbers are unique, so this is a bug, not a race
            raise RuntimeError(f"ticket {ticket.number} exists already")
        return Opened(existing, repeated=True)

    async def _opening_notes(self, ticket: Ticket, workers: list[str]) -> tuple[list[Notification], tuple[Reached, ...]]:
        """Who hears of a new ticket: the resident, the grid's workers; the dispatchers when it has no
        worker; and for an urgent one, at once, the first level above the grid that has anyone (and
        which groups that alert reached)."""
        if is_resident(ticket.resident):
            notes = [Notification(ticket.resident, Kind.TICKET_OPENED, ticket.number, self.resident_summary(ticket))]
        else:  # a field report: its reporter is told as staff; kept by them, it goes to no colleague
            notes, workers = reporter_notes(ticket, self.summary(ticket)), [] if ticket.worker else workers
        notes += [Notification(w, Kind.NEW_TICKET, ticket.number, self.summary(ticket)) for w in workers]
        if not ticket.urgent:
            if not workers and ticket.worker is None:
                notes += [Notification(s, Kind.NEEDS_DISPATCH, ticket.number, self.summary(ticket))
                          for s in await self.routing.dispatchers(ticket)]
            return notes, ()
        level, above = await self.routing.above_grid(ticket)
        notes += [Notification(s, Kind.URGENT_ALERT, ticket.number, self.summary(ticket)) for s in above]
        reached = ((Reached.GRID,) if workers or ticket.worker else ()) + ((level,) if level is not None else ())
        return notes, reached

    async def _link(self, twin: str, request: NewRequest, now: float) -> Ticket | None:
        """Join ``request`` to the open ticket ``twin``, keeping the resident's own words for them alone.
        An urgent request does not join a ticket that is not urgent: it opens its own, and alerts."""
        resident = request.resident

        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if not ticket.is_open or (request.urgent and not ticket.urgent):
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            extra = Change()
            extra.add("SADD", keys.followers(ticket.number), resident)
            extra.add("HSET", keys.follower_words(ticket.number), resident, request.text)
            extra.add("ZADD", keys.by_resident(resident), now, ticket.number)
            audit = AuditEntry(now, resident, "link", ticket.status, ticket.status, note="duplicate request linked")
            note = Notification(resident, Kind.LINKED, ticket.number, self.resident_summary(ticket))
            return Commit(replace(ticket, updated_at=now), audit, folded([note], resident, request.part), extra=extra)

        outcome = await self.apply(twin, decide)
        return outcome.ticket if outcome.ok else None

    # -- workers -----------------------------------------------------------------------------------

    async def accept(self, number: str, worker: str) -> Outcome:
        """接单: a worker of the ticket's grid takes it; of simultaneous accepts exactly one wins."""
        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if ticket.status == Status.ACCEPTED and ticket.worker:
                refusal = Refusal.WRONG_STATE if ticket.worker == worker else Refusal.TAKEN
                return Outcome.refused(refusal, ticket, await self._name(ticket.worker))
            if not self._works_in(ctx, ticket.grid_id):
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            after = self._moved(ticket, Action.ACCEPT, worker=worker)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            name = ctx.actor.name if ctx.actor and ctx.actor.name else worker.split(":", 1)[-1]
            notes = self.to_residents(ctx, after, Kind.STATUS_CHANGED, worker_name=name)
            notes += [Notification(w, Kind.TAKEN, after.number, self.summary(after, worker_name=name))
                      for w in ctx.grid_workers if w != worker]
            return Commit(after, self._entry(worker, Action.ACCEPT, ticket, after), notes)

        return await self.apply(number, decide, actor=worker)

    async def return_to_supervisor(self, number: str, worker: str, reason: str) -> Outcome:
        """退回: a worker hands the ticket back to the supervisors, with a reason."""
        reason = reason.strip()[:NOTE_LIMIT]
        if not reason:
            return Outcome.refused(Refusal.BAD_INPUT, detail="reason")

        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if not self._works_in(ctx, ticket.grid_id) or (ticket.worker and ticket.worker != worker):
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            after = self._moved(ticket, Action.RETURN, worker=None, return_reason=reason)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            notes = [Notification(s, Kind.NEEDS_DISPATCH, after.number, self.summary(after, reason=reason))
                     for s in await self.routing.dispatchers(after)]
            notes += self.to_residents(ctx, after, Kind.STATUS_CHANGED)
            return Commit(after, self._entry(worker, Action.RETURN, ticket, after, reason), notes)

        return await self.apply(number, decide, actor=worker)

    async def resolve(self, number: str, worker: str, note: str, photo: str | None = None) -> Outcome:
        """办结: the worker who accepted the ticket reports the result; the resident is asked to rate."""
        note = note.strip()[:NOTE_LIMIT]
        if not note:
            return Outcome.refused(Refusal.BAD_INPUT, detail="note")

        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if ticket.worker != worker:
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            after = self._moved(ticket, Action.RESOLVE, result_note=note, result_photo=photo)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            notes = self.to_residents(ctx, after, Kind.RESOLVED, note=note, photo=photo)
            now, entry = self.clock.now(), self._entry(worker, Action.RESOLVE, ticket, after, note)
            closed = self._moved(after, Action.CLOSE) if closes_on_resolve(after) else None
            more = [self._entry(worker, Action.CLOSE, after, closed, "nobody to rate it")] if closed else []
            return Commit(closed or after, entry, notes, due_set=self.deadlines.schedule(closed or after, now),
                          due_clear=self.deadlines.all_members(after), more_entries=more)

        return await self.apply(number, decide)

    async def may_act(self, number: str, worker: str, action: Action) -> Outcome:
        """Would ``worker`` be allowed to return / resolve ``number`` now? (Asked before asking for a
        reason or a result note, so nobody types one in vain.) Changes nothing."""
        ctx = await self.store.context(number.strip().upper(), worker)
        if ctx is None:
            return Outcome.refused(Refusal.NOT_FOUND)
        ticket = ctx.ticket
        if action == Action.RESOLVE:
            allowed = ticket.worker == worker
        else:
            allowed = self._works_in(ctx, ticket.grid_id) and ticket.worker in (None, worker)
        if not allowed:
            return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
        if target_of(action, ticket.status) is None:
            return Outcome.refused(Refusal.WRONG_STATE, ticket)
        return Outcome.done(ticket)

    # -- residents ---------------------------------------------------------------------------------

    async def rate(self, number: str, resident: str, stars: int) -> Outcome:
        """The resident rates a resolved ticket: 1–2 reopen it for the grid, 3–5 close it."""
        if stars not in range(1, 6):
            return Outcome.refused(Refusal.BAD_INPUT, detail="stars")

        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if (refused := self.refusal_to_resident(ctx, resident)) is not None:
                return refused
            now = self.clock.now()
            if stars <= 2:
                after = self._moved(ticket, Action.REOPEN, rating=stars, worker=None,
                                    deadline_at=self.deadlines.deadline(ticket.category, ticket.urgent, now),
                                    escalation_level=0, reminded=False)
                kind, action = Kind.REOPENED, Action.REOPEN
            else:
                after = self._moved(ticket, Action.CLOSE, rating=stars)
                kind, action = Kind.CLOSED, Action.CLOSE
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            recipients = [ticket.worker] if ticket.worker else []
            if action == Action.REOPEN:
                recipients = sorted(set(recipients) | set(ctx.grid_workers))
            notes = [Notification(w, kind, after.number, self.summary(after, rating=stars)) for w in recipients]
            notes += self.to_residents(ctx, after, Kind.STATUS_CHANGED, rating=stars)
            return Commit(after, self._entry(resident, action, ticket, after, f"rating {stars}", {"stars": stars}), notes,
                          due_set=self.deadlines.schedule(after, now), due_clear=self.deadlines.all_members(after))

        return await self.apply(number, decide)

    async def cancel(self, number: str, resident: str) -> Outcome:
        """The resident withdraws an open ticket."""
        async def decide(ctx: TicketContext) -> Commit | Outcome:
            ticket = ctx.ticket
            if (refused := self.refusal_to_resident(ctx, resident)) is not None:
                return refused
            after = self._moved(ticket, Action.CANCEL)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            notes = [Notification(w, Kind.CANCELLED, after.number, self.summary(after)) for w in ctx.handlers]
            notes += self.to_residents(ctx, after, Kind.STATUS_CHANGED)
            return Commit(after, self._entry(resident, Action.CANCEL, ticket, after), notes,
                          due_clear=self.deadlines.all_members(after))

        return await self.apply(number, decide)

    # -- supervisors: bot/tickets/steering.py -----------------------------------------------------

    async def record_label(self, ticket: Ticket, category: str, by: str) -> None:
        """Keep a person's category choice for ``ticket`` as a training label (later ones win)."""
        label = {"text": ticket.text, "label": category, "by": by, "at": self.clock.now(), "number": ticket.number,
                 "urgent": ticket.urgent}
        await self.store.redis.hset(keys.corrections(), ticket.number, json.dumps(label, ensure_ascii=False))

    # -- reading -----------------------------------------------------------------------------------

    async def get(self, number: str) -> Ticket | None:
        return await self.store.get(number.strip().upper())

    async def seen_by(self, resident: str, limit: int = 50) -> list[Ticket]:
        """``resident``'s tickets, newest first, as they may see them: a ticket they follow (a neighbour
        opened it) carries their own words, and none of the opener's words, photo, place or rating."""
        tickets = await self.store.list(resident=resident, limit=limit)
        words = await self.store.follower_words(resident, [t.number for t in tickets if t.resident != resident])
        return [t if t.resident == resident else as_followed(t, words.get(t.number, "")) for t in tickets]

