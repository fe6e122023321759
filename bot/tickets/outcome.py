"""Domain results for expected outcomes ("already taken", "not your grid"), which channels render."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.tickets.record import Ticket


class Refusal(StrEnum):
    """Why an operation did not happen."""

    NOT_FOUND = "not_found"  # no such ticket
    NOT_ALLOWED = "not_allowed"  # this person may not do this to this ticket
    TAKEN = "taken"  # another worker accepted it first
    WRONG_STATE = "wrong_state"  # the ticket has moved on
    BAD_INPUT = "bad_input"  # an empty reason, a rating of 7, an unknown grid…
    NO_WORKERS = "no_workers"  # dispatch to a grid nobody works in


@dataclass(frozen=True)
class Outcome:
    """The result of a ticket operation: the ticket as it now is, or why nothing changed."""

    ok: bool
    ticket: Ticket | None = None
    refusal: Refusal | None = None
    detail: str = ""

    @classmethod
    def done(cls, ticket: Ticket) -> Outcome:
        return cls(True, ticket)

    @classmethod
    def refused(cls, refusal: Refusal, ticket: Ticket | None = None, detail: str = "") -> Outcome:
        return cls(False, ticket, refusal, detail)
