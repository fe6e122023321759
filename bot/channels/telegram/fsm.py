"""aiogram's Redis FSM storage, with the state read of concurrently handled updates sharing one MGET.

aiogram reads the chat's FSM state for every update; with updates of many chats handled at once, those
reads would cost a round trip each.
"""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

from bot.infra.concurrency import coalesced_get


class CoalescedRedisStorage(RedisStorage):
    """RedisStorage whose ``get_state`` calls made at the same moment are answered by one MGET."""

    def __init__(self, redis: Redis) -> None:
        super().__init__(redis)
        self._get = coalesced_get(redis)

    async def get_state(self, key: StorageKey) -> str | None:
        return await self._get(self.key_builder.build(key, "state"))
