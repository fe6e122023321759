"""The per-resident flood limit every resident channel applies before the intake sees a message.

At most N messages a minute from one resident, with bursts, shared by all processes through Redis. A
message over the limit is not handled (so a flood cannot open a flood of tickets), and the resident is
told to slow down — once a minute, not once per message.
"""

from __future__ import annotations

from redis.asyncio import Redis

from bot.infra import keys
from bot.infra.rate_limit import RateLimiter


class FloodLimit:
    """The limit for one channel's residents (``resident`` is the recipient key, e.g. ``telegram:42``)."""

    def __init__(self, redis: Redis, per_minute: int) -> None:
        self.redis = redis
        self.limiter = RateLimiter(redis, "resident", per_minute / 60, per_minute)

    async def admits(self, resident: str) -> bool:
        """Whether this message of ``resident`` is within the limit (and counts it)."""
        return await self.limiter.try_acquire(resident)

    async def tell(self, resident: str) -> bool:
        """Whether to tell the resident to slow down now (not yet this minute)."""
        return bool(await self.redis.set(keys.flood_told(resident), "1", nx=True, ex=60))
