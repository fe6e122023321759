"""Notifications as data: what a transition means for whom, written to the outbox with the transition.

Channels (Telegram, web) read the outbox and render each notification in their own way; the domain
only says who must learn what. The dedupe key lets a channel drop a notification it already sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a notification tells its recipient."""

    TICKET_OPENED = "ticket_opened"  # resident: your request is ticket N
    LINKED = "linked"  # resident: your request joined the open ticket N
    STATUS_CHANGED = "status_changed"  # resident: N is now <status>
    PLACED = "placed"  # resident: the place you named after opening N was added to it
    RESOLVED = "resolved"  # resident: N is done, here is the result; please rate 1-5
    NEW_TICKET = "new_ticket"  # worker: a ticket for your grid (accept / return)
    TAKEN = "taken"  # other workers of the grid: a colleague accepted N
    REOPENED = "reopened"  # worker: the resident was not satisfied with N
    CLOSED = "closed"  # worker: N was rated and closed
    PRAISED = "praised"  # worker: the resident thanked you for N
    CANCELLED = "cancelled"  # worker: the resident withdrew N
    REMINDER = "reminder"  # worker: N is due soon
    OVERDUE = "overdue"  # worker: N is overdue and was escalated
    NEEDS_DISPATCH = "needs_dispatch"  # supervisor: N has no grid or was returned
    ESCALATED = "escalated"  # supervisor: N is overdue
    URGENT_ALERT = "urgent_alert"  # supervisor: urgent N in your area
    RECATEGORISED = "recategorised"  # worker: N has a new category
    RAISED = "raised"  # worker: a supervisor handed N one level up (it stays theirs)
    REDISPATCHED = "redispatched"  # worker: a supervisor sent N elsewhere; it is no longer theirs
    WARNING = "warning"  # supervisor: early warning N (W…, not a ticket): a surge of one category
    REPORTED = "reported"  # worker: your field report is N, kept by you or routed (bot/tickets/field_reports.py)


@dataclass(frozen=True)
class Notification:
    """One message to one recipient (``channel:chat_id``) about one ticket."""

    recipient: str
    kind: Kind
    number: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def channel(self) -> str:
        """The channel that delivers it (``telegram:42`` → ``telegram``)."""
        return self.recipient.partition(":")[0]

    def dedupe_key(self, version: int) -> str:
        """Unique per ticket version, recipient and kind: a retried delivery can recognise itself."""
        return f"{self.number}:{version}:{self.kind}:{self.recipient}"

    def to_fields(self, version: int) -> dict[str, str]:
        """Stream entry fields for the outbox."""
        return {
            "id": self.dedupe_key(version),
            "recipient": self.recipient,
            "kind": str(self.kind),
            "number": self.number,
            "data": json.dumps(self.data, ensure_ascii=False, separators=(",", ":")),
        }

    @classmethod
    def from_fields(cls, raw: dict[str, str]) -> Notification:
        return cls(raw["recipient"], Kind(raw["kind"]), raw["number"], json.loads(raw.get("data") or "{}"))
