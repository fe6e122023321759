"""Cross-cutting work on every update: counting it for /metrics, and a per-resident flood limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject
from redis.asyncio import Redis

from bot import texts

from bot.metrics import Metrics


class CountUpdates(BaseMiddleware):
    """Counts every update the dispatcher receives."""

    def __init__(self, metrics: Metrics | None) -> None:
        self.metrics = metrics

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        if self.metrics is not None:
            await self.metrics.count("updates_received")
        return await handler(event, data)


class ResidentFloodLimit(BaseMiddleware):
    """At most N messages a minute from one chat (shared by all processes through Redis).

    A message over the limit is not silently dropped: the sender is told to slow down, and it is not
    processed (so a flood cannot open a flood of tickets).
    """

    def __init__(self, redis: Redis, per_minute: int) -> None:
        self.redis = redis
        self.per_minute = per_minute

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Message) and event.from_user is not None:
            key = f"gb:flood:{event.from_user.id}:{int(event.date.timestamp()) // 60}"
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, 120)
                count, _ = await pipe.execute()
            if count > self.per_minute:
                if count == self.per_minute + 1:  # say it once per minute, not once per message
                    await event.answer(texts.too_fast())
                return None
        return await handler(event, data)
