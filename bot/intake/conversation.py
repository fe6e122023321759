"""From a resident's message to a ticket, the same for every channel.

Every text a resident sends enters through :meth:`Intake.message`, which decides what it is: small talk
(answered, and thanks for a just-resolved ticket passed on to its worker), a command meant for another
channel, the answer to a pending question, the place of a ticket just opened without one, or a new
request. Only a request opens a ticket.

For a request the intake classifies the message and flags emergencies, then finds the grid. When it is
unsure of the category it asks the resident to choose one. When it cannot find the grid it asks for a
location or an address. Meanwhile the request waits as a draft in Redis, so nothing the resident said is lost between
messages or process restarts. Urgent requests are never held up by a question: they are opened at once.
What the channel is told comes back as an :class:`bot.intake.replies.IntakeReply`.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum

from redis.asyncio import Redis

from nlp.classifier import Prediction
from nlp.normalize import normalize
from nlp.smalltalk import SmallTalk, recognise
from nlp.taxonomy import Taxonomy
from nlp.urgency import Hazard

from bot.faq.answers import Answers, FaqChoice, typed_choice
from bot.infra import keys
from bot.intake.faq import answer_question, waiting_answer
from bot.intake.parts import DraftPart, draft_parts, emergency_of, open_parts
from bot.intake.replies import OTHER_CATEGORY, IntakeReply, ReplyKind
from bot.tickets.alerts import Alert
from bot.infra.concurrency import coalesced_get
from bot.grids.map import Location
from bot.grids.store import GridStore
from bot.infra.metrics import Metrics
from bot.model.holder import ModelHolder
from bot.tickets.states import Status
from bot.tickets.service import NewRequest, Tickets

CONFIDENT = 0.5  # below this calibrated probability the resident is asked to confirm the category
# An answer to "where?" with this many letters beyond the place it names says more than where.
NEW_REQUEST_WORDS = 6
# Words that only say where something is (就在西正路8号门口附近): not "more than where".
_WHERE_WORDS = ("就在", "位置", "地址", "附近", "门口", "旁边", "对面", "这里", "那里", "这边", "那边", "就是", "在",
                "是", "号", "楼", "栋", "幢", "座", "单元", "室", "层")
DRAFT_TTL_SECONDS = 24 * 3600
# A shared location outside every grid and this far from all of them is outside the service area (nearer,
# it is likely a gap between grids or a border, and a supervisor places it).
OUT_OF_AREA_METRES = 1000.0
# A message that only names a place, this soon after a ticket opened without one, is that ticket's place.
PLACE_WINDOW_SECONDS = 10 * 60
PLACE_MAX_LENGTH = 40  # longer messages are not only an address (they are looked up only to open a ticket)
_COMMAND = re.compile(r"/([A-Za-z][A-Za-z0-9_]{0,31})(?:@\w+)?(?:\s|$)")


class Step(StrEnum):
    """What a waiting request (a draft) needs from the resident before it can open."""

    CATEGORY = "category"
    LOCATION = "location"


@dataclass
class Draft:
    """A request waiting for the resident's answer."""

    text: str
    step: Step
    category: str
    confidence: float
    options: list[str] = field(default_factory=list)
    urgent: bool = False
    services: list[str] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)  # the dangers the words named
    photo: str | None = None
    chosen_by_resident: bool = False
    stored: bool = False  # saved in Redis, so to be deleted once the ticket is open
    # The message that started it: its ticket opens once, however often (or at once) it is answered.
    request_id: str | None = None
    parts: list[DraftPart] = field(default_factory=list)  # the message holds several requests (bot.intake.parts)
    nature: str | None = None  # what the resident wants (nlp.natures), as the model read it

    def __post_init__(self) -> None:
        self.step = Step(self.step)  # read back from JSON, they are strings
        self.hazards = [Hazard(hazard) for hazard in self.hazards]
        self.parts = [p if isinstance(p, DraftPart) else DraftPart(**p) for p in self.parts]


class Intake:
    """The resident conversation's domain side."""

    def __init__(self, redis: Redis, models: ModelHolder, tickets: Tickets, grids: GridStore, taxonomy: Taxonomy,
                 metrics: Metrics | None = None, answers: Answers | None = None) -> None:
        self.redis = redis
        self.answers = answers  # the FAQ knowledge base (None: every question is a request)
        self.metrics = metrics
        self.models = models
        self.tickets = tickets
        self.grids = grids
        self.taxonomy = taxonomy
        self._get = coalesced_get(redis)

    async def message(self, resident: str, text: str, request_id: str | None = None,
                      photo: str | None = None) -> IntakeReply:
        """Any text a resident sends, on any channel: say what it is and do what it asks (module docstring).
        ``photo``: one the resident sent just before (a channel whose photos come without words); it goes
        with the text only when the text is a new request."""
        text = valid_unicode(text)
        command = _COMMAND.match(text.strip())
        if command is not None:
            return IntakeReply(ReplyKind.COMMAND, command=command.group(1).lower())
        choice = typed_choice(text) if self.answers is not None else None
        if choice is not None and self.answers is not None and await self.answers.peek(resident) is not None:
            return await self.faq_choice(resident, choice)
        small_talk = recognise(text)
        if small_talk is not None:
            return await self._small_talk(resident, small_talk)
        if not has_words(text):
            return IntakeReply(ReplyKind.EMPTY)
        if await self.waiting_step(resident) is Step.LOCATION:
            return replace(await self.locate_by_address(resident, text, request_id), answered=True)
        # A short text is looked up once: as the place of a just-opened ticket, else as the new request's.
        location = await self._locate_text(text) if len(text) <= PLACE_MAX_LENGTH else None
        placed = await self._place_latest(resident, text, location, request_id) if location is not None else None
        return placed or await self._submit(resident, text, photo, request_id, location)

    async def submit(self, resident: str, text: str, photo: str | None = None, request_id: str | None = None) -> IntakeReply:
        """A new request in words (and maybe a photo)."""
        return await self._submit(resident, valid_unicode(text), photo, request_id)

    async def faq_choice(self, resident: str, choice: FaqChoice) -> IntakeReply:
        """The resident's answer to a knowledge-base answer: 已解决 opens nothing, 转人工办理 goes on with
        their words as a request (under the question's own request id: a doubled press opens one ticket)."""
        pending = await self.answers.take(resident) if self.answers is not None else None
        if pending is None:
            return IntakeReply(ReplyKind.NOTHING_PENDING)
        if self.metrics is not None:
            self.metrics.count("faq_solved" if choice is FaqChoice.SOLVED else "faq_to_human")
        if choice is FaqChoice.SOLVED:
            return IntakeReply(ReplyKind.FAQ_SOLVED)
        reply = await self._submit(resident, pending.text, None, pending.request_id, ask_faq=False)
        return replace(reply, to_human=True)

    async def _submit(self, resident: str, text: str, photo: str | None, request_id: str | None,
                      location: Location | None = None, ask_faq: bool = True) -> IntakeReply:
        """:meth:`submit`, with the text's place already looked up when ``location`` is given."""
        started = time.perf_counter()
        prediction: Prediction = await self.models.classify_together(text)
        if self.metrics is not None:
            self.metrics.observe_classification((time.perf_counter() - started) * 1000)
        draft = Draft(
            text=text, step=Step.CATEGORY, category=prediction.category, confidence=prediction.confidence,
            options=[code for code, _ in prediction.top], urgent=prediction.urgent,
            services=list(prediction.urgency.services), hazards=list(prediction.urgency.hazards), photo=photo,
            request_id=request_id or f"draft:{uuid.uuid4().hex}", nature=prediction.nature,
        )
        if ask_faq and self.answers is not None:
            assert draft.request_id is not None
            answered = await answer_question(self.answers, resident, text, prediction, draft.request_id, photo)
            if answered is not None:
                if self.metrics is not None:
                    self.metrics.count("faq_answered")
                return answered
        self._find_parts(draft, prediction)
        if prediction.confidence < CONFIDENT and not draft.urgent and not draft.parts:
            await self._save(resident, draft)
            return self._ask_category(draft)
        if location is None:
            location = await self._locate_text(text)
        return await self._locate_and_open(resident, draft, location, request_id)

    def _find_parts(self, draft: Draft, whole: Prediction) -> None:
        """Give ``draft`` its parts when the message holds several requests: then it is urgent when a
        part is (each urgent part's numbers are given at once), and no category question is asked."""
        found = self.models.parts(draft.text, whole)
        if len(found) < 2:
            return
        draft.parts = draft_parts(found)
        services, hazards = emergency_of(found)
        draft.urgent = draft.urgent or any(p.urgent for p in draft.parts)
        draft.services = list(dict.fromkeys([*draft.services, *services]))
        draft.hazards = list(dict.fromkeys([*draft.hazards, *hazards]))

    async def choose_category(self, resident: str, code: str, request_id: str | None = None) -> IntakeReply:
        """The resident picked a category from the offered buttons."""
        draft = await self._load(resident)
        if draft is None or draft.step != Step.CATEGORY:
            return IntakeReply(ReplyKind.NOTHING_PENDING)
        if self.taxonomy.get(code) is None:
            return self._ask_category(draft)
        draft.category, draft.confidence, draft.chosen_by_resident = code, 1.0, True
        return await self._locate_and_open(resident, draft, await self._locate_text(draft.text), request_id)

    async def locate_by_point(self, resident: str, lat: float, lon: float, request_id: str | None = None) -> IntakeReply:
        """The resident shared a location for the waiting request. Far outside the map it is not opened: the
        resident is told where the service works, and the request keeps waiting for a place."""
        draft = await self._load(resident)
        if draft is None or draft.step != Step.LOCATION:
            return IntakeReply(ReplyKind.NOTHING_PENDING)
        grid_map = await self.grids.current()
        location = grid_map.locate_point(lat, lon) if grid_map else Location()
        if grid_map is not None and location.grid_id is None and not grid_map.is_near(lat, lon, OUT_OF_AREA_METRES):
            return IntakeReply(ReplyKind.OUT_OF_AREA, towns=tuple(grid_map.towns()))
        return await self._open(resident, draft, location, (lat, lon), request_id)

    async def locate_by_address(self, resident: str, address: str, request_id: str | None = None) -> IntakeReply:
        """The resident typed an address for the waiting request.

        The answer may say more than where. A new request of another category (the resident moved on
        without answering) is not taken for an address: the waiting request opens for a supervisor to
        place, and the new one is handled as a request of its own. More words about the same matter
        join the waiting request's text. Either way nothing the resident wrote is dropped."""
        address = valid_unicode(address)
        draft = await self._load(resident)
        if draft is None or draft.step != Step.LOCATION:
            return IntakeReply(ReplyKind.NOTHING_PENDING)
        location = await self._locate_text(address)
        if _words_beyond(address, location.matched) >= NEW_REQUEST_WORDS:
            prediction = await self.models.classify_together(address)
            if prediction.category != draft.category and prediction.confidence >= CONFIDENT:
                earlier = await self._open(resident, draft, Location(), request_id=request_id)
                return replace(await self.submit(resident, address, request_id=request_id), earlier=earlier.ticket)
            draft.text = f"{draft.text}\n{address}"
        if location.grid_id is None:
            if draft.stored:
                await self._save(resident, draft)  # keep what was added
            return IntakeReply(ReplyKind.LOCATION_NOT_FOUND, address=address)
        return await self._open(resident, draft, location, request_id=request_id)

    async def skip_location(self, resident: str, request_id: str | None = None) -> IntakeReply:
        """The resident cannot say where: open the ticket for a supervisor to place."""
        draft = await self._load(resident)
        if draft is None or draft.step != Step.LOCATION:
            return IntakeReply(ReplyKind.NOTHING_PENDING)
        return await self._open(resident, draft, Location(), request_id=request_id)

    async def waiting_step(self, resident: str) -> Step | None:
        """What the resident's draft waits for (None: no draft)."""
        draft = await self._load(resident)
        return draft.step if draft else None

    async def _small_talk(self, resident: str, kind: SmallTalk) -> IntakeReply:
        """Answer small talk; a question still open about a request is asked again, and thanks with
        nothing open are passed on for the resident's just-resolved ticket."""
        draft = await self._load(resident)
        if draft is not None:
            question = self._ask_category(draft) if draft.step == Step.CATEGORY else IntakeReply(ReplyKind.ASK_LOCATION)
            return replace(question, small_talk=kind, services=())
        praised = await self.tickets.praise(resident) if kind == SmallTalk.THANKS else None
        return IntakeReply(ReplyKind.SMALL_TALK, praised.ticket if praised and praised.ok else None, small_talk=kind)

    async def _place_latest(self, resident: str, text: str, location: Location,
                            request_id: str | None) -> IntakeReply | None:
        """When ``text`` only names a place (``location``: where the map puts it), and the resident's newest
        ticket was opened moments ago without one, that ticket gets the place (None: the text is something else)."""
        if location.grid_id is None or _words_beyond(text, location.matched) > 0:
            return None
        if request_id is not None:  # this very message placed (or opened) it already: a resent post
            before = await self.tickets.store.opened_for(request_id)
            if before is not None:
                return IntakeReply(ReplyKind.PLACED, before, grid_name=before.grid_name)
        latest = await self.tickets.store.latest_of(resident)
        if (latest is None or latest.resident != resident or latest.status != Status.PENDING or latest.grid_id
                or self.tickets.clock.now() - latest.created_at > PLACE_WINDOW_SECONDS):
            return None
        outcome = await self.tickets.place(latest.number, resident, location, request_id)
        return IntakeReply(ReplyKind.PLACED, outcome.ticket, grid_name=location.name) if outcome.ok else None

    async def pending(self, resident: str) -> IntakeReply | None:
        """The question the resident's draft waits on, with its options, as it was asked (so a channel
        can ask it again, e.g. a reloaded web page); None when nothing waits."""
        draft = await self._load(resident)
        if draft is None:
            return await waiting_answer(self.answers, resident) if self.answers is not None else None
        if draft.step == Step.CATEGORY:
            return replace(self._ask_category(draft), services=())  # the numbers were given when it was asked
        return IntakeReply(ReplyKind.ASK_LOCATION)

    async def _locate_and_open(self, resident: str, draft: Draft, location: Location,
                               request_id: str | None) -> IntakeReply:
        if location.grid_id is None and not draft.urgent:
            draft.step = Step.LOCATION
            await self._save(resident, draft)
            return IntakeReply(ReplyKind.ASK_LOCATION, services=tuple(draft.services), hazards=tuple(draft.hazards))
        return await self._open(resident, draft, location, request_id=request_id)

    async def _open(self, resident: str, draft: Draft, location: Location,
                    coordinates: tuple[float, float] | None = None, request_id: str | None = None) -> IntakeReply:
        request_id = draft.request_id or request_id
        if draft.parts:
            return await self._open_parts(resident, draft, location, coordinates, request_id)
        request = NewRequest(
            resident=resident, text=draft.text, category=draft.category, confidence=draft.confidence,
            urgent=draft.urgent, location=location if location.grid_id or location.community else None,
            coordinates=coordinates, photo=draft.photo, request_id=request_id, nature=draft.nature,
        )
        opened = await self.tickets.open(request)
        if draft.stored:
            await self.redis.delete(keys.draft(resident))
        if draft.chosen_by_resident and not opened.linked:
            await self.tickets.record_label(opened.ticket, draft.category, resident)
        return IntakeReply(ReplyKind.LINKED if opened.linked else ReplyKind.OPENED, opened.ticket,
                           services=tuple(draft.services), hazards=tuple(draft.hazards), alert=Alert.of(opened.ticket),
                           grid_name=location.name)

    async def _open_parts(self, resident: str, draft: Draft, location: Location,
                          coordinates: tuple[float, float] | None, request_id: str | None) -> IntakeReply:
        """Open a ticket for each part of the draft's message; the reply names the first and lists all."""
        opened = await open_parts(self.tickets, self._locate_text, resident, draft.parts, location, coordinates,
                                  draft.photo, request_id or f"parts:{uuid.uuid4().hex}")
        if draft.stored:
            await self.redis.delete(keys.draft(resident))
        urgent = next((o.ticket for o in opened if o.ticket.urgent and not o.linked), None)
        return IntakeReply(ReplyKind.OPENED, opened[0].ticket, services=tuple(draft.services),
                           hazards=tuple(draft.hazards), alert=Alert.of(urgent) if urgent else None,
                           grid_name=location.name, parts=tuple(o.ticket for o in opened))

    async def _locate_text(self, text: str) -> Location:
        grid_map = await self.grids.current()
        return grid_map.locate_text(text) if grid_map else Location()

    def _ask_category(self, draft: Draft) -> IntakeReply:
        options = tuple((code, self.taxonomy.name(code)) for code in draft.options if code != OTHER_CATEGORY)
        return IntakeReply(ReplyKind.ASK_CATEGORY, options=options, services=tuple(draft.services),
                           hazards=tuple(draft.hazards))

    async def _save(self, resident: str, draft: Draft) -> None:
        draft.stored = True
        await self.redis.set(keys.draft(resident), json.dumps(asdict(draft), ensure_ascii=False), ex=DRAFT_TTL_SECONDS)

    async def _load(self, resident: str) -> Draft | None:
        raw = await self._get(keys.draft(resident))
        return Draft(**json.loads(raw)) if raw else None


def _words_beyond(answer: str, place: str | None) -> int:
    """How many letters ``answer`` has besides the place it names, its numbers (house, building, room) and
    words that only say where."""
    rest = normalize(answer)
    for part in ((normalize(place),) if place else ()) + _WHERE_WORDS:
        rest = rest.replace(part, "")
    return sum(1 for ch in rest if ch.isalnum() and not ch.isdigit())


def valid_unicode(text: str) -> str:
    """``text`` with each lone UTF-16 surrogate replaced by U+FFFD, and without NUL characters. A JSON body
    can carry a surrogate (``\\ud800``), but it is no character: Redis, the segmenter and every encoder
    refuse it. A NUL says nothing and cuts the text short wherever it reaches C (logs, exports, terminals)."""
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


def says_nothing(text: str) -> bool:
    """Whether :meth:`Intake.message` would answer ``text`` only with "please say it in words" (no
    command, no small talk, no words): a channel may refuse it before keeping it in a conversation."""
    return _COMMAND.match(text.strip()) is None and recognise(text) is None and not has_words(text)


def has_words(text: str) -> bool:
    """Whether a message says anything in words (not only emoji, punctuation or spaces)."""
    return any(ch.isalnum() for ch in normalize(text))
