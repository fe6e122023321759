"""Who hears of a new warning, and what its ``预警`` message carries.

The community supervisors of each community its tickets are in; where a community has none, the first
level above the grid that has anyone (its town's supervisors, then the admins), as for a ticket
nobody can take (:meth:`bot.people.routing.Routing.above_grid`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.people.routing import Routing
from bot.texts import warnings as texts
from bot.tickets.notifications import Kind, Notification
from bot.tickets.record import Ticket
from bot.warnings.store import EarlyWarning


async def recipients(routing: Routing, tickets: Sequence[Ticket]) -> list[str]:
    """The supervisors (or admins) of every place among ``tickets``, each once."""
    seen: dict[tuple[str | None, str | None], Ticket] = {}
    for ticket in tickets:
        seen.setdefault((ticket.community, ticket.town), ticket)
    found: dict[str, None] = {}
    for ticket in seen.values():
        found.update(dict.fromkeys((await routing.above_grid(ticket))[1]))
    return list(found)


def warning_data(warning: EarlyWarning, category_name: str, radius_m: float) -> dict[str, object]:
    """What a channel needs to render the warning's message."""
    return {"category": warning.category, "category_name": category_name, "place": texts.of(warning, radius_m),
            "numbers": list(warning.numbers), "mean": round(warning.mean, 2), "communities": list(warning.communities)}


def warning_notes(warning: EarlyWarning, to: Sequence[str], category_name: str, radius_m: float) -> list[Notification]:
    data = warning_data(warning, category_name, radius_m)
    return [Notification(recipient, Kind.WARNING, warning.warning_id, data) for recipient in to]
