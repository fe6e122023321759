"""``gridbot apikeys add | list | revoke``: keys for the Open311 API (stored hashed; shown once)."""

from __future__ import annotations

import argparse
from datetime import datetime

from bot.accounts.apikeys import ApiKeyInfo, ApiKeys, KeyRefusal
from bot.app.config import Settings
from bot.app.runtime import redis_connection
from bot.cli.support import CliError, print_rows, run_async
from bot.infra.clock import LOCAL_TIME, SystemClock


def register(commands: argparse._SubParsersAction) -> None:
    """Add the API key commands."""
    apikeys = commands.add_parser("apikeys", help="keys for the Open311 API (/open311/v2/)")
    sub = apikeys.add_subparsers(dest="apikeys_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="make a key; it is printed once, as the last word")
    add.add_argument("--name", required=True, help="who uses it (1–32 of letters, digits, _ -)")
    add.set_defaults(handler=run_async(add_key))
    lst = sub.add_parser("list", help="the keys' names, creation and last use (never the keys)")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_async(list_keys))
    revoke = sub.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("--name", required=True)
    revoke.set_defaults(handler=run_async(revoke_key))


def _refusal(refusal: KeyRefusal, name: str) -> CliError:
    if refusal is KeyRefusal.BAD_NAME:
        return CliError(f"bad key name {name!r}: use 1–32 of letters, digits, _ and -")
    if refusal is KeyRefusal.EXISTS:
        return CliError(f"an API key named {name!r} exists already (revoke it first)")
    return CliError(f"unknown API key {name!r}; see `gridbot apikeys list`")


async def add_key(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        made = await ApiKeys(redis, SystemClock()).add(args.name)
    if made.key is None:
        assert made.refusal is not None
        raise _refusal(made.refusal, args.name)
    print(f"API key {args.name} (shown only now; keep it secret): {made.key}")
    return 0


def _when(timestamp: float | None) -> str | None:
    return datetime.fromtimestamp(timestamp, LOCAL_TIME).isoformat(timespec="seconds") if timestamp else None


def _row(info: ApiKeyInfo) -> dict[str, str | None]:
    return {"name": info.name, "created": _when(info.created_at), "last_used": _when(info.last_used_at)}


async def list_keys(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        infos = await ApiKeys(redis, SystemClock()).list()
    if not infos and not args.json:
        print("no API keys; make one with `gridbot apikeys add --name NAME`")
        return 0
    print_rows([_row(info) for info in infos], args.json,
               lambda row: f"{row['name']}\tcreated {row['created']}\tlast used {row['last_used'] or 'never'}")
    return 0


async def revoke_key(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        refusal = await ApiKeys(redis, SystemClock()).revoke(args.name)
    if refusal is not None:
        raise _refusal(refusal, args.name)
    print(f"API key {args.name} revoked")
    return 0
