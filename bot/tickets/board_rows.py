"""The fields of a kept board result (an export's snapshot) read a slice at a time inside Redis: one
script call per slice returns one JSON string (every ticket's row fields), so 100k rows are a hundred
replies to parse, not 1.3 million."""

from __future__ import annotations

import json
from collections.abc import Sequence

from redis.asyncio import Redis

from bot.infra import keys

# KEYS[1]: the snapshot (a sorted set of ticket numbers). ARGV: the ticket key's head, first and last
# rank, '1' for the reverse order, then the fields. Returns a JSON array of rows, each the fields'
# values (false for a missing one), for the tickets that still exist.
# (The ticket keys are derived inside the script, which Redis Cluster would not allow; see README.)
_SLICE_LUA = """
local numbers
if ARGV[4] == '1' then numbers = redis.call('ZREVRANGE', KEYS[1], ARGV[2], ARGV[3])
else numbers = redis.call('ZRANGE', KEYS[1], ARGV[2], ARGV[3]) end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
local rows = {}
for _, number in ipairs(numbers) do
  local values = redis.call('HMGET', ARGV[1] .. number, unpack(fields))
  if values[1] then rows[#rows + 1] = values end
end
if #rows == 0 then return '[]' end
return cjson.encode(rows)
"""


class SnapshotRows:
    """Reads slices of a snapshot's rows."""

    def __init__(self, redis: Redis) -> None:
        self._script = redis.register_script(_SLICE_LUA)

    async def slice(self, snapshot: str, start: int, end: int, rev: bool,
                    fields: Sequence[str]) -> list[dict[str, str | None]]:
        """The rows of ranks ``start`` to ``end`` (both included) as field → value (None: missing);
        the first field must be one every ticket has (a deleted ticket is left out)."""
        raw = await self._script(keys=[snapshot], args=[keys.ticket_affixes()[0], start, end, "1" if rev else "0", *fields])
        return [{name: value if value is not False else None for name, value in zip(fields, row)}
                for row in json.loads(raw)]
