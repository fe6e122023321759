"""One receipt for the several tickets one message opened (a message holding several requests).

Each part opens as a ticket of its own, in order. The resident's notice of each part but the last is
held back; the last one's notice carries an entry for every part (number, category, grid, deadline,
whether it joined a neighbour's ticket), so the resident gets every number in one message, from the
outbox like any receipt. A retried message finds its parts opened before and builds the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.tickets.notifications import Kind, Notification

RECEIPT_KINDS = (Kind.TICKET_OPENED, Kind.LINKED)


@dataclass(frozen=True)
class PartReceipt:
    """How the resident hears of a ticket that is one part of their message."""

    last: bool  # the last part: its notice lists every part
    earlier: tuple[dict[str, object], ...] = ()  # the entries of the parts opened before it


def entry(number: str, linked: bool, summary: dict[str, object]) -> dict[str, object]:
    """One part's line in the receipt: the resident's summary of its ticket, with its number."""
    return {**summary, "number": number, "linked": linked}


def folded(notes: list[Notification], resident: str, part: PartReceipt | None) -> list[Notification]:
    """``notes`` with the resident's receipt for this ticket held back (a part before the last) or
    turned into the receipt of every part (the last); unchanged for a message with one request."""
    if part is None:
        return notes
    out = []
    for note in notes:
        if note.recipient != resident or note.kind not in RECEIPT_KINDS:
            out.append(note)
        elif part.last:
            own = entry(note.number, note.kind == Kind.LINKED, note.data)
            out.append(replace(note, data={**note.data, "parts": [*part.earlier, own]}))
    return out
