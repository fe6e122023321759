"""What the WeCom channel keeps in Redis between callbacks: the step a member is in the middle of, and the
response codes that let gridbot update a ticket card it sent.

A step (the bot waits for a return reason or a result note) expires after ``STEP_TTL`` seconds, as a
question nobody answers should not catch a message sent days later. A card's ``response_code`` is valid
72 hours and can be used once (WeCom's rules), so it is kept that long and taken when used.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from redis.asyncio import Redis

from bot.infra import decoded, keys

STEP_TTL = 24 * 3600
CARD_CODE_TTL = 72 * 3600


@dataclass(frozen=True)
class Waiting:
    """A step waiting for the member's next message: the reason for ``return``, the note for ``resolve``.

    ``response_code`` and ``task_id`` are those of the pressed card, to update it once the step is done;
    ``photo`` the result photo that came before the note."""

    action: str
    number: str
    response_code: str = ""
    task_id: str = ""
    photo: str | None = None


class WaitingSteps:
    """Each member's waiting step (one at a time; a new one replaces it)."""

    def __init__(self, redis: Redis, ttl: int = STEP_TTL) -> None:
        self.redis = redis
        self.ttl = ttl

    async def get(self, member: str) -> Waiting | None:
        raw = decoded.text(await self.redis.get(keys.wecom_step(member)))
        if raw is None:
            return None
        try:
            return Waiting(**json.loads(raw))
        except (TypeError, ValueError):  # written by another version: as if nothing waited
            return None

    async def wait_for(self, member: str, waiting: Waiting) -> None:
        await self.redis.set(keys.wecom_step(member), json.dumps(asdict(waiting), ensure_ascii=False), ex=self.ttl)

    async def clear(self, member: str) -> None:
        await self.redis.delete(keys.wecom_step(member))


class CardCodes:
    """The response code of the ticket card each member was last sent about each ticket."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def keep(self, number: str, member: str, code: str) -> None:
        await self.redis.set(keys.wecom_card(number, member), code, ex=CARD_CODE_TTL)

    async def take(self, number: str, member: str) -> str | None:
        """The code, now used: it is forgotten."""
        return decoded.text(await self.redis.getdel(keys.wecom_card(number, member)))
