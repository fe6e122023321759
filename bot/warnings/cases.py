"""What staff do with warnings: see the ones of their area, and link a warning's tickets as one case.

A warning is in someone's scope when one of its places (community, town) is (the rule of
:class:`bot.people.routing.Coverage`, for supervisors, admins and console accounts alike); out of scope
it does not exist for them. Linking goes through the ticket service's own step
(:meth:`bot.tickets.steering.SteeringSteps.link_duplicate`): each ticket the viewer may steer, open
and not the first, becomes a duplicate of the first open one, whose residents it then follows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.people.routing import Coverage
from bot.tickets.service import Tickets
from bot.warnings.store import EarlyWarning, WarningStore


@dataclass(frozen=True)
class Linked:
    """What linking a warning as one case did: the ticket it became (None: fewer than two open tickets)."""

    into: str | None
    linked: int = 0
    skipped: int = 0


def covers(coverage: Coverage | None, warning: EarlyWarning) -> bool:
    return coverage is not None and any(coverage.covers(community, town) for community, town in warning.places)


async def active_for(store: WarningStore, tickets: Tickets, viewer: str) -> list[EarlyWarning] | None:
    """The active warnings ``viewer`` covers, newest first; None when ``viewer`` steers nothing."""
    coverage = await tickets.routing.coverage(viewer)
    if coverage is None:
        return None
    return [w for w in await store.active() if covers(coverage, w)]


async def visible(store: WarningStore, tickets: Tickets, warning_id: str, viewer: str) -> EarlyWarning | None:
    """The warning as ``viewer`` may see it; None when there is none or it is out of their scope."""
    warning = await store.get(warning_id)
    if warning is None or not covers(await tickets.routing.coverage(viewer), warning):
        return None
    return warning


async def link_as_one_case(store: WarningStore, tickets: Tickets, warning: EarlyWarning, viewer: str) -> Linked:
    """Link the warning's open tickets in ``viewer``'s scope as duplicates of the first of them."""
    steerable = [t for t in await tickets.store.get_many(warning.numbers)
                 if t.is_open and await tickets.routing.covers(viewer, t.community, t.town)]
    open_ones = sorted(steerable, key=lambda t: (t.created_at, t.number))
    if len(open_ones) < 2:
        return Linked(None, skipped=len(warning.numbers))
    into = open_ones[0].number
    linked = 0
    for ticket in open_ones[1:]:
        linked += (await tickets.link_duplicate(ticket.number, viewer, into)).ok
    fresh = await store.get(warning.warning_id) or warning  # a pass may have grown it meanwhile
    await store.save(replace(fresh, linked_into=into, linked_by=viewer))
    return Linked(into, linked, len(warning.numbers) - 1 - linked)
