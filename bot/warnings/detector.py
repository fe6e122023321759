"""Clusters over recent tickets: requests of one category in one grid, or within 300 m of one another,
in the last 24 hours, more than usual (SPEC, early warning).

A *group* is either one grid's tickets of a category, or the located tickets of a category within the
radius of one of them (so a surge on a street between two grids is seen although neither grid alone
has enough). A group is hot when it holds at least ``min_count`` tickets and at least ``ratio`` times
the daily mean of its grid (of the busiest of its grids, for a group across grids). Hot groups that
share a ticket are one cluster. Pure functions over :class:`Recent` tickets; reading them is
:func:`recent_tickets`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.infra import decoded, keys
from bot.tickets.states import Status
from bot.tickets.store import TicketStore
from bot.tickets.sources import Source

EARTH_RADIUS_M = 6_371_000.0
RADIUS_M = 300.0  # "within 300 m of each other" (SPEC)
FIELDS = ("category", "created_at", "grid_id", "grid_name", "community", "town", "location", "status", "source")


@dataclass(frozen=True)
class Thresholds:
    """When requests are "more than usual" (GRIDBOT_WARNING_MIN_COUNT, GRIDBOT_WARNING_RATIO)."""

    min_count: int = 5
    ratio: float = 3.0
    radius_m: float = RADIUS_M
    window_seconds: float = 24 * 3600.0

    def hot(self, count: int, mean: float) -> bool:
        return count >= self.min_count and count >= self.ratio * mean


@dataclass(frozen=True)
class Recent:
    """A ticket of the window as the detector sees it."""

    number: str
    category: str
    created_at: float
    grid_id: str | None = None
    grid_name: str | None = None
    community: str | None = None
    town: str | None = None
    point: tuple[float, float] | None = None  # (lat, lon)


@dataclass(frozen=True)
class Cluster:
    """Tickets of one category that together are more than usual, oldest first."""

    category: str
    tickets: tuple[Recent, ...]
    nearby: bool  # found (also) by distance, not only by grid
    mean: float  # the usual daily count it was measured against

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(t.number for t in self.tickets)

    @property
    def grids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.grid_id for t in self.tickets if t.grid_id))


# The window's tickets and the fields the detector reads, in one call (a pipeline of one HMGET per
# ticket costs the client far more than the reply). KEYS: the creation-time index. ARGV: since, until,
# what goes before and after a number in a ticket's key, then the fields. Returns number, fields...
# for each ticket ('' for a field it lacks). (Builds ticket keys inside Redis; see README, Operations.)
_WINDOW_LUA = """
local numbers = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2])
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
local out = {}
for _, number in ipairs(numbers) do
  out[#out + 1] = number
  local row = redis.call('HMGET', ARGV[3] .. number .. ARGV[4], unpack(fields))
  for j = 1, #fields do out[#out + 1] = row[j] or '' end
end
return out
"""


async def recent_tickets(store: TicketStore, since: float, until: float) -> list[Recent]:
    """The tickets opened from ``since`` to ``until`` that count (not withdrawn, not a patrol's own report)."""
    script = store.redis.register_script(_WINDOW_LUA)  # EVALSHA, the script loaded once per server
    flat = decoded.text_list(await script(keys=[keys.all_tickets()], args=[since, until, *keys.ticket_affixes(), *FIELDS]))
    width = len(FIELDS) + 1
    found = []
    for at in range(0, len(flat), width):
        number, values = flat[at], {name: value or None for name, value in zip(FIELDS, flat[at + 1 : at + width])}
        if values["category"] is None or values["status"] == Status.CANCELLED or values["source"] == Source.PATROL:
            continue
        found.append(Recent(number, values["category"], float(values["created_at"] or 0), values["grid_id"],
                            values["grid_name"], values["community"], values["town"], _point(values["location"])))
    return found


def _point(location: str | None) -> tuple[float, float] | None:
    if not location:
        return None
    lat, _, lon = location.partition(",")
    try:
        return float(lat), float(lon)
    except ValueError:
        return None


def pairs_of(tickets: Iterable[Recent]) -> set[tuple[str, str]]:
    """The (grid, category) pairs whose means a pass needs."""
    return {(t.grid_id, t.category) for t in tickets if t.grid_id}


def find_clusters(tickets: Sequence[Recent], means: Mapping[tuple[str, str], float],
                  thresholds: Thresholds) -> list[Cluster]:
    """Every cluster among ``tickets`` (the window's), by category."""
    by_category: dict[str, list[Recent]] = defaultdict(list)
    for ticket in tickets:
        by_category[ticket.category].append(ticket)
    clusters = []
    for category, members in sorted(by_category.items()):
        if len(members) < thresholds.min_count:
            continue
        clusters += _clusters_of(category, sorted(members, key=lambda t: (t.created_at, t.number)), means, thresholds)
    return clusters


def _clusters_of(category: str, members: list[Recent], means: Mapping[tuple[str, str], float],
                 thresholds: Thresholds) -> list[Cluster]:
    def mean_of(group: Iterable[int]) -> float:
        return max((means.get((g, category), 0.0) for g in {members[i].grid_id for i in group} if g), default=0.0)

    hot: list[tuple[list[int], bool]] = []
    by_grid: dict[str, list[int]] = defaultdict(list)
    for i, ticket in enumerate(members):
        if ticket.grid_id:
            by_grid[ticket.grid_id].append(i)
    hot += [(group, False) for group in by_grid.values() if thresholds.hot(len(group), mean_of(group))]
    hot += [(group, True) for group in _neighbourhoods(members, thresholds)
            if thresholds.hot(len(group), mean_of(group))]
    return [Cluster(category, tuple(members[i] for i in sorted(indices)), nearby, max(mean_of(indices), 0.0))
            for indices, nearby in _merged(hot)]


def _neighbourhoods(members: list[Recent], thresholds: Thresholds) -> list[list[int]]:
    """For each located ticket with at least ``min_count`` located tickets within the radius, those
    tickets (a spatial hash with cells of the radius: only the 9 cells around a ticket are compared)."""
    radius = thresholds.radius_m
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    flat: dict[int, tuple[float, float]] = {}
    located = [(i, t.point) for i, t in enumerate(members) if t.point is not None]
    if len(located) < thresholds.min_count:
        return []
    scale = math.cos(math.radians(located[0][1][0])) if located else 1.0
    for i, point in located:
        flat[i] = _metres(point, scale)
        cells[(int(flat[i][0] // radius), int(flat[i][1] // radius))].append(i)
    groups = []
    for x, y in flat.values():
        cx, cy = int(x // radius), int(y // radius)
        near = [j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in cells.get((cx + dx, cy + dy), ())
                if math.hypot(flat[j][0] - x, flat[j][1] - y) <= radius]
        if len(near) >= thresholds.min_count:
            groups.append(sorted(near))
    return groups


def _metres(point: tuple[float, float], scale: float) -> tuple[float, float]:
    """A point as metres east and north on a plane fit for one city (``scale``: the cosine of its
    latitude; across 50 km of latitude a 300 m distance is off by well under 1 %)."""
    lat, lon = point
    return math.radians(lon) * EARTH_RADIUS_M * scale, math.radians(lat) * EARTH_RADIUS_M


def _merged(groups: list[tuple[list[int], bool]]) -> list[tuple[set[int], bool]]:
    """Groups that share a ticket, merged (union-find over ticket indices)."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for group, _ in groups:
        for i in group[1:]:
            parent[root(i)] = root(group[0])
    merged: dict[int, tuple[set[int], bool]] = {}
    for group, nearby in groups:
        indices, was_nearby = merged.get(root(group[0]), (set(), False))
        merged[root(group[0])] = (indices | set(group), was_nearby or nearby)
    return list(merged.values())
