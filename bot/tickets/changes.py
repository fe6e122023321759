"""Ticket changes told live to the dispatch console: every commit of a ticket publishes, in the same
atomic step, its number and where it was and is (community, town) on ``keys.console_changes()``, so each
process can wake the console pages of the accounts whose scope covers either place."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.tickets.record import Ticket

Place = tuple[str | None, str | None]  # (community, town)


@dataclass(frozen=True)
class TicketChange:
    """A ticket changed: its number and the places (community, town) it was in before and is in now."""

    number: str
    places: tuple[Place, ...]


def change_message(before: Ticket | None, after: Ticket) -> str:
    """What a commit publishes (JSON)."""
    places = {(after.community, after.town)} | ({(before.community, before.town)} if before else set())
    return json.dumps({"number": after.number, "places": sorted(places, key=str)}, ensure_ascii=False)


def parse_change(raw: str | bytes) -> TicketChange | None:
    """A published change, or None when the message is not one."""
    try:
        found = json.loads(raw)
        places = tuple((p[0], p[1]) for p in found["places"])
        return TicketChange(str(found["number"]), places)
    except (ValueError, KeyError, TypeError, IndexError):
        return None
