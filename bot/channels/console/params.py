"""The board's filter, sort and page from a console URL's query (the board page and the exports share it).

Parameters: ``status`` (repeatable; a state code, or ``open`` for the three open states), ``category``,
``nature`` (a code of nlp.natures), ``grid``, ``community``, ``town``, ``source`` (bot.tickets.sources), ``overdue=1``, ``urgent=1``, ``from`` and ``to`` (local dates,
``YYYY-MM-DD``, both days included), ``q`` (search words or a ticket number), ``sort``
(bot.tickets.board.Sort), ``page`` and ``per_page``. A malformed value raises ValueError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from multidict import MultiMapping

from nlp.natures import NATURES

from bot.infra.clock import LOCAL_TIME
from bot.tickets.board import MAX_PER_PAGE, BoardFilter, Sort
from bot.tickets.sources import Source
from bot.tickets.states import OPEN_STATUSES, Status

TEXT_LIMIT = 100  # characters kept of a search or a name
E = TypeVar("E", Status, Sort)


@dataclass(frozen=True)
class BoardRequest:
    """What one board URL asks for."""

    board_filter: BoardFilter
    sort: Sort = Sort.NEWEST
    page: int = 1
    per_page: int = 50


def board_request(query: MultiMapping[str] | Mapping[str, str]) -> BoardRequest:
    """Parse a console URL's query; ValueError names the first bad parameter."""
    statuses: set[Status] = set()
    values = query.getall("status", []) if isinstance(query, MultiMapping) else [query.get("status", "")]
    for value in (v.strip() for v in values if v.strip()):
        if value == "open":
            statuses |= OPEN_STATUSES
        else:
            statuses.add(_choice(Status, value, "status"))
    created_from, created_to = _day(query.get("from"), "from"), _day(query.get("to"), "to")
    board_filter = BoardFilter(
        statuses=frozenset(statuses), category=_name(query.get("category")), nature=_nature(query.get("nature")),
        grid_id=_name(query.get("grid")),
        community=_name(query.get("community")), town=_name(query.get("town")),
        overdue=_flag(query.get("overdue")), urgent=_flag(query.get("urgent")), created_from=created_from,
        created_to=created_to + 24 * 3600 if created_to is not None else None,  # no DST in Asia/Shanghai
        text=(query.get("q") or "").strip()[:TEXT_LIMIT], source=_source(query.get("source")),
    )
    sort = _choice(Sort, query.get("sort") or Sort.NEWEST, "sort")
    return BoardRequest(board_filter, sort, _number(query.get("page"), 1, "page", 10**6),
                      _number(query.get("per_page"), 50, "per_page", MAX_PER_PAGE))


def _choice(kind: type[E], value: str, name: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise ValueError(name) from None


def _source(value: str | None) -> str | None:
    """A ticket source (bot.tickets.sources), or None for every source."""
    if not value or not value.strip():
        return None
    try:
        return str(Source(value.strip()))
    except ValueError:
        raise ValueError("source") from None


def _name(value: str | None) -> str | None:
    return value.strip()[:TEXT_LIMIT] or None if value else None


def _nature(value: str | None) -> str | None:
    """A nature code (empty: any nature); an unknown one is a bad parameter."""
    code = (value or "").strip()
    if code and code not in NATURES:
        raise ValueError("nature")
    return code or None


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "on", "yes")


def _day(value: str | None, name: str) -> float | None:
    """Local midnight of ``YYYY-MM-DD`` in seconds since the epoch."""
    if not value or not value.strip():
        return None
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").replace(tzinfo=LOCAL_TIME)
    except ValueError:
        raise ValueError(name) from None
    return day.timestamp()


def _number(value: str | None, default: int, name: str, largest: int) -> int:
    if value is None or not value.strip():
        return default
    if not value.strip().isdigit() or not 1 <= int(value) <= largest:
        raise ValueError(name)
    return int(value)

