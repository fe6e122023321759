"""Tickets as GeoReport service requests, and categories as services.

Nothing that names a person is published: not the resident key, the worker, a phone or ID number in the
words (masked), the rating or the photo. States map to ``open`` (pending, assigned, accepted) and
``closed`` (resolved, closed, cancelled). Times are W3C date-times in China Standard Time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nlp.masking import mask_personal
from nlp.taxonomy import Category, Taxonomy

from bot.infra.clock import LOCAL_TIME
from bot.texts import open311 as texts
from bot.tickets.record import Ticket
from bot.tickets.states import OPEN_STATUSES, Status

OPEN, CLOSED = "open", "closed"


def state_of(status: Status) -> str:
    """GeoReport's state of a ticket state."""
    return OPEN if status in OPEN_STATUSES else CLOSED


def statuses_of(state: str) -> tuple[Status, ...]:
    """The ticket states of GeoReport's ``open`` or ``closed``."""
    return tuple(status for status in Status if state_of(status) == state)


def w3c(timestamp: float) -> str:
    """A W3C date-time (ISO 8601 with its offset), e.g. 2026-11-24T09:00:00+08:00."""
    return datetime.fromtimestamp(timestamp, LOCAL_TIME).isoformat(timespec="seconds")


def service(category: Category) -> dict[str, Any]:
    """One category as a GeoReport service."""
    return {"service_code": category.code, "service_name": category.name, "description": category.definition,
            "metadata": False, "type": "realtime", "group": texts.group_of(category.code)}


def _point(ticket: Ticket) -> tuple[float | None, float | None]:
    if not ticket.location:
        return None, None
    lat, _, lon = ticket.location.partition(",")
    return float(lat), float(lon)


def _address(ticket: Ticket) -> str | None:
    """The address the filer gave, else the grid's place (town, community, grid)."""
    if ticket.address:
        return ticket.address
    parts = [part for part in (ticket.town, ticket.community, ticket.grid_name) if part]
    return "".join(parts) or None


def service_request(ticket: Ticket, taxonomy: Taxonomy) -> dict[str, Any]:
    """One ticket as a GeoReport service request."""
    lat, lon = _point(ticket)
    result = ticket.result_note if ticket.status in (Status.RESOLVED, Status.CLOSED) else None
    agency = "".join(part for part in (ticket.town, ticket.community) if part) or None
    return {
        "service_request_id": ticket.number,
        "status": state_of(ticket.status),
        "status_notes": texts.status_notes(ticket.status.label, mask_personal(result) if result else None),
        "service_name": taxonomy.name(ticket.category),
        "service_code": ticket.category,
        "description": mask_personal(ticket.text),
        "agency_responsible": agency,
        "service_notice": None,
        "requested_datetime": w3c(ticket.created_at),
        "updated_datetime": w3c(ticket.updated_at or ticket.created_at),
        "expected_datetime": w3c(ticket.deadline_at),
        "address": mask_personal(address) if (address := _address(ticket)) else None,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": None,
    }
