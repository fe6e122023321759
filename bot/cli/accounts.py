"""``gridbot accounts add | list | disable``: dispatch-console accounts (the password read from stdin)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.accounts.scope import Role
from bot.accounts.store import Account, AccountError, Accounts, scope_on_map
from bot.app.config import Settings
from bot.app.runtime import build_domain, redis_connection
from bot.cli.support import CliError, print_json, print_rows, run_async


def register(commands: argparse._SubParsersAction) -> None:
    """Add the accounts commands."""
    accounts = commands.add_parser("accounts", help="dispatch-console accounts (指挥调度)")
    sub = accounts.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="a new console account of a community, a town, the city, or an admin")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=[str(role) for role in Role])
    add.add_argument("--town", metavar="NAME")
    add.add_argument("--community", metavar="NAME")
    add.add_argument("--password-stdin", action="store_true", required=True,
                     help="read the password from the first line of standard input (never an argument)")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run_async(add_account))
    lst = sub.add_parser("list", help="list console accounts")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_async(list_accounts))
    off = sub.add_parser("disable", help="disable an account; its sessions end at once")
    off.add_argument("--username", required=True)
    off.set_defaults(handler=run_async(disable_account))


def _row(account: Account) -> dict[str, Any]:
    scope = account.scope
    return {"username": account.username, "role": str(scope.role), "town": scope.town,
            "community": scope.community, "disabled": account.disabled}


def _password() -> str:
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


async def add_account(args: argparse.Namespace, settings: Settings) -> int:
    password = _password()
    async with redis_connection(settings) as redis:
        domain = await build_domain(redis, settings)
        grid_map = await domain.grids.current()
        if grid_map is None:
            raise CliError("no grid map: import one with `gridbot grids import FILE`")
        try:
            scope = scope_on_map(Role(args.role), args.town, args.community, grid_map)
            account = await Accounts(redis).add(args.username, scope, password)
        except AccountError as err:
            raise CliError(str(err)) from None
    if args.json:
        print_json(_row(account))
    else:
        area = " ".join(part for part in (account.scope.town, account.scope.community) if part)
        print(f"account {account.username} ({account.scope.role}{' ' + area if area else ''}) added")
    return 0


async def list_accounts(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        rows = [_row(account) for account in await Accounts(redis).all()]
    print_rows(rows, args.json, lambda row: "\t".join(
        [row["username"], row["role"], row["town"] or "-", row["community"] or "-",
         "disabled" if row["disabled"] else "active"]))
    return 0


async def disable_account(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        if not await Accounts(redis).disable(args.username):
            raise CliError(f"no account {args.username!r}; see `gridbot accounts list`")
    print(f"account {args.username.strip().lower()} disabled; its sessions ended")
    return 0
