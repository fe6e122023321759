"""Requests filed by another city system (Open311): classified, located and opened in one step.

A system filing through an API cannot be asked a question back, so there are no drafts: the category
is the one it gave or the model's best guess, the place is its point (WGS84) or its address (looked up
as a resident's typed address is), and a request the map cannot place opens for a supervisor to place.
The ticket goes through :meth:`bot.tickets.service.Tickets.open` like any other, so its workers and
supervisors hear of it; its resident is ``open311:KEY:ID``, which stands for no person.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from nlp.taxonomy import Taxonomy

from bot.grids.map import Location
from bot.grids.store import GridStore
from bot.intake.conversation import valid_unicode
from bot.model.holder import ModelHolder
from bot.tickets.service import NewRequest, Opened, Tickets

SOURCE = "open311"


@dataclass(frozen=True)
class FiledRequest:
    """What another system asks to be done: words, maybe a category, a point and/or an address."""

    filer: str  # the API key's name
    description: str
    service_code: str | None = None
    point: tuple[float, float] | None = None  # (lat, lon), WGS84
    address: str | None = None


class Filing:
    """Opens filed requests as tickets."""

    def __init__(self, models: ModelHolder, tickets: Tickets, grids: GridStore, taxonomy: Taxonomy) -> None:
        self.models = models
        self.tickets = tickets
        self.grids = grids
        self.taxonomy = taxonomy

    def knows(self, service_code: str) -> bool:
        """Whether ``service_code`` is a category."""
        return self.taxonomy.get(service_code) is not None

    async def file(self, request: FiledRequest) -> Opened:
        """Open ``request`` (or link it to the very similar open ticket of its grid, as for a resident)."""
        description = valid_unicode(request.description)
        address = valid_unicode(request.address) if request.address else None
        prediction = await self.models.classify_together(description)  # urgency, and a category if none given
        category, confidence = prediction.category, prediction.confidence
        if request.service_code is not None and self.knows(request.service_code):
            category, confidence = request.service_code, 1.0
        location = await self._locate(request.point, address, description)
        text = description if not address or address in description else f"{description}\n{address}"
        resident = f"{SOURCE}:{request.filer}:{uuid.uuid4().hex[:16]}"
        return await self.tickets.open(NewRequest(
            resident=resident, text=text, category=category, confidence=confidence, urgent=prediction.urgent,
            location=location if location.grid_id or location.community else None, coordinates=request.point,
            request_id=resident, source=SOURCE, address=address, nature=prediction.nature,
        ))

    async def _locate(self, point: tuple[float, float] | None, address: str | None, description: str) -> Location:
        """The grid of the point, else of the address, else of a place the description names."""
        grid_map = await self.grids.current()
        if grid_map is None:
            return Location()
        if point is not None:
            found = grid_map.locate_point(*point)
            if found.grid_id is not None:
                return found
        for text in (address, description):
            if text:
                found = grid_map.locate_text(text)
                if found.grid_id is not None:
                    return found
        return Location()
