"""Replays of a plain-mode callback with another body.

In plain mode (明文模式) WeChat's signature covers the token, the timestamp and the nonce, not the body:
whoever saw one signed URL (an access log, a proxy) could post any message with it, as any follower.
So a signed (timestamp, nonce) is bound to the first body it came with: the same body again is a retry
(deduplicated by its ``MsgId`` later), another body is refused. A timestamp further than ``WINDOW``
from now is refused too, so that the bindings need to be kept only that long. Encrypted mode needs none
of this: its signature covers the ciphertext.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from redis.asyncio import Redis

from bot.infra import keys

WINDOW = 24 * 3600  # seconds a callback's timestamp may be off (WeChat retries within seconds)

# KEYS[1]: the binding of one (timestamp, nonce). ARGV[1]: the body's digest, ARGV[2]: ttl. 1 when the
# body is the one bound (or now bound), 0 when another body was.
_BIND = """
local bound = redis.call('GET', KEYS[1])
if not bound then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
if bound == ARGV[1] then return 1 end
return 0
"""


class ReplayGuard:
    """Binds each signed (timestamp, nonce) of one account to the first body it came with."""

    def __init__(self, redis: Redis, account: str, clock: Callable[[], float] = time.time) -> None:
        self.redis = redis
        self.account = account
        self.clock = clock
        self._bind = redis.register_script(_BIND)

    async def first_body(self, timestamp: str, nonce: str, body: bytes) -> bool:
        """Whether ``body`` may be taken with this signed timestamp and nonce."""
        if not timestamp.isdigit() or abs(self.clock() - int(timestamp)) > WINDOW:
            return False
        digest = hashlib.sha256(body).hexdigest()
        key = keys.callback_binding(self.account, f"{timestamp}:{nonce}")
        return bool(await self._bind(keys=[key], args=[digest, 2 * WINDOW]))
