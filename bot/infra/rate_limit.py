"""Rate limits shared by every process through Redis (GCRA: a burst, then a steady rate)."""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from bot.infra import keys as redis_keys
from bot.infra.concurrency import Coalescer

# Each request is checked against L limits at once. KEYS: L keys per request, request after request.
# ARGV: now (ms), L, then interval (ms) and burst of each limit. For each request in order: 0 when it
# may happen now (booked against all its limits), else how many ms to wait (nothing booked).
_GCRA = """
local now, per = tonumber(ARGV[1]), tonumber(ARGV[2])
local waits = {}
for first = 1, #KEYS, per do
  local wait, tats = 0, {}
  for j = 0, per - 1 do
    local interval, burst = tonumber(ARGV[3 + 2 * j]), tonumber(ARGV[4 + 2 * j])
    local tat = tonumber(redis.call('GET', KEYS[first + j]) or now)
    if tat < now then tat = now end
    local allowed_at = tat - interval * burst
    if now < allowed_at then wait = math.max(wait, math.ceil(allowed_at - now)) end
    tats[j] = tat
  end
  if wait == 0 then
    for j = 0, per - 1 do
      local interval, burst = tonumber(ARGV[3 + 2 * j]), tonumber(ARGV[4 + 2 * j])
      redis.call('SET', KEYS[first + j], tats[j] + interval, 'PX', math.ceil(interval * (burst + 1)))
    end
  end
  waits[#waits + 1] = wait
end
return waits
"""


class RateLimiter:
    """At most ``per_second`` actions a second per key, after a burst of ``burst``."""

    def __init__(self, redis: Redis, name: str, per_second: float, burst: int) -> None:
        self.name = name
        self.args = [1, 1000.0 / per_second, burst]
        self._script = redis.register_script(_GCRA)
        self._acquire: Coalescer[str, bool] = Coalescer(self._acquire_many)

    async def try_acquire(self, key: str = "all") -> bool:
        """Count an action for ``key`` if allowed now; False (and nothing counted) when over the limit.
        Actions asked for at the same moment are counted in one round trip."""
        return await self._acquire(key)

    async def _acquire_many(self, keys: list[str]) -> list[bool]:
        waits = await self._script(keys=[redis_keys.rate(self.name, key) for key in keys],
                                   args=[int(time.time() * 1000), *self.args])
        return [int(wait) <= 0 for wait in waits]


class SendLimits:
    """Telegram's send limits, shared by all processes: ``overall`` sends a second in all and ``per_chat`` to
    one chat, each after a burst. Sends asked for at the same moment are admitted in one round trip."""

    def __init__(self, redis: Redis, name: str, overall: float, overall_burst: int, per_chat: float,
                 per_chat_burst: int) -> None:
        self.name = name
        self.args = [2, 1000.0 / overall, overall_burst, 1000.0 / per_chat, per_chat_burst]
        self._script = redis.register_script(_GCRA)
        self._admit: Coalescer[str, int] = Coalescer(self._admit_many)

    async def _admit_many(self, chats: list[str]) -> list[int]:
        return self.waits(await self._script(keys=self._keys(chats), args=self._args()))

    def queue_admit(self, pipe: Pipeline, chats: list[str]) -> None:
        """Add admitting sends to ``chats`` (in order) to a pipeline; read its answer with ``waits``.
        The pipeline fails with NoScriptError when Redis lost the script (a restart): ``load`` it, retry."""
        keys = self._keys(chats)
        pipe.evalsha(self._script.sha, len(keys), *keys, *self._args())

    async def load(self) -> None:
        """Load the script into Redis (after a restart emptied its script cache)."""
        await self._script.registered_client.script_load(self._script.script)

    @staticmethod
    def waits(answer: list[int]) -> list[int]:
        """For each send asked for: 0 when it may go now (booked), else how many ms to wait."""
        return [int(wait) for wait in answer]

    def _keys(self, chats: list[str]) -> list[str]:
        overall = redis_keys.rate(self.name, "all")
        return [key for chat in chats for key in (overall, redis_keys.rate(f"{self.name}-chat", chat))]

    def _args(self) -> list[float | int]:
        return [int(time.time() * 1000), *self.args]

    async def wait(self, chat: str) -> None:
        """Return when a send to ``chat`` is allowed (and counted against both limits)."""
        while (wait_ms := await self._admit(chat)) > 0:
            await asyncio.sleep(wait_ms / 1000)
