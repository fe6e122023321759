"""The open tickets of a scope for the console map: each one's state, words, grid and the point its
resident shared (if any), read over the board's indexes (:meth:`bot.tickets.board.Board.rows`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.accounts.scope import Scope
from bot.infra import decoded, keys
from bot.tickets.board import Board, BoardFilter, Sort
from bot.tickets.states import OPEN_STATUSES, Status

MAP_LIMIT = 2000  # markers at most (the newest): more would not be readable anyway


@dataclass(frozen=True)
class MapTicket:
    """One open ticket as the map draws it; ``point`` is (lon, lat)."""

    number: str
    status: Status
    text: str
    grid_id: str | None
    point: tuple[float, float] | None


def shared_point(location: str | None) -> tuple[float, float] | None:
    """The (lon, lat) of a ticket's stored location ("lat,lon"), None when it has none (or it is bad)."""
    try:
        lat, lon = (float(part) for part in (location or "").split(","))
    except ValueError:
        return None
    return (lon, lat) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


async def open_on_map(board: Board, scope: Scope, limit: int = MAP_LIMIT) -> list[MapTicket]:
    """The newest ``limit`` open tickets ``scope`` sees, with their shared points."""
    rows = []
    found = board.rows(scope, BoardFilter(statuses=OPEN_STATUSES), Sort.NEWEST)
    try:
        async for row in found:
            rows.append(row)
            if len(rows) >= limit:
                break
    finally:
        await found.aclose()
    async with board.redis.pipeline(transaction=False) as pipe:
        for row in rows:
            pipe.hget(keys.ticket(row.number), "location")
        locations = decoded.optional_texts(await pipe.execute()) if rows else []
    return [MapTicket(r.number, r.status, r.text, r.grid_id, shared_point(where)) for r, where in zip(rows, locations)]
