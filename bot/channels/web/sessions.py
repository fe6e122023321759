"""Web chat sessions in Redis: an anonymous secret token (the cookie) and its CSRF token.

A session nobody has used lives an hour (kept while its page is open), so opening the page costs
little; its first post gives it the full 30 days, and later posts keep them going.
"""

from __future__ import annotations

import secrets
from enum import Enum

from redis.asyncio import Redis

from bot.infra import decoded, keys

SESSION_TTL = 30 * 24 * 3600
UNUSED_SESSION_TTL = 3600
_RENEW_SLACK = 24 * 3600  # a post renews a session once a day at most, not on every write

# KEYS[1]: the session. ARGV: the CSRF token sent, the full TTL, the slack. 0: no such session,
# 1: wrong CSRF token, 2: good (and the session lives the full TTL from now, give or take the slack).
_CONFIRM_POST = """
local csrf = redis.call('GET', KEYS[1])
if not csrf then return 0 end
if csrf ~= ARGV[1] then return 1 end
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[2]) - tonumber(ARGV[3]) then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 2
"""

# KEYS[1]: the session; ARGV[1]: a TTL it should live at least (never shortened).
_KEEP = """
local ttl = redis.call('TTL', KEYS[1])
if ttl >= 0 and ttl < tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return ttl
"""


class PostCheck(Enum):
    """What a post's session and CSRF token were."""

    NO_SESSION = 0
    BAD_CSRF = 1
    OK = 2


class WebSessions:
    """Create, look up and renew web chat sessions."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._confirm = redis.register_script(_CONFIRM_POST)
        self._keep = redis.register_script(_KEEP)

    async def create(self) -> tuple[str, str]:
        """A new unused session: (secret token for the cookie, CSRF token for the page)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        await self.redis.set(keys.web_session(token), csrf, ex=UNUSED_SESSION_TTL)
        return token, csrf

    async def csrf(self, token: str) -> str | None:
        """The CSRF token of a live session, None when there is no such session (or it expired)."""
        return decoded.text(await self.redis.get(keys.web_session(token)))

    async def confirm_post(self, token: str, csrf: str) -> PostCheck:
        """Check a post's session and CSRF token; a good one renews the session for the full 30 days."""
        found = await self._confirm(keys=[keys.web_session(token)], args=[csrf, SESSION_TTL, _RENEW_SLACK])
        return PostCheck(int(found))

    async def keep_while_open(self, token: str) -> None:
        """An open page keeps even an unused session alive for another hour."""
        await self._keep(keys=[keys.web_session(token)], args=[UNUSED_SESSION_TTL])
