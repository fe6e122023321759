"""Cross-cutting work on every message: a per-resident flood limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject
from redis.asyncio import Redis

from bot.texts import refusals as refusal_texts
from bot.infra import keys
from bot.infra.rate_limit import RateLimiter



class ResidentFloodLimit(BaseMiddleware):
    """At most N messages a minute from one chat, with bursts (shared by all processes through Redis).

    A message over the limit is not silently dropped: the sender is told to slow down (once a minute),
    and it is not processed, so a flood cannot open a flood of tickets.
    """

    def __init__(self, redis: Redis, per_minute: int) -> None:
        self.redis = redis
        self.limiter = RateLimiter(redis, "resident", per_minute / 60, per_minute)

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Message) and event.from_user is not None:
            if not await self.limiter.try_acquire(str(event.from_user.id)):
                if await self.redis.set(keys.flood_told(event.from_user.id), "1", nx=True, ex=60):
                    await event.answer(refusal_texts.too_fast())
                return None
        return await handler(event, data)
