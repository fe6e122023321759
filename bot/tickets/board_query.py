"""One board query as one Lua script over the board's indexes: filter, count per state, sort, page.

The plan names Redis keys by their index in KEYS. The script intersects the sort key (scores: creation
time or deadline) with every filter key at weight 0, so the result keeps the sort's scores; score
ranges (dates, overdue) are first copied out with ZRANGESTORE. Redis intersects starting from the
smallest input, so a narrow filter (a word, a community, the overdue tickets) is cheap even with
100k tickets. Counts per state are taken before the state filter (the board's tabs), and all of it
runs atomically, so the counts, the total and the page agree. Single characters searched for are
found through the union of the index entries that hold them (bot/tickets/search_words.py): no query
reads a ticket's text, and each command's work is bounded by the sizes of the sets it names.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from bot.infra import keys
from bot.tickets.board_index import CODE_STEP, state_code
from bot.tickets.states import OPEN_STATUSES

# ARGV[1]: the plan (JSON, see QueryPlan.encode). Returns {base total, {count per state...}, overdue
# count, total, {numbers of the page...}}.
_BOARD_LUA = """
local plan = cjson.decode(ARGV[1])
local S = {}
for name, i in pairs(plan.scratch) do S[name] = KEYS[i] end
local function weighted(dest, a, b, wa, wb)
  return redis.call('ZINTERSTORE', dest, 2, a, b, 'WEIGHTS', wa, wb)
end
local sort = KEYS[plan.sort]
local base, whole = sort, true  -- whole: base is every ticket (no condition yet)
local filters = {}
for _, i in ipairs(plan.filters) do filters[#filters + 1] = KEYS[i] end
if plan.only ~= '' then redis.call('ZADD', S.only, 0, plan.only); filters[#filters + 1] = S.only end
-- a searched character: the union of the sets of the index entries holding it, a few hundred keys a call
for n, union in ipairs(plan.unions) do
  local dest = S['union' .. n]
  for first = 1, #union, 500 do
    local args = {dest, 1}
    args[#args + 1] = dest
    for i = first, math.min(first + 499, #union) do args[#args + 1] = KEYS[union[i]]; args[2] = args[2] + 1 end
    redis.call('ZUNIONSTORE', unpack(args))
  end
  filters[#filters + 1] = dest
end
if #filters == 1 and plan.sorted_filter then
  base, whole = filters[1], false  -- the one filter is itself scored like the sort: read it as it is
elseif #filters > 0 then
  local args = {S.base, 1 + #filters, sort}
  for _, k in ipairs(filters) do args[#args + 1] = k end
  args[#args + 1] = 'WEIGHTS'; args[#args + 1] = 1
  for _ = 1, #filters do args[#args + 1] = 0 end
  redis.call('ZINTERSTORE', unpack(args))
  base, whole = S.base, false
end
-- a score range [low, high) of another index: copy the range out when it is the smaller side, else
-- take base's members with that index's scores, cut them, and give them back the sort's scores
for _, r in ipairs(plan.ranges) do
  local key, low, high = KEYS[r[1]], r[2], r[3]
  local high_ex = high == '+inf' and high or '(' .. high
  if whole or redis.call('ZCOUNT', key, low, high_ex) < redis.call('ZCARD', base) then
    redis.call('ZRANGESTORE', S.tmp, key, low, high_ex, 'BYSCORE')
    weighted(S.base, base, S.tmp, 1, 0)
  else
    weighted(S.tmp, base, key, 0, 1)
    if low ~= '-inf' then redis.call('ZREMRANGEBYSCORE', S.tmp, '-inf', '(' .. low) end
    if high ~= '+inf' then redis.call('ZREMRANGEBYSCORE', S.tmp, high, '+inf') end
    weighted(S.base, S.tmp, base, 0, 1)
  end
  base, whole = S.base, false
end
local open = KEYS[plan.open]
-- the base's tickets scored by code * step + deadline (one intersection): counted per state by score
-- range, and the overdue (open codes, deadline before now) too; the selected states' tickets taken
-- out by score range, then given back the sort's scores
local counts, final, coded, step = {}, base, KEYS[plan.codes], plan.code_step
local function at(code, plus) return string.format('%.17g', code * step + plus) end
local overdue = 0
if whole then overdue = redis.call('ZCOUNT', open, '-inf', '(' .. plan.now)
else
  weighted(S.coded, base, coded, 0, 1); coded = S.coded
  for _, code in ipairs(plan.open_codes) do
    overdue = overdue + redis.call('ZCOUNT', coded, at(code, 0), '(' .. at(code, tonumber(plan.now)))
  end
end
for n, i in ipairs(plan.states) do
  if whole then counts[n] = redis.call('SCARD', KEYS[i])
  else counts[n] = redis.call('ZCOUNT', coded, at(n - 1, 0), '(' .. at(n, 0)) end
end
if plan.selecting then
  redis.call('DEL', S.tmp)
  for n = 1, #plan.states do
    if plan.selected[n] and counts[n] > 0 then
      redis.call('ZRANGESTORE', S.part, coded, at(n - 1, 0), '(' .. at(n, 0), 'BYSCORE')
      redis.call('ZUNIONSTORE', S.tmp, 2, S.tmp, S.part)
    end
  end
  weighted(S.final, base, S.tmp, 1, 0)
end
if plan.select_open then weighted(S.final, base, open, 1, 0) end
if plan.selecting or plan.select_open then final = S.final end
if plan.keep > 0 and final ~= S.final then redis.call('ZUNIONSTORE', S.final, 1, final); final = S.final end
local total = redis.call('ZCARD', final)
local page = {}
if plan.count > 0 then
  if plan.rev then page = redis.call('ZREVRANGE', final, plan.offset, plan.offset + plan.count - 1)
  else page = redis.call('ZRANGE', final, plan.offset, plan.offset + plan.count - 1) end
end
for name, key in pairs(S) do
  if not (plan.keep > 0 and name == 'final') then redis.call('UNLINK', key) end
end
if plan.keep > 0 then redis.call('EXPIRE', final, plan.keep) end
return {counts, overdue, total, page}
"""

SCRATCH_PARTS = ("base", "tmp", "final", "only", "coded", "part")


@dataclass
class QueryPlan:
    """A board query: keys to intersect, score ranges, states to count and select, the sort and page."""

    sort_key: str
    rev: bool
    filters: list[str] = field(default_factory=list)
    ranges: list[tuple[str, float | None, float | None]] = field(default_factory=list)  # key, from, before
    only: str = ""  # one ticket number (a search for a number)
    unions: list[list[str]] = field(default_factory=list)  # per searched character: the sets holding it
    count_states: list[str] = field(default_factory=list)  # state set keys to count
    selected: list[bool] = field(default_factory=list)  # per counted state: is it in the result
    selecting: bool = False  # False: every state is in the result
    select_open: bool = False  # the result is the open tickets (one index, not three states)
    now: float = 0.0
    offset: int = 0
    count: int = 0
    keep: int = 0  # > 0: keep the result as a snapshot (keys.board_scratch(id, "final")) for this long
    sorted_filters: frozenset[str] = frozenset()  # filters scored like the sort key (by creation time)
    query_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def encode(self) -> tuple[list[str], str]:
        """The script's KEYS and its plan argument."""
        names: list[str] = []

        def at(key: str) -> int:
            if key not in names:
                names.append(key)
            return names.index(key) + 1

        parts = [*SCRATCH_PARTS, *[f"union{n}" for n in range(1, len(self.unions) + 1)]]
        scratch = {part: at(keys.board_scratch(self.query_id, part)) for part in parts}
        ranges = [[at(key), _score(low, "-inf"), _score(high, "+inf")] for key, low, high in self.ranges]
        plan: dict[str, Any] = {
            "sort": at(self.sort_key), "rev": self.rev, "filters": [at(k) for k in self.filters], "ranges": ranges,
            "only": self.only, "unions": [[at(k) for k in union] for union in self.unions],
            "states": [at(k) for k in self.count_states], "codes": at(keys.by_state_code()),
            "code_step": CODE_STEP, "open_codes": [state_code(s) for s in sorted(OPEN_STATUSES, key=state_code)], "selected": self.selected, "selecting": self.selecting,
            "select_open": self.select_open,
            "open": at(keys.open_by_deadline()), "now": repr(self.now), "offset": self.offset, "count": self.count,
            "keep": self.keep, "scratch": scratch,
            "sorted_filter": len(self.filters) == 1 and not self.only and not self.unions
            and self.filters[0] in self.sorted_filters,
        }
        return names, json.dumps(plan)


def _score(value: float | None, unbounded: str) -> str:
    """A score bound written in full (or ``unbounded``: '-inf', '+inf')."""
    return unbounded if value is None else repr(float(value))


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
