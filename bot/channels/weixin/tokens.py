"""One access token per account, shared by every process through Redis.

WeChat and WeCom hand out an access token valid for about two hours, and a new one may invalidate the
old: processes that each fetched their own would keep invalidating each other's. So the token lives in
Redis. It is refreshed ``REFRESH_MARGIN`` seconds before it expires by whichever process first needs it
then, under a lock, while the others wait for the new one. When the API says a token is invalid
(40001, 40014, 42001: revoked, or replaced elsewhere) the sender calls :meth:`AccessTokens.invalid` with
it: if Redis still holds that very token, the next refresh is forced, once, however many sends saw it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.infra import keys

log = logging.getLogger(__name__)
REFRESH_MARGIN = 200.0  # seconds before expiry
LOCK_SECONDS = 15
WAIT_STEP = 0.05
Fetch = Callable[[bool], Awaitable[tuple[str, int]]]  # force → (token, expires_in seconds)



@dataclass(frozen=True)
class Cached:
    """A shared token, when to refresh it, and when it expires (clock seconds)."""

    token: str
    refresh_at: float
    expires_at: float


# KEYS[1]: the cached token, KEYS[2]: the force flag. ARGV[1]: the token found invalid. Forgets it and
# forces the next refresh, unless it was replaced already.
_INVALID = """
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw)['token'] == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], '1', 'EX', 3600)
end
return 1
"""
# KEYS[1]: the lock. ARGV[1]: its owner. Releases it if still held by the owner.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class AccessTokens:
    """The access token of one account (``wechat`` or ``wecom``)."""

    def __init__(self, redis: Redis, account: str, fetch: Fetch, clock: Callable[[], float] = time.time) -> None:
        self.redis = redis
        self.account = account
        self.fetch = fetch
        self.clock = clock
        self._local: Cached | None = None  # as read from Redis
        self._invalid = redis.register_script(_INVALID)
        self._release = redis.register_script(_RELEASE)

    async def get(self) -> str:
        """A token valid for at least a little while."""
        if self._local is not None and self._local.refresh_at > self.clock():
            return self._local.token
        deadline = time.monotonic() + LOCK_SECONDS * 2
        while True:
            cached = await self._cached()
            if cached is not None and cached.refresh_at > self.clock():
                self._local = cached
                return cached.token
            owner = secrets.token_hex(8)
            if await self.redis.set(keys.weixin_token_lock(self.account), owner, nx=True, ex=LOCK_SECONDS):
                try:
                    current = await self._cached()  # refreshed by another process since it was read?
                    if current is not None and current.refresh_at > self.clock():
                        self._local = current
                        return current.token
                    return await self._refresh(current)
                finally:
                    await self._release(keys=[keys.weixin_token_lock(self.account)], args=[owner])
            if time.monotonic() > deadline:  # the refreshing process hangs: a stale token beats none
                if cached is not None and cached.expires_at > self.clock():
                    return cached.token
                raise TimeoutError(f"no {self.account} access token")
            await asyncio.sleep(WAIT_STEP)

    async def invalid(self, token: str) -> None:
        """The API refused ``token``: forget it (here and, if still current, for every process)."""
        self._local = None
        await self._invalid(keys=[keys.weixin_token(self.account), keys.weixin_token_force(self.account)], args=[token])

    async def _cached(self) -> Cached | None:
        raw = await self.redis.get(keys.weixin_token(self.account))
        if raw is None:
            return None
        data = json.loads(raw)
        return Cached(str(data["token"]), float(data["refresh_at"]), float(data["expires_at"]))

    async def _refresh(self, cached: Cached | None) -> str:
        """Fetch a new token (forced after an invalid one) and share it; called holding the lock."""
        force = bool(await self.redis.get(keys.weixin_token_force(self.account)))
        token, expires_in = await self.fetch(force)
        now, expires_in = self.clock(), max(1, expires_in)
        # A token handed out near its end (the stable-token endpoint does that) is used for half of what
        # is left before asking again, so its last minutes do not cost a fetch per send.
        fresh = Cached(token, now + max(expires_in - REFRESH_MARGIN, expires_in / 2), now + expires_in)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.weixin_token(self.account), json.dumps({"token": token, "refresh_at": fresh.refresh_at,
                                                                  "expires_at": fresh.expires_at}), ex=expires_in)
            pipe.delete(keys.weixin_token_force(self.account))
            await pipe.execute()
        if cached is None or cached.token != token:
            log.info("%s access token refreshed%s, valid %d s", self.account, " (forced)" if force else "", expires_in)
        self._local = fresh
        return token
