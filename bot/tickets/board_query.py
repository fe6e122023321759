"""One board query as one Lua script over the board's indexes: filter, count per state, sort, page.

The plan names Redis keys by their index in KEYS. The script intersects the sort key (scores: creation
time or deadline) with every filter key at weight 0, so the result keeps the sort's scores; score
ranges (dates, overdue) are first copied out with ZRANGESTORE. Redis intersects starting from the
smallest input, so a narrow filter (a word, a community, the overdue tickets) is cheap even with
100k tickets. Counts per state are taken before the state filter (the board's tabs), and all of it
runs atomically, so the counts, the total and the page agree. Single characters searched for are
checked in the texts of the tickets the other conditions leave (the tickets' hashes are read by a key
built inside the script, which Redis Cluster would not allow; see README, Operations).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from bot.infra import keys

# ARGV[1]: the plan (JSON, see QueryPlan.encode). Returns {base total, {count per state...}, overdue
# count, total, {numbers of the page...}}.
_BOARD_LUA = """
local plan = cjson.decode(ARGV[1])
local function inter(dest, sort, filters)
  local args = {dest, 1 + #filters, sort}
  for _, k in ipairs(filters) do args[#args + 1] = k end
  args[#args + 1] = 'WEIGHTS'; args[#args + 1] = 1
  for _ = 1, #filters do args[#args + 1] = 0 end
  return redis.call('ZINTERSTORE', unpack(args))
end
local filters = {}
for _, i in ipairs(plan.filters) do filters[#filters + 1] = KEYS[i] end
for _, r in ipairs(plan.ranges) do
  redis.call('ZRANGESTORE', KEYS[r[4]], KEYS[r[1]], r[2], r[3], 'BYSCORE')
  filters[#filters + 1] = KEYS[r[4]]
end
if plan.only ~= '' then
  redis.call('ZADD', KEYS[plan.scratch.only], 0, plan.only)
  filters[#filters + 1] = KEYS[plan.scratch.only]
end
local sort, base = KEYS[plan.sort], KEYS[plan.sort]
if #filters > 0 then base = KEYS[plan.scratch.base]; inter(base, sort, filters) end
if #plan.chars > 0 then
  if base == sort then base = KEYS[plan.scratch.base]; redis.call('ZUNIONSTORE', base, 1, sort) end
  for _, number in ipairs(redis.call('ZRANGE', base, 0, -1)) do
    local text = redis.call('HGET', plan.ticket_prefix .. number, 'text') or ''
    for _, c in ipairs(plan.chars) do
      if not string.find(text, c, 1, true) then redis.call('ZREM', base, number); break end
    end
  end
end
local tmp = KEYS[plan.scratch.tmp]
local counts = {}
for _, i in ipairs(plan.states) do
  if base == sort then counts[#counts + 1] = redis.call('SCARD', KEYS[i])
  else counts[#counts + 1] = redis.call('ZINTERSTORE', tmp, 2, base, KEYS[i]) end
end
redis.call('ZRANGESTORE', tmp, KEYS[plan.overdue[1]], '-inf', '(' .. plan.overdue[2], 'BYSCORE')
local overdue = redis.call('ZINTERSTORE', tmp, 2, tmp, base)
local final = base
if #plan.selected > 0 then
  local selected = KEYS[plan.selected[1]]
  if #plan.selected > 1 then
    local args = {KEYS[plan.scratch.union]}
    for _, i in ipairs(plan.selected) do args[#args + 1] = KEYS[i] end
    redis.call('SUNIONSTORE', unpack(args))
    selected = KEYS[plan.scratch.union]
  end
  final = KEYS[plan.scratch.final]
  inter(final, base, {selected})
end
if plan.keep > 0 and final ~= KEYS[plan.scratch.final] then
  redis.call('ZUNIONSTORE', KEYS[plan.scratch.final], 1, final)
  final = KEYS[plan.scratch.final]
end
local total = redis.call('ZCARD', final)
local page = {}
if plan.count > 0 then
  if plan.rev then page = redis.call('ZREVRANGE', final, plan.offset, plan.offset + plan.count - 1)
  else page = redis.call('ZRANGE', final, plan.offset, plan.offset + plan.count - 1) end
end
for name, i in pairs(plan.scratch) do
  if not (plan.keep > 0 and name == 'final') then redis.call('DEL', KEYS[i]) end
end
if plan.keep > 0 then redis.call('EXPIRE', final, plan.keep) end
return {counts, overdue, total, page}
"""

SCRATCH_PARTS = ("base", "tmp", "union", "final", "only")


@dataclass
class QueryPlan:
    """A board query: keys to intersect, score ranges, states to count and select, the sort and page."""

    sort_key: str
    rev: bool
    filters: list[str] = field(default_factory=list)
    ranges: list[tuple[str, float | str, float | str]] = field(default_factory=list)  # key, min, max
    only: str = ""  # one ticket number (a search for a number)
    chars: list[str] = field(default_factory=list)  # characters the ticket's text must hold
    count_states: list[str] = field(default_factory=list)  # state set keys to count
    selected: list[str] = field(default_factory=list)  # the result holds tickets of these (none: all)
    now: float = 0.0
    offset: int = 0
    count: int = 0
    keep: int = 0  # > 0: keep the result as a snapshot (keys.board_scratch(id, "final")) for this long
    query_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def encode(self) -> tuple[list[str], str]:
        """The script's KEYS and its plan argument."""
        names: list[str] = []

        def at(key: str) -> int:
            if key not in names:
                names.append(key)
            return names.index(key) + 1

        scratch = {part: at(keys.board_scratch(self.query_id, part)) for part in SCRATCH_PARTS}
        ranges: list[list[Any]] = []
        for n, (key, low, high) in enumerate(self.ranges):
            scratch[f"range{n}"] = at(keys.board_scratch(self.query_id, f"range{n}"))
            ranges.append([at(key), _score(low), _score(high), scratch[f"range{n}"]])
        plan: dict[str, Any] = {
            "sort": at(self.sort_key), "rev": self.rev, "filters": [at(k) for k in self.filters], "ranges": ranges,
            "only": self.only, "chars": self.chars, "ticket_prefix": keys.ticket(""),
            "states": [at(k) for k in self.count_states], "selected": [at(k) for k in self.selected],
            "overdue": [at(keys.open_by_deadline()), repr(self.now)], "offset": self.offset, "count": self.count,
            "keep": self.keep, "scratch": scratch,
        }
        return names, json.dumps(plan)


def _score(value: float | str) -> str:
    """A score bound as Redis reads it ('-inf', '(12.5', or a float written in full)."""
    return value if isinstance(value, str) else repr(float(value))


@dataclass(frozen=True)
class QueryResult:
    """What the script found: counts per counted state (in plan order), overdue, total and the page."""

    counts: list[int]
    overdue: int
    total: int
    numbers: list[str]
    snapshot: str | None  # the kept result's key (plan.keep > 0)


class BoardQuery:
    """Runs :class:`QueryPlan` s on Redis."""

    def __init__(self, redis: Redis) -> None:
        self._script = redis.register_script(_BOARD_LUA)

    async def run(self, plan: QueryPlan) -> QueryResult:
        names, encoded = plan.encode()
        counts, overdue, total, page = await self._script(keys=names, args=[encoded])
        numbers = [n.decode() if isinstance(n, bytes) else n for n in page]
        snapshot = keys.board_scratch(plan.query_id, "final") if plan.keep > 0 else None
        return QueryResult([int(c) for c in counts], int(overdue), int(total), numbers, snapshot)
