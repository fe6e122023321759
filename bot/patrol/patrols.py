"""Patrols in Redis: a worker starts one, live locations add to its track, the worker ends it.

Everything about a patrol (its record, its points, the day's list) expires ``KEEP_DAYS`` after its
last write. A patrol left running ends itself ``MAX_HOURS`` after it started, at its last point.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from redis.asyncio import Redis

from bot.infra import decoded, keys
from bot.infra.clock import LOCAL_TIME, Clock
from bot.patrol.track import TrackPoint, worth_keeping

KEEP_DAYS = 90
KEEP_SECONDS = KEEP_DAYS * 24 * 3600
MAX_HOURS = 12
MAX_SECONDS = MAX_HOURS * 3600
MAX_POINTS = 5000  # a 12-hour patrol keeping a point a minute has 720; a cap keeps a stuck phone bounded


@dataclass(frozen=True)
class Patrol:
    """One patrol of one worker."""

    patrol_id: str
    worker: str  # recipient key, e.g. telegram:2001
    worker_name: str
    started_at: float
    ended_at: float | None = None

    @property
    def day(self) -> str:
        """The local day it started (YYYYMMDD): a patrol past midnight counts for the day it began."""
        return day_key(datetime.fromtimestamp(self.started_at, LOCAL_TIME).date())


def day_key(day: date) -> str:
    return day.strftime("%Y%m%d")


def _from_hash(patrol_id: str, raw: dict[str, str]) -> Patrol:
    ended = raw.get("ended_at")
    return Patrol(patrol_id, raw["worker"], raw.get("worker_name", ""), float(raw["started_at"]),
                  float(ended) if ended else None)


class Patrols:
    """Starts, records and ends patrols."""

    def __init__(self, redis: Redis, clock: Clock) -> None:
        self.redis = redis
        self.clock = clock

    async def start(self, worker: str, worker_name: str) -> Patrol:
        """A new patrol for ``worker`` (the caller checked none is running)."""
        now = self.clock.now()
        patrol = Patrol(uuid.uuid4().hex[:12], worker, worker_name, now)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.patrol(patrol.patrol_id), mapping={
                "worker": worker, "worker_name": worker_name, "started_at": f"{now:.3f}"})
            pipe.expire(keys.patrol(patrol.patrol_id), KEEP_SECONDS)
            pipe.set(keys.patrol_active(worker), patrol.patrol_id, ex=MAX_SECONDS)
            pipe.sadd(keys.patrols_of_day(patrol.day), patrol.patrol_id)
            pipe.expire(keys.patrols_of_day(patrol.day), KEEP_SECONDS)
            await pipe.execute()
        return patrol

    async def active(self, worker: str) -> Patrol | None:
        """The patrol ``worker`` is on (one running past ``MAX_HOURS`` has ended itself)."""
        patrol_id = decoded.text(await self.redis.get(keys.patrol_active(worker)))
        if patrol_id is None:
            return None
        raw = decoded.text_hash(await self.redis.hgetall(keys.patrol(patrol_id)))
        if not raw or raw.get("ended_at"):
            await self.redis.delete(keys.patrol_active(worker))
            return None
        patrol = _from_hash(patrol_id, raw)
        closed = self._closed(patrol, raw)
        if closed.ended_at is not None:  # ran past MAX_HOURS: it ended at its last point
            await self.redis.hset(keys.patrol(patrol_id), "ended_at", f"{closed.ended_at:.3f}")
            await self.redis.delete(keys.patrol_active(worker))
            return None
        return patrol

    async def record(self, worker: str, lat: float, lon: float, at: float | None = None) -> bool:
        """Add a position to the running patrol's track; False when there is no patrol or the point is
        thinned away (bot.patrol.track.worth_keeping)."""
        patrol = await self.active(worker)
        if patrol is None:
            return False
        point = TrackPoint(lat, lon, self.clock.now() if at is None else at)
        last_raw = decoded.text(await self.redis.hget(keys.patrol(patrol.patrol_id), "last"))
        if not worth_keeping(TrackPoint.decode(last_raw) if last_raw else None, point):
            return False
        points = keys.patrol_points(patrol.patrol_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(points, point.encode())
            pipe.ltrim(points, -MAX_POINTS, -1)
            pipe.expire(points, KEEP_SECONDS)
            pipe.hset(keys.patrol(patrol.patrol_id), "last", point.encode())
            await pipe.execute()
        return True

    async def end(self, worker: str) -> Patrol | None:
        """End ``worker``'s patrol now; None when none was running."""
        patrol = await self.active(worker)
        if patrol is None:
            return None
        ended = self.clock.now()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.patrol(patrol.patrol_id), "ended_at", f"{ended:.3f}")
            pipe.delete(keys.patrol_active(worker))
            await pipe.execute()
        return Patrol(patrol.patrol_id, patrol.worker, patrol.worker_name, patrol.started_at, ended)

    async def track(self, patrol_id: str) -> list[TrackPoint]:
        """The kept points of a patrol, oldest first."""
        return [TrackPoint.decode(raw) for raw in decoded.text_list(await self.redis.lrange(
            keys.patrol_points(patrol_id), 0, -1))]

    async def of_day(self, day: date) -> list[Patrol]:
        """The patrols started on a local day, by start time."""
        ids = sorted(decoded.text_set(await self.redis.smembers(keys.patrols_of_day(day_key(day)))))
        patrols = []
        for patrol_id in ids:
            raw = decoded.text_hash(await self.redis.hgetall(keys.patrol(patrol_id)))
            if raw:
                patrols.append(self._closed(_from_hash(patrol_id, raw), raw))
        return sorted(patrols, key=lambda p: p.started_at)

    def _closed(self, patrol: Patrol, raw: dict[str, str]) -> Patrol:
        """A patrol as it stands: one still open past ``MAX_HOURS`` ended at its last point."""
        if patrol.ended_at is not None or self.clock.now() - patrol.started_at < MAX_SECONDS:
            return patrol
        last = raw.get("last")
        end = TrackPoint.decode(last).at if last else patrol.started_at
        return Patrol(patrol.patrol_id, patrol.worker, patrol.worker_name, patrol.started_at, end)
