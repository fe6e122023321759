"""How full Redis is, told before it fills: in /metrics, in /healthz and as a logged warning.

Tickets, their audit lists and indexes, and the streams have no TTL; only what can be lost without
harm has one (web sessions, drafts, rate-limit counters, markers against repeats). So an eviction
policy of the ``volatile-*`` family (or ``noeviction``) never evicts a ticket, and ``allkeys-*`` may.
The embedded server runs ``volatile-ttl``: when full it drops what expires soonest (an hour-old unused
session before anything else); a Redis of one's own should be configured the same way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

WARN_RATIO = 0.8
EMBEDDED_POLICY = "volatile-ttl"


@dataclass(frozen=True)
class RedisMemory:
    """Redis's memory as ``INFO memory`` tells it (``limit`` 0: no maxmemory)."""

    used: int
    limit: int
    policy: str

    @property
    def ratio(self) -> float | None:
        return self.used / self.limit if self.limit else None

    def problem(self) -> str | None:
        """What an operator should hear about, or None when all is well."""
        if self.policy.startswith("allkeys"):
            return f"Redis maxmemory-policy is {self.policy}: it may evict tickets; use {EMBEDDED_POLICY} or noeviction"
        if not self.limit:
            return "Redis has no maxmemory: when the machine runs out of memory it fails as a whole"
        if self.used >= WARN_RATIO * self.limit:
            return (f"Redis memory is {self.used / self.limit:.0%} full ({_mb(self.used)} of {_mb(self.limit)}); "
                    f"raise maxmemory (GRIDBOT_REDIS_MAXMEMORY for the embedded server) before it fills")
        return None

    def as_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {"used_bytes": self.used, "max_bytes": self.limit, "policy": self.policy,
                "used_ratio": round(ratio, 3) if ratio is not None else None, "warning": self.problem()}

    def prometheus(self) -> list[str]:
        """Gauges in Prometheus text format."""
        lines = ["# HELP gridbot_redis_memory_used_bytes Memory Redis uses", "# TYPE gridbot_redis_memory_used_bytes gauge",
                 f"gridbot_redis_memory_used_bytes {self.used}",
                 "# HELP gridbot_redis_memory_max_bytes Redis maxmemory (0: none)", "# TYPE gridbot_redis_memory_max_bytes gauge",
                 f"gridbot_redis_memory_max_bytes {self.limit}"]
        if self.ratio is not None:
            lines += [f"# HELP gridbot_redis_memory_used_ratio Share of maxmemory in use (warning from {WARN_RATIO})",
                      "# TYPE gridbot_redis_memory_used_ratio gauge", f"gridbot_redis_memory_used_ratio {self.ratio:.4f}"]
        return lines


def _mb(size: int) -> str:
    return f"{size / 1024**2:.0f} MB"


async def read_memory(redis: Redis) -> RedisMemory | None:
    """Redis's memory now; None when Redis does not say (INFO refused, or Redis unreachable)."""
    try:
        info = await redis.info("memory")
    except (RedisError, OSError):
        return None
    return RedisMemory(int(info.get("used_memory", 0)), int(info.get("maxmemory", 0)),
                       str(info.get("maxmemory_policy", "")))


class MemoryWatch:
    """Checks Redis's memory every ``every`` seconds and logs a warning when it is filling (or set up
    so that it may evict tickets), again every ``repeat`` seconds while that lasts."""

    def __init__(self, redis: Redis, every: float = 60.0, repeat: float = 600.0) -> None:
        self.redis, self.every, self.repeat = redis, every, repeat
        self._told_at: float | None = None

    async def check(self) -> None:
        """Log the problem if there is one and it was not told within ``repeat`` seconds."""
        memory = await read_memory(self.redis)
        problem = memory.problem() if memory is not None else None
        now = time.monotonic()
        if problem is None:
            if self._told_at is not None:
                log.info("Redis memory is fine again")
            self._told_at = None
        elif self._told_at is None or now - self._told_at >= self.repeat:
            log.warning("%s", problem)
            self._told_at = now

    async def run(self, stop: asyncio.Event) -> None:
        """Check at once, then every ``every`` seconds until ``stop`` is set."""
        while not stop.is_set():
            await self.check()
            try:
                await asyncio.wait_for(stop.wait(), self.every)
            except TimeoutError:
                pass
