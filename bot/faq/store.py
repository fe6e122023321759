"""The knowledge base in Redis: every process answers from the same entries, and operators edit them.

Entries live in one hash (id → JSON). Every change moves a version counter, which is how the answering
side of each process knows to rebuild its index. The first start fills the base from
``training_data/faq.yaml`` once; after that only operators change it (``gridbot faq``, /console/faq), so
an entry they removed does not come back.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path

from redis.asyncio import Redis

from nlp.faq import FaqEntry
from nlp.faq_data import entry_problem, load_faq

from bot.infra import decoded, keys


class FaqRefusal(StrEnum):
    """Why a change to the base was not made."""

    EXISTS = "exists"
    UNKNOWN = "unknown"
    INVALID = "invalid"


def entry_json(entry: FaqEntry) -> str:
    return json.dumps(asdict(entry), ensure_ascii=False)


def entry_of(raw: str) -> FaqEntry:
    data = json.loads(raw)
    return FaqEntry(id=data["id"], question=data["question"], answer=data["answer"],
                    examples=tuple(data.get("examples", ())), reviewed=bool(data.get("reviewed", False)))


# Add (ARGV[3] = "add": only a new id) or edit (only an existing one), and move the version, in one step.
_PUT = """
local exists = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
if ARGV[3] == 'add' and exists then return 'exists' end
if ARGV[3] == 'edit' and not exists then return 'unknown' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCR', KEYS[2])
return 'ok'
"""
_REMOVE = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 'unknown' end
redis.call('INCR', KEYS[2])
return 'ok'
"""


class FaqStore:
    """The shared knowledge base."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def seed(self, path: Path) -> int:
        """Fill the base from ``path`` the first time (returns how many entries were added; 0 after)."""
        if await self.redis.exists(keys.faq_seeded()):
            return 0
        entries = load_faq(path)
        if not await self.redis.set(keys.faq_seeded(), "1", nx=True):
            return 0  # another process seeds it
        async with self.redis.pipeline(transaction=True) as pipe:
            for entry in entries:
                pipe.hsetnx(keys.faq_entries(), entry.id, entry_json(entry))
            pipe.incr(keys.faq_version())
            await pipe.execute()
        return len(entries)

    async def entries(self) -> list[FaqEntry]:
        """Every entry, by id."""
        raw = decoded.text_hash(await self.redis.hgetall(keys.faq_entries()))
        return [entry_of(raw[entry_id]) for entry_id in sorted(raw)]

    async def get(self, entry_id: str) -> FaqEntry | None:
        raw = decoded.text(await self.redis.hget(keys.faq_entries(), entry_id))
        return entry_of(raw) if raw else None

    async def version(self) -> int:
        return int(await self.redis.get(keys.faq_version()) or 0)

    async def add(self, entry: FaqEntry) -> FaqRefusal | None:
        """Add a new entry (None: done)."""
        return await self._put(entry, "add")

    async def edit(self, entry: FaqEntry) -> FaqRefusal | None:
        """Replace the entry with ``entry.id`` (None: done)."""
        return await self._put(entry, "edit")

    async def remove(self, entry_id: str) -> FaqRefusal | None:
        done = await self.redis.eval(_REMOVE, 2, keys.faq_entries(), keys.faq_version(), entry_id)
        return None if done == "ok" else FaqRefusal.UNKNOWN

    async def _put(self, entry: FaqEntry, how: str) -> FaqRefusal | None:
        if entry_problem(entry) is not None:
            return FaqRefusal.INVALID
        done = await self.redis.eval(_PUT, 2, keys.faq_entries(), keys.faq_version(), entry.id, entry_json(entry), how)
        return None if done == "ok" else FaqRefusal(done)
