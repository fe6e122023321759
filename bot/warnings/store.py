"""Active warnings and their cluster's identity, in Redis.

A warning is its cluster's tickets. A cluster found in a later pass that shares a ticket with an active
warning of its category is that warning (its new tickets are added, nobody is told again); any other
is a new warning. A warning calms down, and ends, when none of its tickets is in the window any more
(24 hours after its newest): a surge after that warns again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from redis.asyncio import Redis

from bot.infra import decoded, keys
from bot.tickets.notifications import Notification
from bot.warnings.baseline import local_day

WARNING_PATTERN = r"W\d{8}-\d{4,}"


@dataclass(frozen=True)
class EarlyWarning:
    """One early warning (预警)."""

    warning_id: str  # W + date + - + sequence, e.g. W20261202-0001
    category: str
    numbers: tuple[str, ...]  # its tickets, oldest first
    grids: tuple[str, ...]  # grid ids of its tickets
    grid_names: tuple[str, ...]
    places: tuple[tuple[str | None, str | None], ...]  # (community, town) of its tickets
    nearby: bool  # found by distance (within the radius), not only by grid
    mean: float  # the usual daily count it was measured against
    raised_at: float
    newest_at: float  # creation time of its newest ticket (it ends a window after)
    ended_at: float | None = None
    linked_into: str | None = None  # the ticket its tickets were linked to as one case
    linked_by: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.ended_at is None

    @property
    def communities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for c, _ in self.places if c))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> EarlyWarning:
        data = json.loads(raw)
        for name in ("numbers", "grids", "grid_names"):
            data[name] = tuple(data[name])
        data["places"] = tuple((c, t) for c, t in data["places"])
        return cls(**data)


class WarningStore:
    """Warnings in Redis: one JSON value per warning, the active ones by their newest ticket's time."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def new_id(self, now: float) -> str:
        day = local_day(now)
        return f"W{day}-{int(await self.redis.incr(keys.warning_sequence(day))):04d}"

    async def create(self, warning: EarlyWarning, notes: Sequence[Notification]) -> None:
        """Keep ``warning`` as active, and write its notifications to the outbox, in one transaction."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.warning(warning.warning_id), warning.to_json())
            pipe.zadd(keys.warnings_active(), {warning.warning_id: warning.newest_at})
            pipe.zadd(keys.warnings_all(), {warning.warning_id: warning.raised_at})
            for note in notes:
                pipe.xadd(keys.outbox(note.channel), note.to_fields(1))  # type: ignore[arg-type]
            await pipe.execute()

    async def save(self, warning: EarlyWarning) -> None:
        """Write a changed warning (new tickets, linked, ended)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.warning(warning.warning_id), warning.to_json())
            if warning.active:
                pipe.zadd(keys.warnings_active(), {warning.warning_id: warning.newest_at})
            else:
                pipe.zrem(keys.warnings_active(), warning.warning_id)
            await pipe.execute()

    async def get(self, warning_id: str) -> EarlyWarning | None:
        raw = decoded.text(await self.redis.get(keys.warning(warning_id.strip().upper())))
        return EarlyWarning.from_json(raw) if raw else None

    async def get_many(self, ids: Sequence[str]) -> list[EarlyWarning]:
        if not ids:
            return []
        raws = await self.redis.mget([keys.warning(i) for i in ids])
        return [EarlyWarning.from_json(text) for raw in raws if (text := decoded.text(raw))]

    async def active(self) -> list[EarlyWarning]:
        """The active warnings, newest raised first."""
        ids = decoded.text_list(await self.redis.zrange(keys.warnings_active(), 0, -1))
        return sorted(await self.get_many(ids), key=lambda w: w.raised_at, reverse=True)

    async def end_calm(self, now: float, window: float) -> list[EarlyWarning]:
        """End the warnings none of whose tickets is in the window any more; returns them."""
        ids = decoded.text_list(await self.redis.zrangebyscore(keys.warnings_active(), "-inf", f"({now - window}"))
        ended = [replace(w, ended_at=now) for w in await self.get_many(ids)]
        for warning in ended:
            await self.save(warning)
        return ended

    async def raised(self, since: float = 0.0, until: float = float("inf")) -> list[EarlyWarning]:
        """Every warning raised in a time range, oldest first (active or not)."""
        ids = decoded.text_list(await self.redis.zrangebyscore(keys.warnings_all(), since, until))
        return await self.get_many(ids)
