"""Console login sessions in Redis: a secret token (the cookie) → the account's username and the
session's CSRF token.

A session ends after ``idle`` seconds unused and ``absolute`` seconds after login whatever happens; a
login always makes a new token (the old one, if any, ends). Each account's tokens are kept in a set, so
disabling the account (:meth:`bot.accounts.store.Accounts.disable`) ends them all at once.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.infra import decoded, keys

# KEYS[1]: the session. ARGV: now, idle TTL. The session's fields (renewed for the idle TTL, never past
# its absolute end), or nothing when it has ended.
_TOUCH = """
local found = redis.call('HGETALL', KEYS[1])
if #found == 0 then return {} end
local ends = tonumber(redis.call('HGET', KEYS[1], 'ends'))
local left = math.floor(ends - tonumber(ARGV[1]))
if left <= 0 then redis.call('DEL', KEYS[1]) return {} end
redis.call('EXPIRE', KEYS[1], math.min(left, tonumber(ARGV[2])))
return found
"""


@dataclass(frozen=True)
class ConsoleSession:
    """A live session: whose, and the CSRF token every POST must carry."""

    token: str
    username: str
    csrf: str


class ConsoleSessions:
    """Begin, look up (renewing) and end console sessions."""

    def __init__(self, redis: Redis, idle: int, absolute: int) -> None:
        self.redis = redis
        self.idle, self.absolute = idle, absolute
        self._touch = redis.register_script(_TOUCH)

    async def begin(self, username: str, previous: str | None = None) -> ConsoleSession:
        """A new session for ``username`` (the token is rotated: ``previous`` ends)."""
        if previous:
            await self.end(previous)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        ends = time.time() + self.absolute
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.console_session(token), mapping={"username": username, "csrf": csrf, "ends": repr(ends)})
            pipe.expire(keys.console_session(token), min(self.idle, self.absolute))
            pipe.sadd(keys.console_account_sessions(username), token)
            pipe.expire(keys.console_account_sessions(username), self.absolute)
            await pipe.execute()
        return ConsoleSession(token, username, csrf)

    async def get(self, token: str) -> ConsoleSession | None:
        """The live session of ``token`` (its idle time starts again), None when it has ended."""
        found = decoded.text_list(await self._touch(keys=[keys.console_session(token)],
                                                    args=[time.time(), self.idle]))
        fields = dict(zip(found[::2], found[1::2]))
        return ConsoleSession(token, fields["username"], fields["csrf"]) if "username" in fields else None

    async def end(self, token: str) -> None:
        """End the session of ``token`` (logout)."""
        username = decoded.text(await self.redis.hget(keys.console_session(token), "username"))
        await self.redis.delete(keys.console_session(token))
        if username:
            await self.redis.srem(keys.console_account_sessions(username), token)
