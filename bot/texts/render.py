"""Notifications → what a person sees: text plus buttons, independent of the channel that shows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.texts import common as common_texts
from bot.texts import field_reports as report_texts
from bot.texts import residents as resident_texts
from bot.texts import staff as staff_texts
from bot.texts import warnings as warning_texts
from bot.tickets.notifications import Kind, Notification


class ButtonAction(StrEnum):
    """What a button about a ticket does: the one list the renderer, the channels' button data and their
    handlers share. The values are inside buttons on messages people already have: never change one."""

    ACCEPT = "accept"  # 接单
    RETURN = "return"  # 退回 (then the reason)
    RESOLVE = "resolve"  # 办结 (then the result)
    RATE = "rate"  # 1…5, the stars in ``arg``
    GRIDS = "grids"  # 派单: show the grids it may go to
    DISPATCH = "dispatch"  # one of those grids, in ``arg``
    CATEGORIES = "categories"  # 改类别: show the other categories
    RECATEGORISE = "recat"  # one of those categories, in ``arg``
    REFER_UP = "refer"  # 需上级处理: a field report its reporter keeps goes to the supervisors


@dataclass(frozen=True)
class Button:
    """A button on a message: its label and the ticket action it stands for."""

    text: str
    action: ButtonAction
    number: str
    arg: str = ""


@dataclass(frozen=True)
class Rendered:
    """A message ready for a channel."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    photo: str | None = None


def worker_buttons(number: str, accepted: bool = False) -> list[list[Button]]:
    """接单 / 退回 on a new ticket; 办结 / 退回 once accepted."""
    if accepted:
        first = Button(common_texts.RESOLVE, ButtonAction.RESOLVE, number)
    else:
        first = Button(common_texts.ACCEPT, ButtonAction.ACCEPT, number)
    return [[first, Button(common_texts.RETURN, ButtonAction.RETURN, number)]]


def report_buttons(number: str) -> list[list[Button]]:
    """办结 / 需上级处理 on a field report its reporter keeps."""
    return [[Button(common_texts.RESOLVE, ButtonAction.RESOLVE, number),
             Button(common_texts.REFER_UP, ButtonAction.REFER_UP, number)]]


def supervisor_buttons(number: str) -> list[list[Button]]:
    """派单 / 改类别 on a ticket a supervisor should act on."""
    return [[Button(common_texts.DISPATCH, ButtonAction.GRIDS, number),
             Button(common_texts.RECATEGORISE, ButtonAction.CATEGORIES, number)]]


def rating_buttons(number: str) -> list[list[Button]]:
    """1…5 under a resolved ticket."""
    return [[Button(str(stars), ButtonAction.RATE, number, str(stars)) for stars in range(1, 6)]]


def choice_buttons(number: str, action: ButtonAction, options: Sequence[tuple[str, str]],
                   per_row: int) -> list[list[Button]]:
    """One button per ``(arg, label)`` option, ``per_row`` to a row (the grids to dispatch to, the categories)."""
    buttons = [Button(label, action, number, arg) for arg, label in options]
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def render(note: Notification) -> Rendered:
    """How ``note`` reads, and which buttons it carries."""
    n, d = note.number, note.data
    match note.kind:
        case Kind.TICKET_OPENED | Kind.LINKED if d.get("parts"):  # one message, several requests
            return Rendered(resident_texts.parts_opened(d["parts"]))
        case Kind.TICKET_OPENED:
            return Rendered(resident_texts.ticket_opened_from(n, d))
        case Kind.LINKED:
            return Rendered(resident_texts.linked(n))
        case Kind.STATUS_CHANGED:
            return Rendered(resident_texts.status_changed(n, d))
        case Kind.PLACED:
            return Rendered(resident_texts.placed(n, d))
        case Kind.RESOLVED if d.get("may_rate", True):
            return Rendered(resident_texts.resolved(n, d.get("note", "")), rating_buttons(n), d.get("photo"))
        case Kind.RESOLVED:  # a follower (a neighbour who reported the same): told, not asked to rate
            return Rendered(resident_texts.resolved_for_follower(n, d.get("note", "")), [], d.get("photo"))
        case Kind.NEW_TICKET:
            return Rendered(staff_texts.new_ticket(n, d), worker_buttons(n), d.get("ticket_photo"))
        case Kind.REOPENED:
            return Rendered(staff_texts.reopened(n, d), worker_buttons(n))
        case Kind.TAKEN:
            return Rendered(staff_texts.taken(n, d))
        case Kind.CLOSED:
            return Rendered(staff_texts.closed(n, d))
        case Kind.PRAISED:
            return Rendered(staff_texts.praised(n))
        case Kind.CANCELLED:
            return Rendered(staff_texts.cancelled_by_resident(n))
        case Kind.RAISED:
            return Rendered(staff_texts.raised(n, d))
        case Kind.REDISPATCHED:
            return Rendered(staff_texts.redispatched(n))
        case Kind.REMINDER:
            return Rendered(staff_texts.reminder(n, d))
        case Kind.OVERDUE:
            return Rendered(staff_texts.overdue(n))
        case Kind.RECATEGORISED:
            return Rendered(staff_texts.recategorised(n, d))
        case Kind.REPORTED:
            return Rendered(report_texts.reported(n, d), report_buttons(n) if d.get("kept") else [])
        case Kind.NEEDS_DISPATCH:
            return Rendered(staff_texts.needs_dispatch(n, d), supervisor_buttons(n), d.get("ticket_photo"))
        case Kind.ESCALATED:
            return Rendered(staff_texts.escalated(n, d), supervisor_buttons(n), d.get("ticket_photo"))
        case Kind.URGENT_ALERT:
            return Rendered(staff_texts.urgent_alert(n, d), supervisor_buttons(n), d.get("ticket_photo"))
        case Kind.WARNING:  # ``n`` is the warning's number (W…), not a ticket's
            return Rendered(warning_texts.warning_message(n, d))
    raise ValueError(f"no rendering for {note.kind}")
