"""A grid worker's field report (巡查上报) from ``/report`` to a ticket, the same for every staff channel.

``/report`` (Telegram) or ``上报`` (WeCom) starts a report: a small draft in Redis waits for the problem in
words (a photo may come with it, or before it where photos come without words), then, when the words name
no place the map knows, for a location or a typed address. Then it is classified like a resident's
request (category, nature when the model has one, urgency; no question about the category: a supervisor
can correct it) and opened as a ``patrol`` ticket (bot/tickets/field_reports.py says who keeps it). A
command instead of an answer abandons the report, as it does a worker's other questions.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, replace
from enum import StrEnum

from redis.asyncio import Redis

from bot.grids.map import Location
from bot.grids.store import GridStore
from bot.infra import keys
from bot.intake.conversation import OUT_OF_AREA_METRES, has_words, valid_unicode
from bot.model.holder import ModelHolder
from bot.people.directory import People
from bot.tickets.record import Ticket
from bot.tickets.service import NewRequest, Tickets
from bot.tickets.sources import Source, filer_key

REPORT_TTL_SECONDS = 3600  # a report nobody finishes within the hour is forgotten


class ReportStep(StrEnum):
    """What a report being written waits for."""

    WORDS = "words"  # the problem, in words (a photo may come first)
    LOCATION = "location"  # where it is


class ReportReplyKind(StrEnum):
    """What the channel tells the worker next."""

    ASK_REPORT = "ask_report"  # started: what did you find?
    NOT_A_WORKER = "not_a_worker"  # only grid workers report
    NEEDS_WORDS = "needs_words"  # a photo without words, or nothing in words
    PHOTO_KEPT = "photo_kept"  # a photo before its words: now the words
    ASK_LOCATION = "ask_location"  # where is it?
    LOCATION_NOT_FOUND = "location_not_found"  # the typed address names no grid: ask again
    OUT_OF_AREA = "out_of_area"  # the shared point is far from every grid: ask again
    OPENED = "opened"  # the ticket is open (the reporter hears of it from the outbox)
    NOTHING_PENDING = "nothing_pending"  # an answer, but no report is being written


@dataclass(frozen=True)
class ReportReply:
    kind: ReportReplyKind
    ticket: Ticket | None = None
    address: str = ""


@dataclass
class ReportDraft:
    """A report being written."""

    step: ReportStep
    request_id: str  # its ticket opens once, however often the last answer is delivered
    text: str = ""
    photo: str | None = None

    def __post_init__(self) -> None:
        self.step = ReportStep(self.step)  # read back from JSON, it is a string


class FieldReports:
    """The field report conversation's domain side."""

    def __init__(self, redis: Redis, models: ModelHolder, tickets: Tickets, grids: GridStore, people: People) -> None:
        self.redis = redis
        self.models = models
        self.tickets = tickets
        self.grids = grids
        self.people = people

    async def start(self, worker: str) -> ReportReply:
        """``/report``: a worker starts a report (anyone else is told who may)."""
        if await self.people.get_worker(worker) is None:
            return ReportReply(ReportReplyKind.NOT_A_WORKER)
        await self._save(worker, ReportDraft(ReportStep.WORDS, f"report:{uuid.uuid4().hex}"))
        return ReportReply(ReportReplyKind.ASK_REPORT)

    async def waiting(self, worker: str) -> ReportStep | None:
        """What ``worker``'s report waits for (None: no report is being written)."""
        draft = await self._load(worker)
        return draft.step if draft else None

    async def abandon(self, worker: str) -> bool:
        """Forget ``worker``'s report; True when there was one."""
        return bool(await self.redis.delete(keys.field_report(worker)))

    async def photo(self, worker: str, photo: str) -> ReportReply:
        """A photo without words (WeCom sends them apart): kept for the words that follow."""
        draft = await self._load(worker)
        if draft is None or draft.step is not ReportStep.WORDS:
            return ReportReply(ReportReplyKind.NOTHING_PENDING)
        await self._save(worker, replace(draft, photo=photo))
        return ReportReply(ReportReplyKind.PHOTO_KEPT)

    async def describe(self, worker: str, text: str, photo: str | None = None) -> ReportReply:
        """The problem in words (with its photo): opened when the words name a known place, else asked where."""
        text = valid_unicode(text).strip()
        draft = await self._load(worker)
        if draft is None:
            return ReportReply(ReportReplyKind.NOTHING_PENDING)
        if draft.step is ReportStep.LOCATION:
            return await self.locate_by_address(worker, text)
        if not has_words(text):  # a photo alone is kept for the words that follow
            return await self.photo(worker, photo) if photo else ReportReply(ReportReplyKind.NEEDS_WORDS)
        draft = replace(draft, text=text, photo=photo or draft.photo)
        location = await self._locate_text(text)
        if location.grid_id is None:
            await self._save(worker, replace(draft, step=ReportStep.LOCATION))
            return ReportReply(ReportReplyKind.ASK_LOCATION)
        return await self._open(worker, draft, location)

    async def locate_by_point(self, worker: str, lat: float, lon: float) -> ReportReply:
        """A shared location (WGS84) for the waiting report."""
        draft = await self._load(worker)
        if draft is None or draft.step is not ReportStep.LOCATION:
            return ReportReply(ReportReplyKind.NOTHING_PENDING)
        grid_map = await self.grids.current()
        location = grid_map.locate_point(lat, lon) if grid_map else Location()
        if grid_map is not None and location.grid_id is None and not grid_map.is_near(lat, lon, OUT_OF_AREA_METRES):
            return ReportReply(ReportReplyKind.OUT_OF_AREA)
        return await self._open(worker, draft, location, (lat, lon))

    async def locate_by_address(self, worker: str, address: str) -> ReportReply:
        """A typed address for the waiting report; one that names no grid is asked for again."""
        draft = await self._load(worker)
        if draft is None or draft.step is not ReportStep.LOCATION:
            return ReportReply(ReportReplyKind.NOTHING_PENDING)
        location = await self._locate_text(valid_unicode(address))
        if location.grid_id is None:
            return ReportReply(ReportReplyKind.LOCATION_NOT_FOUND, address=address)
        return await self._open(worker, replace(draft, text=f"{draft.text}\n{address}"), location)

    async def _open(self, worker: str, draft: ReportDraft, location: Location,
                    coordinates: tuple[float, float] | None = None) -> ReportReply:
        """Classify the report and open it as a ``patrol`` ticket; the draft is done with."""
        prediction = await self.models.classify_together(draft.text)
        request = NewRequest(
            resident=filer_key(worker), text=draft.text, category=prediction.category,
            confidence=prediction.confidence, urgent=prediction.urgent, location=location, coordinates=coordinates,
            photo=draft.photo, request_id=draft.request_id, source=Source.PATROL, nature=prediction.nature,
        )
        opened = await self.tickets.open(request)
        await self.abandon(worker)
        return ReportReply(ReportReplyKind.OPENED, opened.ticket)

    async def _locate_text(self, text: str) -> Location:
        grid_map = await self.grids.current()
        return grid_map.locate_text(text) if grid_map else Location()

    async def _save(self, worker: str, draft: ReportDraft) -> None:
        await self.redis.set(keys.field_report(worker), json.dumps(asdict(draft), ensure_ascii=False),
                             ex=REPORT_TTL_SECONDS)

    async def _load(self, worker: str) -> ReportDraft | None:
        raw = await self.redis.get(keys.field_report(worker))
        if not raw:
            return None
        try:
            return ReportDraft(**json.loads(raw))
        except (TypeError, ValueError):  # written by another version: as if nothing waited
            return None
