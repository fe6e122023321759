"""Cross-cutting work on every message: the per-resident flood limit (bot/intake/flood.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject

from bot.intake.flood import FloodLimit
from bot.texts import refusals as refusal_texts


class ResidentFloodLimit(BaseMiddleware):
    """Applies the flood limit to every Telegram message; over it, the message is not handled and the
    sender is told to slow down once a minute."""

    def __init__(self, flood: FloodLimit) -> None:
        self.flood = flood

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Message) and event.from_user is not None:
            resident = f"telegram:{event.from_user.id}"
            if not await self.flood.admits(resident):
                if await self.flood.tell(resident):
                    await event.answer(refusal_texts.too_fast())
                return None
        return await handler(event, data)
