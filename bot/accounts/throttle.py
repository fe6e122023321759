"""Failed console logins, throttled per username and per client IP (shared by all processes through Redis).

Only failures count: each attempt takes a place in both sliding one-minute windows before its password is
checked (so attempts sent at the same moment cannot slip past the limit together), and a successful one
gives back its own place, and nothing else: a success never clears the failures an attacker made.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.infra import keys

WINDOW_SECONDS = 60

# KEYS: the username's and the IP's windows. ARGV: now (ms), window (ms), the two limits, the attempt.
# 1 when the attempt may go on (its place taken in both), 0 when either window is full (nothing taken).
_TAKE = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  if redis.call('ZCARD', KEYS[i]) >= tonumber(ARGV[2 + i]) then return 0 end
end
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[i], window)
end
return 1
"""


@dataclass(frozen=True)
class Attempt:
    """A login attempt admitted by the throttle (``None`` from :meth:`LoginThrottle.attempt` when refused)."""

    username: str
    ip: str
    token: str


class LoginThrottle:
    """At most ``per_username`` failed logins a minute for one username and ``per_ip`` from one client IP."""

    def __init__(self, redis: Redis, per_username: int, per_ip: int) -> None:
        self.redis = redis
        self.per_username, self.per_ip = per_username, per_ip
        self._take = redis.register_script(_TAKE)

    def _keys(self, username: str, ip: str) -> list[str]:
        return [keys.console_login_failures("user", username), keys.console_login_failures("ip", ip)]

    async def attempt(self, username: str, ip: str) -> Attempt | None:
        """Admit an attempt (counted as failed until :meth:`succeeded`), or None when throttled."""
        token = secrets.token_hex(8)
        taken = await self._take(keys=self._keys(username, ip), args=[
            int(time.time() * 1000), WINDOW_SECONDS * 1000, self.per_username, self.per_ip, token])
        return Attempt(username, ip, token) if int(taken) == 1 else None

    async def succeeded(self, attempt: Attempt) -> None:
        """The attempt's password was right: it no longer counts (other attempts still do)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in self._keys(attempt.username, attempt.ip):
                pipe.zrem(key, attempt.token)
            await pipe.execute()
