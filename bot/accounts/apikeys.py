"""API keys of the Open311 API: other city systems (a 12345 hotline, a FixMyStreet-style app) file
requests with one.

A key is a high-entropy random string shown once, when it is made; Redis keeps only its SHA-256 digest,
by name, and an index from digest to name. A presented key is found by its digest and then compared with
the stored digest in constant time. A key's name appears in the residents it files for
(``open311:NAME:ID``), so names are short and plain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis

from bot.infra import decoded, keys
from bot.infra.clock import Clock

KEY_PREFIX = "g311_"
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")


class KeyRefusal(StrEnum):
    """Why a key was not made or revoked."""

    BAD_NAME = "bad_name"
    EXISTS = "exists"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ApiKeyInfo:
    """What is known of a key besides the key itself."""

    name: str
    created_at: float
    last_used_at: float | None


@dataclass(frozen=True)
class NewKey:
    """A key just made (``key`` is shown once), or why none was (``refusal``)."""

    key: str | None = None
    refusal: KeyRefusal | None = None


def digest_of(key: str) -> str:
    """The SHA-256 of a key, as stored."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class ApiKeys:
    """The Open311 API keys in Redis."""

    def __init__(self, redis: Redis, clock: Clock) -> None:
        self.redis = redis
        self.clock = clock

    async def add(self, name: str) -> NewKey:
        """Make a key called ``name``; refused when the name is taken or not 1–32 of letters, digits, _ -."""
        if NAME_PATTERN.fullmatch(name) is None:
            return NewKey(refusal=KeyRefusal.BAD_NAME)
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        digest = digest_of(key)
        record = json.dumps({"digest": digest, "created_at": self.clock.now()})
        if not await self.redis.hsetnx(keys.api_keys(), name, record):
            return NewKey(refusal=KeyRefusal.EXISTS)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.api_key_digest(digest), name)
            pipe.hdel(keys.api_keys_last_used(), name)  # a revoked key's of the same name
            await pipe.execute()
        return NewKey(key=key)

    async def list(self) -> list[ApiKeyInfo]:
        """Every key's name, creation and last use, by name."""
        raw = decoded.text_hash(await self.redis.hgetall(keys.api_keys()))
        used = decoded.text_hash(await self.redis.hgetall(keys.api_keys_last_used()))
        return [ApiKeyInfo(name, float(json.loads(value)["created_at"]),
                           float(used[name]) if name in used else None) for name, value in sorted(raw.items())]

    async def revoke(self, name: str) -> KeyRefusal | None:
        """Revoke the key ``name`` at once (None: done)."""
        value = await self.redis.hget(keys.api_keys(), name)
        if value is None:
            return KeyRefusal.UNKNOWN
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(keys.api_key_digest(json.loads(value)["digest"]))
            pipe.hdel(keys.api_keys(), name)
            pipe.hdel(keys.api_keys_last_used(), name)
            await pipe.execute()
        return None

    async def verify(self, key: str) -> str | None:
        """The name of the key ``key`` (its last use recorded), or None when no such key is in force."""
        if not key.startswith(KEY_PREFIX) or len(key) > 128:
            return None
        digest = digest_of(key)
        name = decoded.text(await self.redis.get(keys.api_key_digest(digest)))
        value = await self.redis.hget(keys.api_keys(), name) if name is not None else None
        if name is None or value is None:
            return None
        if not hmac.compare_digest(str(json.loads(value)["digest"]), digest):
            return None
        await self.redis.hset(keys.api_keys_last_used(), name, str(self.clock.now()))
        return name
