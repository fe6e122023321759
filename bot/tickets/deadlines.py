"""Deadlines: when a ticket is due, when its worker is reminded, when it escalates, when it auto-closes.

Due items live in one Redis sorted set as ``kind|number`` scored by due time, written in the same
atomic step as the transition that makes them due.
"""

from __future__ import annotations

from enum import StrEnum

from nlp.taxonomy import Taxonomy

from bot.tickets.record import Ticket
from bot.tickets.states import Status

HOUR = 3600.0
URGENT_DEADLINE_HOURS = 2
REMIND_AT_FRACTION = 0.8  # remind the worker when 80% of the time is gone
ESCALATION_STEP_FRACTION = 0.5  # town level: half a deadline-span after the community level
MIN_ESCALATION_STEP = 1 * HOUR
AUTO_CLOSE_AFTER = 7 * 24 * HOUR  # a resolved ticket nobody rates closes by itself
TOP_ESCALATION_LEVEL = 2


class DueKind(StrEnum):
    REMIND = "remind"
    ESCALATE = "escalate"
    AUTO_CLOSE = "autoclose"


def due_member(kind: DueKind, number: str) -> str:
    return f"{kind}|{number}"


def parse_due_member(member: str) -> tuple[DueKind, str]:
    kind, number = member.split("|", 1)
    return DueKind(kind), number


class DeadlinePolicy:
    """Deadline arithmetic from the taxonomy's hours (urgent: 2 hours)."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy

    def hours(self, category: str, urgent: bool) -> float:
        if urgent:
            return URGENT_DEADLINE_HOURS
        found = self.taxonomy.get(category)
        return float(found.deadline_hours) if found else 120.0

    def deadline(self, category: str, urgent: bool, now: float) -> float:
        return now + self.hours(category, urgent) * HOUR

    def escalation_step(self, ticket: Ticket) -> float:
        return max(MIN_ESCALATION_STEP, self.hours(ticket.category, ticket.urgent) * HOUR * ESCALATION_STEP_FRACTION)

    def schedule(self, ticket: Ticket, now: float) -> dict[str, float]:
        """Due items a ticket in its current state should have."""
        if ticket.status == Status.RESOLVED:
            return {due_member(DueKind.AUTO_CLOSE, ticket.number): now + AUTO_CLOSE_AFTER}
        if not ticket.is_open:
            return {}
        items = {}
        if ticket.escalation_level == 0:
            items[due_member(DueKind.ESCALATE, ticket.number)] = ticket.deadline_at
        if not ticket.reminded and ticket.status in (Status.ASSIGNED, Status.ACCEPTED):
            span = ticket.deadline_at - ticket.created_at
            remind_at = ticket.deadline_at - span * (1 - REMIND_AT_FRACTION)
            if remind_at > now:
                items[due_member(DueKind.REMIND, ticket.number)] = remind_at
        return items

    def all_members(self, ticket: Ticket) -> list[str]:
        return [due_member(kind, ticket.number) for kind in DueKind]
