"""Dispatch-console accounts in Redis: who they are, their scope, their password hash, disabled or not.

An account acts as the recipient-style key ``console:USERNAME`` (see :func:`console_key`), so its steps
go through the ticket service like any supervisor's and its name is what audit timelines show.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.accounts.passwords import hash_password, too_short, verify_password
from bot.accounts.scope import Role, Scope
from bot.grids.map import GridMap
from bot.infra import decoded, keys

CONSOLE_PREFIX = "console:"
USERNAME = re.compile(r"[a-z0-9][a-z0-9_.@-]{0,63}")


class AccountError(ValueError):
    """A refused account change (a taken or malformed username, a short password, a bad scope)."""


def console_key(username: str) -> str:
    """The actor key of a console account, as the ticket service and the audit know it."""
    return CONSOLE_PREFIX + username


def username_of(key: str) -> str | None:
    """The username behind an actor key ``console:USERNAME``; None for any other key."""
    return key.removeprefix(CONSOLE_PREFIX) if key.startswith(CONSOLE_PREFIX) else None


def normal_username(username: str) -> str:
    """A username as stored (lower case), or AccountError when it cannot be one."""
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise AccountError(f"not a username: {username!r} (1–64 of a-z, 0-9, _ . @ -, starting with a letter or digit)")
    return name


@dataclass(frozen=True)
class Account:
    """One console account."""

    username: str
    scope: Scope
    disabled: bool = False
    created_at: float = 0.0

    @property
    def key(self) -> str:
        return console_key(self.username)


def _account(username: str, raw: dict[str, str]) -> Account:
    scope = Scope(Role(raw["role"]), raw.get("town") or None, raw.get("community") or None)
    return Account(username, scope, raw.get("disabled") == "1", float(raw.get("created_at", 0)))


class Accounts:
    """Add, read, check and disable console accounts."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def add(self, username: str, scope: Scope, password: str) -> Account:
        """A new account; AccountError when the name is taken or malformed or the password too short."""
        name = normal_username(username)
        if too_short(password):
            raise AccountError("the password needs at least 10 characters")
        fields = {"role": str(scope.role), "town": scope.town or "", "community": scope.community or "",
                  "password": hash_password(password), "disabled": "0", "created_at": repr(time.time())}
        if not await self.redis.hsetnx(keys.console_account(name), "role", fields["role"]):
            raise AccountError(f"account {name!r} exists already")
        await self.redis.hset(keys.console_account(name), mapping={k: v for k, v in fields.items()})
        await self.redis.sadd(keys.console_accounts(), name)
        return _account(name, fields)

    async def get(self, username: str) -> Account | None:
        """The account ``username`` (disabled ones too), None when there is none."""
        raw = decoded.text_hash(await self.redis.hgetall(keys.console_account(username.strip().lower())))
        return _account(username.strip().lower(), raw) if raw.get("role") else None

    async def active(self, key: str) -> Account | None:
        """The enabled account behind actor key ``console:USERNAME``, else None."""
        username = username_of(key)
        account = await self.get(username) if username else None
        return account if account is not None and not account.disabled else None

    async def all(self) -> list[Account]:
        """Every account, by username."""
        names = sorted(decoded.text_set(await self.redis.smembers(keys.console_accounts())))
        found = [await self.get(name) for name in names]
        return [account for account in found if account is not None]

    async def check_password(self, username: str, password: str) -> Account | None:
        """The enabled account whose password this is; None for a wrong name, password or a disabled account."""
        name = username.strip().lower()
        stored = decoded.text(await self.redis.hget(keys.console_account(name), "password")) if USERNAME.fullmatch(name) else None
        if not verify_password(stored, password):
            return None
        account = await self.get(name)
        return account if account is not None and not account.disabled else None

    async def disable(self, username: str) -> bool:
        """Disable ``username`` and end its sessions at once; False when there is no such account."""
        name = username.strip().lower()
        if await self.get(name) is None:
            return False
        await self.redis.hset(keys.console_account(name), "disabled", "1")
        tokens = decoded.text_set(await self.redis.smembers(keys.console_account_sessions(name)))
        if tokens:
            await self.redis.delete(*(keys.console_session(token) for token in tokens))
        await self.redis.delete(keys.console_account_sessions(name))
        return True


def scope_on_map(role: Role, town: str | None, community: str | None, grid_map: GridMap) -> Scope:
    """The scope of a new account, its town and community checked against the current map: a community
    account gets its town from the map (community names repeat across towns: then ``town`` must say
    which). AccountError names what is wrong."""
    if role in (Role.ADMIN, Role.CITY):
        if town or community:
            raise AccountError(f"a {role} account covers the whole city: leave out --town and --community")
        return Scope(role)
    if town and town not in grid_map.towns():
        raise AccountError(f"unknown town {town!r}; the map has: {', '.join(grid_map.towns())}")
    if role is Role.TOWN:
        if not town:
            raise AccountError("a town account needs --town")
        if community:
            raise AccountError("a town account covers its whole town: leave out --community")
        return Scope(role, town)
    if not community:
        raise AccountError("a community account needs --community")
    towns = sorted({grid.town for grid in grid_map.grids_in_community(community, town)})
    if not towns:
        where = f" in {town}" if town else ""
        raise AccountError(f"unknown community {community!r}{where}; the map has: {', '.join(grid_map.communities(town))}")
    if len(towns) > 1:
        raise AccountError(f"community {community!r} is in several towns ({', '.join(towns)}): say which with --town")
    return Scope(role, towns[0], community)
