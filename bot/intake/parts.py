"""A message that holds several requests (:mod:`nlp.parts`): one ticket for each part.

Each part is classified on its own and opened as its own ticket, in order, with the request id
``ID#k`` so that a retried message opens none of them twice. A part that names a place of its own is
routed there; the others go where the message said once (or where the resident answered "where?", a
question asked once for all parts). Each part is matched against its grid's open tickets like any
request (:mod:`bot.tickets.duplicates`). The resident hears of all of them in one receipt
(:mod:`bot.tickets.receipts`).

Parts are kept only when the classifier is confident of each one's category, so a message with parts
never gets the category question: each part opens with the classifier's category.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from nlp.parts import Part
from nlp.urgency import Hazard

from bot.grids.map import Location
from bot.tickets.receipts import PartReceipt
from bot.tickets.service import NewRequest, Opened, Tickets

Locate = Callable[[str], Awaitable[Location]]


@dataclass
class DraftPart:
    """One request of a message, classified, while the message may wait for its place."""

    text: str
    category: str
    confidence: float
    urgent: bool = False
    nature: str | None = None


def draft_parts(parts: Iterable[Part]) -> list[DraftPart]:
    """The parts :func:`nlp.parts.find_parts` found, as a draft keeps them."""
    return [DraftPart(p.text, p.category, p.confidence, p.urgent, p.prediction.nature) for p in parts]


def emergency_of(parts: Iterable[Part]) -> tuple[list[str], list[Hazard]]:
    """The emergency numbers and hazards of the urgent parts, each once, in order."""
    services: dict[str, None] = {}
    hazards: dict[Hazard, None] = {}
    for part in parts:
        if part.urgent:
            services.update(dict.fromkeys(part.prediction.urgency.services))
            hazards.update(dict.fromkeys(part.prediction.urgency.hazards))
    return list(services), list(hazards)


async def open_parts(tickets: Tickets, locate: Locate, resident: str, parts: list[DraftPart], shared: Location,
                     coordinates: tuple[float, float] | None, photo: str | None, request_id: str) -> list[Opened]:
    """Open every part (``shared``: the place the message or the resident's answer gave)."""
    opened: list[Opened] = []
    for k, part in enumerate(parts, 1):
        own = await locate(part.text)
        place = own if own.grid_id is not None else shared
        text = part.text
        if place is shared and shared.matched and shared.matched not in text:
            text = f"{shared.matched}：{text}"  # the worker of this part learns where, said once for all
        receipt = PartReceipt(last=k == len(parts), earlier=tuple(tickets.receipt_entry(o) for o in opened))
        opened.append(await tickets.open(NewRequest(
            resident=resident, text=text, category=part.category, confidence=part.confidence, urgent=part.urgent,
            location=place if place.grid_id or place.community else None,
            coordinates=coordinates if place is shared else None, photo=photo, request_id=f"{request_id}#{k}",
            nature=part.nature, part=receipt,
        )))
    return opened
