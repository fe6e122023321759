"""What the Official Account keeps about a resident between messages, briefly, in Redis.

WeChat sends a photo without words and a location apart from any request, where Telegram sends a photo
with its caption and a location as the answer to "where?". So a photo waits here for the text that
follows it, and a place the resident sent (a location message, or the account's LOCATION event) waits
for the next request that needs one. Both expire soon: a photo of an hour ago is not what a new text is
about, and a resident walks on.
"""

from __future__ import annotations

from redis.asyncio import Redis

from bot.infra import decoded, keys

PHOTO_TTL_SECONDS = 10 * 60
PLACE_TTL_SECONDS = 30 * 60


class ResidentMemory:
    """A resident's waiting photo and last place (keys are recipient keys, ``wechat:OPENID``)."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def keep_photo(self, resident: str, reference: str) -> None:
        await self.redis.set(keys.wechat_photo(resident), reference, ex=PHOTO_TTL_SECONDS)

    async def photo(self, resident: str) -> str | None:
        return decoded.text(await self.redis.get(keys.wechat_photo(resident)))

    async def forget_photo(self, resident: str) -> None:
        await self.redis.delete(keys.wechat_photo(resident))

    async def keep_place(self, resident: str, lat: float, lon: float) -> None:
        """Remember a WGS84 position."""
        await self.redis.set(keys.wechat_place(resident), f"{lat!r},{lon!r}", ex=PLACE_TTL_SECONDS)

    async def place(self, resident: str) -> tuple[float, float] | None:
        """The remembered (lat, lon), if any."""
        raw = decoded.text(await self.redis.get(keys.wechat_place(resident)))
        if not raw:
            return None
        lat, _, lon = raw.partition(",")
        return float(lat), float(lon)
