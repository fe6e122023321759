"""People: residents, grid workers (bound to grids), supervisors (a community or a town), invites.

Everyone is identified by a recipient key ``channel:id`` (``telegram:42``, ``web:3f2a…``,
``wecom:zhangsan``); workers and supervisors are Telegram users or WeCom members, admins Telegram users.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis

from bot.infra import decoded, keys

INVITE_TTL_SECONDS = 7 * 24 * 3600
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed by hand
MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
# WeCom's rule for a member's account (帐号): 1–64 of letters, digits, "_", "-", "@", "."; case-insensitive.
WECOM_USERID = re.compile(r"[A-Za-z0-9_@.-]{1,64}")


class Level(StrEnum):
    """Where a supervisor sits in the hierarchy."""

    COMMUNITY = "community"
    TOWN = "town"


def telegram_key(user_id: int) -> str:
    """Recipient key of a Telegram user."""
    return f"telegram:{user_id}"


def wecom_key(userid: str) -> str:
    """Recipient key of a WeCom member. WeCom ignores the case of an account, so the key is lower case:
    the operator's ``--wecom-id ZhangSan`` and a callback from ``zhangsan`` are one person."""
    return f"wecom:{userid.lower()}"


def valid_wecom_userid(userid: str) -> bool:
    """Whether ``userid`` can be a WeCom member's account."""
    return WECOM_USERID.fullmatch(userid) is not None


def looks_like_phone_number(user_id: int) -> bool:
    """Whether a number given as a Telegram user id is a mainland mobile number (11 digits, 13…–19…).

    Telegram user ids are still shorter (10 digits at most); a phone number there would bind nobody, silently."""
    return MAINLAND_MOBILE.fullmatch(str(user_id)) is not None


@dataclass(frozen=True)
class Worker:
    """A grid worker (网格员) and the grids they handle."""

    key: str
    name: str
    grids: tuple[str, ...]


@dataclass(frozen=True)
class Supervisor:
    """A supervisor (指挥调度员) of a community or a town."""

    key: str
    name: str
    level: Level
    area: str


def worker_from_hash(key: str, raw: dict[str, str]) -> Worker:
    """A worker from its Redis hash."""
    return Worker(key, raw.get("name", ""), tuple(g for g in raw.get("grids", "").split(",") if g))


class People:
    """Repository of workers, supervisors, residents and invite codes."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def add_worker(self, key: str, grid_id: str, name: str = "") -> Worker:
        """Bind ``key`` to ``grid_id`` (keeping other grids); a new name replaces the old one."""
        current = await self.get_worker(key)
        grids = tuple(sorted(set(current.grids if current else ()) | {grid_id}))
        name = name or (current.name if current else "")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.worker(key), mapping={"name": name, "grids": ",".join(grids)})
            pipe.sadd(keys.workers(), key)
            pipe.sadd(keys.grid_workers(grid_id), key)
            await pipe.execute()
        return Worker(key, name, grids)

    async def remove_worker(self, key: str, grid_id: str | None = None) -> bool:
        """Unbind ``key`` from one grid, or from all grids when ``grid_id`` is None."""
        current = await self.get_worker(key)
        if current is None or (grid_id is not None and grid_id not in current.grids):
            return False
        remaining = tuple(g for g in current.grids if grid_id is not None and g != grid_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            for grid in set(current.grids) - set(remaining):
                pipe.srem(keys.grid_workers(grid), key)
            if remaining:
                pipe.hset(keys.worker(key), "grids", ",".join(remaining))
            else:
                pipe.delete(keys.worker(key))
                pipe.srem(keys.workers(), key)
            await pipe.execute()
        return True

    async def get_worker(self, key: str) -> Worker | None:
        raw = decoded.text_hash(await self.redis.hgetall(keys.worker(key)))
        return worker_from_hash(key, raw) if raw else None

    async def workers(self) -> list[Worker]:
        members = decoded.text_set(await self.redis.smembers(keys.workers()))
        found = [await self.get_worker(key) for key in sorted(members)]
        return [w for w in found if w is not None]

    async def workers_of_grid(self, grid_id: str) -> list[str]:
        return sorted(decoded.text_set(await self.redis.smembers(keys.grid_workers(grid_id))))

    async def add_supervisor(self, key: str, level: Level, area: str, name: str = "") -> Supervisor:
        """Make ``key`` a supervisor of a community or town (one area per supervisor)."""
        previous = await self.get_supervisor(key)
        async with self.redis.pipeline(transaction=True) as pipe:
            if previous is not None:
                pipe.srem(keys.area_supervisors(previous.level, previous.area), key)
            pipe.hset(keys.supervisor(key), mapping={"name": name, "level": str(level), "area": area})
            pipe.sadd(keys.supervisors(), key)
            pipe.sadd(keys.area_supervisors(level, area), key)
            await pipe.execute()
        return Supervisor(key, name, level, area)

    async def get_supervisor(self, key: str) -> Supervisor | None:
        raw = decoded.text_hash(await self.redis.hgetall(keys.supervisor(key)))
        if not raw:
            return None
        return Supervisor(key, raw.get("name", ""), Level(raw["level"]), raw["area"])

    async def supervisors(self) -> list[Supervisor]:
        members = decoded.text_set(await self.redis.smembers(keys.supervisors()))
        found = [await self.get_supervisor(key) for key in sorted(members)]
        return [s for s in found if s is not None]

    async def supervisors_of(self, level: Level, area: str | None) -> list[str]:
        if not area:
            return []
        return sorted(decoded.text_set(await self.redis.smembers(keys.area_supervisors(level, area))))

    async def create_invite(self, grid_id: str, ttl: int = INVITE_TTL_SECONDS) -> str:
        """A one-time code binding whoever redeems it to ``grid_id``; expires after ``ttl`` seconds."""
        while True:
            code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))
            if await self.redis.set(keys.invite(code), grid_id, ex=ttl, nx=True):
                return code

    async def redeem_invite(self, code: str, key: str, name: str = "") -> Worker | None:
        """Use an invite code (once); None when it is unknown, used or expired."""
        grid_id = decoded.text(await self.redis.getdel(keys.invite(code.strip().upper())))
        if grid_id is None:
            return None
        return await self.add_worker(key, grid_id, name)
