"""Send-rate limits shared by every process through Redis (GCRA: a burst, then a steady rate)."""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis

# KEYS[1]: the limit's key. ARGV: now (ms), interval between sends (ms), burst size.
# Returns 0 when a send may happen now (and books it), else how many ms to wait.
_GCRA = """
local now, interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if tat < now then tat = now end
local allowed_at = tat - interval * burst
if now < allowed_at then return math.ceil(allowed_at - now) end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(interval * (burst + 1)))
return 0
"""


class RateLimiter:
    """At most ``per_second`` sends a second per key, after a burst of ``burst``."""

    def __init__(self, redis: Redis, name: str, per_second: float, burst: int) -> None:
        self.redis = redis
        self.name = name
        self.interval_ms = 1000.0 / per_second
        self.burst = burst
        self._script = redis.register_script(_GCRA)

    async def wait(self, key: str = "all") -> None:
        """Return when a send for ``key`` is allowed (and counted)."""
        while True:
            wait_ms = int(await self._script(keys=[f"gb:rate:{self.name}:{key}"],
                                             args=[int(time.time() * 1000), self.interval_ms, self.burst]))
            if wait_ms <= 0:
                return
            await asyncio.sleep(wait_ms / 1000)

    async def try_acquire(self, key: str = "all") -> bool:
        """Count a send for ``key`` if allowed now; False (and nothing counted) when over the limit."""
        wait_ms = int(await self._script(keys=[f"gb:rate:{self.name}:{key}"],
                                         args=[int(time.time() * 1000), self.interval_ms, self.burst]))
        return wait_ms <= 0
