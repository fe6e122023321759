"""The ticket record and its audit entries, and how they are stored as Redis hashes / JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from bot.tickets.states import Action, Status, target_of

NUMBER_PATTERN = r"T\d{8}-\d{4,}"


def format_number(day: str, sequence: int) -> str:
    """``T`` + date + ``-`` + sequence of at least four digits, e.g. T20261124-0007."""
    return f"T{day}-{sequence:04d}"


@dataclass
class Ticket:
    """A resident's request as a work item (工单)."""

    number: str
    status: Status
    category: str
    text: str
    resident: str  # recipient key of the resident who opened it, e.g. "telegram:42"
    created_at: float
    deadline_at: float
    urgent: bool = False
    confidence: float = 1.0
    grid_id: str | None = None
    grid_name: str | None = None
    community: str | None = None
    town: str | None = None
    locate_method: str | None = None
    location: str | None = None  # "lat,lon" when the resident shared one
    photo: str | None = None
    worker: str | None = None  # recipient key of the worker who accepted it
    updated_at: float = 0.0
    escalation_level: int = 0  # 0: none, 1: community supervisor, 2: town supervisor
    reminded: bool = False
    return_reason: str | None = None
    result_note: str | None = None
    result_photo: str | None = None
    rating: int | None = None
    handled_at: float | None = None  # when a worker resolved it, or a supervisor concluded it while open
    alerted: str | None = None  # urgent: who the alert reached when it opened (bot.tickets.alerts)
    source: str = "resident"  # who filed it: resident, patrol, open311 or console (SPEC)
    address: str | None = None  # the place as the filer wrote it, when another system filed it (Open311)
    nature: str | None = None  # what the resident wants: consult, help, complaint, ... (nlp.natures)
    version: int = 0

    def to_hash(self) -> dict[str, str]:
        """Redis hash fields (None fields are left out)."""
        out: dict[str, str] = {}
        for name in _FIELD_NAMES:
            value = getattr(self, name)
            if value is None:
                continue
            out[name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return out

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> Ticket:
        """Rebuild a ticket from its Redis hash."""
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name not in raw:
                continue
            value = raw[spec.name]
            kind = spec.type if isinstance(spec.type, str) else spec.type.__name__
            if kind.startswith("bool"):
                values[spec.name] = value == "1"
            elif kind.startswith("float"):
                values[spec.name] = float(value)
            elif kind.startswith("int"):
                values[spec.name] = int(value)
            elif spec.name == "status":
                values[spec.name] = Status(value)
            else:
                values[spec.name] = value
        return cls(**values)

    @property
    def is_open(self) -> bool:
        return self.status in (Status.PENDING, Status.ASSIGNED, Status.ACCEPTED)

    def may_be_cancelled_by(self, resident: str) -> bool:
        """Could ``resident`` withdraw this ticket now? Only the resident who opened it, while its state
        allows it (what :meth:`bot.tickets.service.Tickets.cancel` checks; a follower may not)."""
        return self.resident == resident and target_of(Action.CANCEL, self.status) is not None


_FIELD_NAMES = tuple(f.name for f in fields(Ticket))


def as_followed(ticket: Ticket, own_words: str) -> Ticket:
    """``ticket`` as a follower (a neighbour who reported the same) may see it: with their own words
    ('' when they were not kept), without the opener's photo, shared location or rating."""
    return replace(ticket, text=own_words, photo=None, location=None, rating=None)


@dataclass(frozen=True)
class AuditEntry:
    """One recorded step in a ticket's life: who, when, from → to, what, and a note."""

    at: float
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> AuditEntry:
        return cls(**json.loads(raw))
