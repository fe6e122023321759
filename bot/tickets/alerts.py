"""Who an urgent ticket's alert reached, so that a resident in danger is told only what happened.

An urgent ticket goes to its grid's workers and, at once, to the first level above the grid that has
anyone: the community's supervisors, else the town's (指挥中心), else the service's admins. What was
reached is kept on the ticket (``Ticket.alerted``), so a neighbour reporting the same emergency later is
told the same truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.tickets.record import Ticket


class Reached(StrEnum):
    """A group of people an urgent alert reached, from the grid up."""

    GRID = "grid"  # the grid's workers got the ticket
    COMMUNITY = "community"  # the community's supervisors
    TOWN = "town"  # the town's supervisors (街道/镇指挥中心)
    ADMINS = "admins"  # the service's admins (GRIDBOT_ADMIN_IDS): nobody nearer was registered


@dataclass(frozen=True)
class Alert:
    """Who was told of an urgent ticket (``reached`` empty: nobody could be), and where it is."""

    reached: tuple[Reached, ...]
    community: str | None = None
    town: str | None = None

    @classmethod
    def of(cls, ticket: Ticket) -> Alert | None:
        """What ``ticket``'s alert reached (None: not urgent, or opened before alerts were recorded)."""
        if not ticket.urgent or ticket.alerted is None:
            return None
        return cls(decode_reached(ticket.alerted), ticket.community, ticket.town)


def encode_reached(reached: tuple[Reached, ...]) -> str:
    """``Ticket.alerted`` for ``reached`` ('-' for nobody, so that it is still recorded)."""
    return ",".join(reached) or "-"


def decode_reached(alerted: str) -> tuple[Reached, ...]:
    """The groups recorded in ``Ticket.alerted`` (unknown names, e.g. of a newer version, are skipped)."""
    known = {str(r) for r in Reached}
    return tuple(Reached(part) for part in alerted.split(",") if part in known)
