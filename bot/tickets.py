"""Tickets: opening a request, and every step residents, workers and supervisors take on it.

Rules about who may do what live here, so every channel gets them. Each step reads the ticket,
decides, and commits atomically with its audit entry and notifications; when another process changed
the ticket in between, the step is decided again on the fresh ticket (optimistic concurrency).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from nlp.normalize import normalize
from nlp.similarity import jaccard
from nlp.taxonomy import Taxonomy

from bot import keys
from bot.clock import Clock
from bot.deadlines import DeadlinePolicy
from bot.grid_map import Location
from bot.grid_store import GridStore
from bot.notifications import Kind, Notification
from bot.outcome import Outcome, Refusal
from bot.people import People
from bot.routing import Routing
from bot.store import Change, Commit, TicketStore
from bot.ticket import AuditEntry, Ticket
from bot.ticket_states import Action, Status, target_of

LOCAL_TIME = ZoneInfo("Asia/Shanghai")
DUPLICATE_WINDOW_SECONDS = 72 * 3600
DUPLICATE_SIMILARITY = 0.5  # character-bigram Jaccard of normalised texts
MAX_ATTEMPTS = 50
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


@dataclass(frozen=True)
class Opened:
    """What opening a request did: a new ticket, or a link to an open one (``linked``)."""

    ticket: Ticket
    linked: bool = False


Decision = Callable[[Ticket], Awaitable["Commit | Outcome"]]


class Tickets:
    """The ticket service used by every channel, the CLI and the scheduler."""

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

    # -- opening ---------------------------------------------------------------------------------

    async def open(self, request: NewRequest) -> Opened:
        """Open a ticket for ``request``, or link it to a very similar open ticket of the same grid."""
        now = self.clock.now()
        location = request.location
        if location is not None and location.grid_id:
            twin = await self._open_twin(request, location.grid_id, now)
            if twin is not None:
                linked = await self._link(twin, request.resident, now)
                if linked is not None:
                    return Opened(linked, linked=True)
        day = datetime.fromtimestamp(now, LOCAL_TIME).strftime("%Y%m%d")
        ticket = Ticket(
            number=await self.store.next_number(day),
            status=Status.PENDING,
            category=request.category,
            text=request.text,
            resident=request.resident,
            created_at=now,
            updated_at=now,
            deadline_at=self.deadlines.deadline(request.category, request.urgent, now),
            urgent=request.urgent,
            confidence=request.confidence,
            grid_id=location.grid_id if location else None,
            community=location.community if location else None,
            town=location.town if location else None,
            locate_method=location.method if location and location.method else None,
            location=f"{request.coordinates[0]:.6f},{request.coordinates[1]:.6f}" if request.coordinates else None,
            photo=request.photo,
        )
        workers = await self.routing.grid_workers(ticket)
        if workers:
            ticket.status = Status.ASSIGNED
        notes = [Notification(ticket.resident, Kind.TICKET_OPENED, ticket.number, self.summary(ticket))]
        notes += [Notification(w, Kind.NEW_TICKET, ticket.number, self.summary(ticket)) for w in workers]
        if not workers:
            notes += [Notification(s, Kind.NEEDS_DISPATCH, ticket.number, self.summary(ticket))
                      for s in await self.routing.dispatchers(ticket)]
        elif ticket.urgent:
            supervisors = await self.routing.community_supervisors(ticket) or await self.routing.town_supervisors(ticket)
            notes += [Notification(s, Kind.URGENT_ALERT, ticket.number, self.summary(ticket)) for s in supervisors]
        entry = AuditEntry(now, request.resident, "open", None, ticket.status,
                           note=f"{request.category} {request.confidence:.2f}" + (" urgent" if request.urgent else ""))
        due = self.deadlines.schedule(ticket, now)
        committed = await self.store.commit(None, Commit(ticket, entry, notes, due_set=due))
        if not committed:  # ticket numbers are unique, so this is a bug, not a race
            raise RuntimeError(f"ticket {ticket.number} exists already")
        return Opened(ticket)

    async def _open_twin(self, request: NewRequest, grid_id: str, now: float) -> Ticket | None:
        candidates = await self.store.open_in_grid(grid_id, now - DUPLICATE_WINDOW_SECONDS)
        text = normalize(request.text)
        best: tuple[float, Ticket] | None = None
        for candidate in candidates:
            if candidate.category != request.category or candidate.resident == request.resident:
                continue
            similarity = jaccard(text, normalize(candidate.text), n=2)
            if similarity >= DUPLICATE_SIMILARITY and (best is None or similarity > best[0]):
                best = (similarity, candidate)
        return best[1] if best else None

    async def _link(self, twin: Ticket, resident: str, now: float) -> Ticket | None:
        async def decide(ticket: Ticket) -> Commit | Outcome:
            if not ticket.is_open:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            extra = Change()
            extra.add("SADD", keys.followers(ticket.number), resident)
            extra.add("ZADD", keys.by_resident(resident), now, ticket.number)
            entry = AuditEntry(now, resident, "link", ticket.status, ticket.status, note="duplicate request linked")
            note = Notification(resident, Kind.LINKED, ticket.number, self.summary(ticket))
            return Commit(replace(ticket, updated_at=now), entry, [note], extra=extra)

        outcome = await self.apply(twin.number, decide)
        return outcome.ticket if outcome.ok else None

    # -- workers -----------------------------------------------------------------------------------

    async def accept(self, number: str, worker: str) -> Outcome:
        """接单: a worker of the ticket's grid takes it; of simultaneous accepts exactly one wins."""
        async def decide(ticket: Ticket) -> Commit | Outcome:
            if ticket.status == Status.ACCEPTED and ticket.worker:
                refusal = Refusal.WRONG_STATE if ticket.worker == worker else Refusal.TAKEN
                return Outcome.refused(refusal, ticket, await self._name(ticket.worker))
            if not await self._works_in(worker, ticket.grid_id):
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            after = self._moved(ticket, Action.ACCEPT, worker=worker)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            notes = await self.to_residents(after, Kind.STATUS_CHANGED, worker_name=await self._name(worker))
            notes += [Notification(w, Kind.TAKEN, after.number, self.summary(after))
                      for w in await self.routing.grid_workers(after) if w != worker]
            return Commit(after, self._entry(worker, Action.ACCEPT, ticket, after), notes)

        return await self.apply(number, decide)

    async def return_to_supervisor(self, number: str, worker: str, reason: str) -> Outcome:
        """退回: a worker hands the ticket back to the supervisors, with a reason."""
        reason = reason.strip()[:NOTE_LIMIT]
        if not reason:
            return Outcome.refused(Refusal.BAD_INPUT, detail="reason")

        async def decide(ticket: Ticket) -> Commit | Outcome:
            if not await self._works_in(worker, ticket.grid_id) or (ticket.worker and ticket.worker != worker):
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            after = self._moved(ticket, Action.RETURN, worker=None, return_reason=reason)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            notes = [Notification(s, Kind.NEEDS_DISPATCH, after.number, self.summary(after, reason=reason))
                     for s in await self.routing.dispatchers(after)]
            notes += await self.to_residents(after, Kind.STATUS_CHANGED)
            return Commit(after, self._entry(worker, Action.RETURN, ticket, after, reason), notes)

        return await self.apply(number, decide)

    async def resolve(self, number: str, worker: str, note: str, photo: str | None = None) -> Outcome:
        """办结: the worker who accepted the ticket reports the result; the resident is asked to rate."""
        note = note.strip()[:NOTE_LIMIT]
        if not note:
            return Outcome.refused(Refusal.BAD_INPUT, detail="note")

        async def decide(ticket: Ticket) -> Commit | Outcome:
            if ticket.worker != worker:
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            after = self._moved(ticket, Action.RESOLVE, result_note=note, result_photo=photo)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            notes = await self.to_residents(after, Kind.RESOLVED, note=note, photo=photo)
            now = self.clock.now()
            return Commit(after, self._entry(worker, Action.RESOLVE, ticket, after, note), notes,
                          due_set=self.deadlines.schedule(after, now), due_clear=self.deadlines.all_members(after))

        return await self.apply(number, decide)

    # -- residents ---------------------------------------------------------------------------------

    async def rate(self, number: str, resident: str, stars: int) -> Outcome:
        """The resident rates a resolved ticket: 1–2 reopen it for the grid, 3–5 close it."""
        if stars not in range(1, 6):
            return Outcome.refused(Refusal.BAD_INPUT, detail="stars")

        async def decide(ticket: Ticket) -> Commit | Outcome:
            if ticket.resident != resident:
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
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
                recipients = sorted(set(recipients) | set(await self.routing.grid_workers(after)))
            notes = [Notification(w, kind, after.number, self.summary(after, rating=stars)) for w in recipients]
            notes += await self.to_residents(after, Kind.STATUS_CHANGED, rating=stars)
            return Commit(after, self._entry(resident, action, ticket, after, f"rating {stars}"), notes,
                          due_set=self.deadlines.schedule(after, now), due_clear=self.deadlines.all_members(after))

        return await self.apply(number, decide)

    async def cancel(self, number: str, resident: str) -> Outcome:
        """The resident withdraws an open ticket."""
        async def decide(ticket: Ticket) -> Commit | Outcome:
            if ticket.resident != resident:
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            after = self._moved(ticket, Action.CANCEL)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            notes = [Notification(w, Kind.CANCELLED, after.number, self.summary(after))
                     for w in await self.routing.handlers(ticket)]
            notes += await self.to_residents(after, Kind.STATUS_CHANGED)
            return Commit(after, self._entry(resident, Action.CANCEL, ticket, after), notes,
                          due_clear=self.deadlines.all_members(after))

        return await self.apply(number, decide)

    # -- supervisors -------------------------------------------------------------------------------

    async def dispatch(self, number: str, supervisor: str, grid_id: str) -> Outcome:
        """A supervisor routes a pending ticket to one of the grids of their area."""
        grid_map = await self.grids.current()
        grid = grid_map.get(grid_id) if grid_map else None
        if grid is None:
            return Outcome.refused(Refusal.BAD_INPUT, detail="grid")
        workers = await self.people.workers_of_grid(grid_id)

        async def decide(ticket: Ticket) -> Commit | Outcome:
            if not (await self.routing.covers(supervisor, ticket.community, ticket.town)
                    and await self.routing.covers(supervisor, grid.community, grid.town)):
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            if not workers:
                return Outcome.refused(Refusal.NO_WORKERS, ticket, grid_id)
            after = self._moved(ticket, Action.ASSIGN, grid_id=grid.grid_id, community=grid.community,
                                town=grid.town, locate_method="dispatch", return_reason=None)
            if after is None:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            notes = [Notification(w, Kind.NEW_TICKET, after.number, self.summary(after)) for w in workers]
            notes += await self.to_residents(after, Kind.STATUS_CHANGED)
            entry = self._entry(supervisor, Action.ASSIGN, ticket, after, f"dispatched to {grid.grid_id}")
            return Commit(after, entry, notes, due_set=self.deadlines.schedule(after, self.clock.now()))

        return await self.apply(number, decide)

    async def recategorise(self, number: str, supervisor: str, category: str) -> Outcome:
        """A supervisor corrects the category; the correction is kept as a training label."""
        if self.taxonomy.get(category) is None:
            return Outcome.refused(Refusal.BAD_INPUT, detail="category")

        async def decide(ticket: Ticket) -> Commit | Outcome:
            if not await self.routing.covers(supervisor, ticket.community, ticket.town):
                return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
            if ticket.category == category:
                return Outcome.refused(Refusal.WRONG_STATE, ticket)
            now = self.clock.now()
            after = replace(ticket, category=category, updated_at=now)
            entry = AuditEntry(now, supervisor, "recategorise", ticket.status, ticket.status,
                               note=f"{ticket.category} → {category}")
            extra = Change()
            label = {"text": ticket.text, "label": category, "by": supervisor, "at": now, "number": ticket.number}
            extra.add("HSET", keys.corrections(), ticket.number, json.dumps(label, ensure_ascii=False))
            notes = [Notification(w, Kind.RECATEGORISED, after.number, self.summary(after))
                     for w in await self.routing.handlers(after)]
            return Commit(after, entry, notes, extra=extra)

        return await self.apply(number, decide)

    # -- reading -----------------------------------------------------------------------------------

    async def get(self, number: str) -> Ticket | None:
        return await self.store.get(number.strip().upper())

    # -- machinery ---------------------------------------------------------------------------------

    async def apply(self, number: str, decide: Decision) -> Outcome:
        """Read, decide, commit; on a concurrent change decide again on the fresh ticket."""
        for _ in range(MAX_ATTEMPTS):
            ticket = await self.store.get(number.strip().upper())
            if ticket is None:
                return Outcome.refused(Refusal.NOT_FOUND)
            decision = await decide(ticket)
            if isinstance(decision, Outcome):
                return decision
            if await self.store.commit(ticket, decision):
                return Outcome.done(decision.after)
        raise RuntimeError(f"ticket {number}: too many concurrent changes")

    def _moved(self, ticket: Ticket, action: Action, **changes: object) -> Ticket | None:
        target = target_of(action, ticket.status)
        if target is None:
            return None
        return replace(ticket, status=target, updated_at=self.clock.now(), **changes)

    def _entry(self, actor: str, action: Action, before: Ticket, after: Ticket, note: str = "") -> AuditEntry:
        return AuditEntry(self.clock.now(), actor, str(action), before.status, after.status, note)

    async def _works_in(self, worker: str, grid_id: str | None) -> bool:
        found = await self.people.get_worker(worker)
        return found is not None and grid_id is not None and grid_id in found.grids

    async def _name(self, key: str) -> str:
        worker = await self.people.get_worker(key)
        return worker.name if worker and worker.name else key.split(":", 1)[-1]

    async def to_residents(self, ticket: Ticket, kind: Kind, **data: object) -> list[Notification]:
        """The same notification to the resident who opened the ticket and to its followers."""
        summary = self.summary(ticket, **data)
        residents = [ticket.resident] + sorted(await self.store.followers(ticket.number) - {ticket.resident})
        return [Notification(r, kind, ticket.number, summary) for r in residents]

    def summary(self, ticket: Ticket, **extra: object) -> dict[str, object]:
        """What a channel needs to render any notification about ``ticket``."""
        data: dict[str, object] = {
            "status": str(ticket.status),
            "category": ticket.category,
            "category_name": self.taxonomy.name(ticket.category),
            "text": ticket.text,
            "urgent": ticket.urgent,
            "grid_id": ticket.grid_id,
            "community": ticket.community,
            "deadline_at": ticket.deadline_at,
        }
        data.update({k: v for k, v in extra.items() if v is not None})
        return data
