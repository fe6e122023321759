"""The console board's query until the Redis indexes of ``bot/tickets/board.py`` land: a scan of the
store for the tickets a viewer may see, filtered, searched, sorted and cut into pages. One function,
:func:`board_page`, so the page switches to the indexed query in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.tickets.record import Ticket
from bot.tickets.service import Tickets
from bot.tickets.states import OPEN_STATUSES, Status

SCAN_LIMIT = 5000
SORTS = ("newest", "oldest", "deadline")


@dataclass(frozen=True)
class BoardQuery:
    """The board's filters: a state (default: every open one), category, grid, overdue only, words."""

    state: str = ""
    category: str = ""
    grid_id: str = ""
    overdue: bool = False
    search: str = ""
    sort: str = "newest"
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class BoardPage:
    """One page of the board, how many tickets matched in all, and per state (the other filters applied)."""

    tickets: list[Ticket]
    total: int
    page: int
    pages: int
    counts: dict[Status, int] = field(default_factory=dict)


def _in_state(ticket: Ticket, query: BoardQuery) -> bool:
    return ticket.status == query.state if query.state else ticket.status in OPEN_STATUSES


def _matches(ticket: Ticket, query: BoardQuery, now: float) -> bool:
    """Every filter but the state."""
    if query.category and ticket.category != query.category:
        return False
    if query.grid_id and ticket.grid_id != query.grid_id:
        return False
    if query.overdue and not (ticket.is_open and ticket.deadline_at < now):
        return False
    words = query.search.strip().upper()
    return not words or words in ticket.number or words in ticket.text.upper() or words in (ticket.grid_name or "")


async def board_page(tickets: Tickets, viewer: str, query: BoardQuery, now: float) -> BoardPage:
    """The tickets ``viewer`` may see that match ``query``, one page of them."""
    coverage = await tickets.routing.coverage(viewer)
    if coverage is None:
        return BoardPage([], 0, 1, 1)
    matching = [t for t in await tickets.store.list(limit=SCAN_LIMIT)
                if coverage.covers(t.community, t.town) and _matches(t, query, now)]
    counts = {status: sum(1 for t in matching if t.status == status) for status in Status}
    found = [t for t in matching if _in_state(t, query)]
    if query.sort == "oldest":
        found.sort(key=lambda t: t.created_at)
    elif query.sort == "deadline":
        found.sort(key=lambda t: t.deadline_at)
    pages = max(1, -(-len(found) // query.per_page))
    page = min(max(1, query.page), pages)
    start = (page - 1) * query.per_page
    return BoardPage(found[start:start + query.per_page], len(found), page, pages, counts)


def parse_state(value: str) -> str:
    """A state filter from a query string ('' when it is none of the states)."""
    return value if value in {str(s) for s in Status} else ""
