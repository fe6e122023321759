"""Ticket states and the one table of allowed transitions (SPEC: Ticket)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A ticket's state, as stored; the Chinese labels are what residents see."""

    PENDING = "pending"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.PENDING: "待派单",
    Status.ASSIGNED: "已派单",
    Status.ACCEPTED: "处理中",
    Status.RESOLVED: "已办结",
    Status.CLOSED: "已关闭",
    Status.CANCELLED: "已撤回",
}

OPEN_STATUSES: frozenset[Status] = frozenset({Status.PENDING, Status.ASSIGNED, Status.ACCEPTED})


class Action(StrEnum):
    """Everything that moves a ticket from one state to another."""

    ASSIGN = "assign"  # routed to a grid that has workers (on opening, or a supervisor's (re-)dispatch)
    ACCEPT = "accept"  # 接单
    RETURN = "return"  # 退回, with a reason, back to the supervisor
    RESOLVE = "resolve"  # 办结, with a result note
    REOPEN = "reopen"  # resident rated 1-2
    CLOSE = "close"  # resident rated 3-5
    CANCEL = "cancel"  # resident withdrew
    CONCLUDE = "conclude"  # a supervisor closes the ticket with a note (settled, a duplicate, not a matter)


# action → (states it may start from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status]] = {
    # A supervisor may also take a ticket from the workers who have it and send it elsewhere (改派).
    Action.ASSIGN: (frozenset({Status.PENDING, Status.ASSIGNED, Status.ACCEPTED}), Status.ASSIGNED),
    Action.ACCEPT: (frozenset({Status.ASSIGNED}), Status.ACCEPTED),
    Action.RETURN: (frozenset({Status.ASSIGNED, Status.ACCEPTED}), Status.PENDING),
    Action.RESOLVE: (frozenset({Status.ACCEPTED}), Status.RESOLVED),
    Action.REOPEN: (frozenset({Status.RESOLVED}), Status.ASSIGNED),
    Action.CLOSE: (frozenset({Status.RESOLVED}), Status.CLOSED),
    Action.CANCEL: (frozenset({Status.PENDING, Status.ASSIGNED, Status.ACCEPTED}), Status.CANCELLED),
    Action.CONCLUDE: (frozenset({Status.PENDING, Status.ASSIGNED, Status.ACCEPTED, Status.RESOLVED}), Status.CLOSED),
}


def target_of(action: Action, current: Status) -> Status | None:
    """The state ``action`` leads to from ``current``, or None when it is not allowed."""
    sources, target = TRANSITIONS[action]
    return target if current in sources else None
