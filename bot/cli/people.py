"""``gridbot workers add | list | remove | invite`` and ``gridbot supervisors add | list``."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.support import CliError, print_json, print_rows, run_async, telegram_id, wecom_id
from bot.app.config import Settings
from bot.grids.map import GridMap
from bot.people.directory import Level, looks_like_phone_number, telegram_key, wecom_key
from bot.app.runtime import Domain, build_domain, redis_connection


def register(commands: argparse._SubParsersAction) -> None:
    """Add the people commands."""
    workers = commands.add_parser("workers", help="grid workers (网格员)")
    sub = workers.add_subparsers(dest="workers_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="bind a Telegram user or a WeCom member to a grid")
    add.add_argument("--grid", required=True, metavar="GRID_ID")
    _who(add)
    add.add_argument("--name", default="")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run_async(add_worker))
    lst = sub.add_parser("list", help="list workers and their grids")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_async(list_workers))
    rm = sub.add_parser("remove", help="unbind a worker from one grid, or from all")
    _who(rm)
    rm.add_argument("--grid", metavar="GRID_ID", help="only this grid (default: all)")
    rm.set_defaults(handler=run_async(remove_worker))
    inv = sub.add_parser("invite", help="a one-time code; the worker sends /join CODE to the bot")
    inv.add_argument("--grid", required=True, metavar="GRID_ID")
    inv.add_argument("--json", action="store_true")
    inv.set_defaults(handler=run_async(invite_worker))

    supervisors = commands.add_parser("supervisors", help="supervisors (指挥调度员) of a community or town")
    sub = supervisors.add_subparsers(dest="supervisors_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="make a Telegram user or a WeCom member supervisor of a community or a town")
    area = add.add_mutually_exclusive_group(required=True)
    area.add_argument("--community", metavar="NAME")
    area.add_argument("--town", metavar="NAME")
    _who(add)
    add.add_argument("--name", default="")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run_async(add_supervisor))
    lst = sub.add_parser("list", help="list supervisors")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_async(list_supervisors))


def _who(parser: argparse.ArgumentParser) -> None:
    """Exactly one of --telegram-id and --wecom-id: the person's account on the channel they use."""
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--telegram-id", type=telegram_id, metavar="ID", help="the Telegram user id")
    who.add_argument("--wecom-id", type=wecom_id, metavar="USERID", help="the WeCom member's account (帐号)")


def _identity(key: str) -> dict[str, Any]:
    """How a person is shown in --json output: ``telegram_id`` (a number) or ``wecom_id``, by channel."""
    channel, _, account = key.partition(":")
    if channel == "telegram" and account.isdigit():
        return {"telegram_id": int(account)}
    return {f"{channel}_id": account}


def _shown(row: dict[str, Any]) -> str:
    """A listed person as ``channel:account`` (``telegram:7``, ``wecom:zhangsan``): the channel they use."""
    return next(f"{name.removesuffix('_id')}:{value}" for name, value in row.items() if name.endswith("_id"))


async def _grid_map(domain: Domain) -> GridMap:
    grid_map = await domain.grids.current()
    if grid_map is None:
        raise CliError("no grid map: import one with `gridbot grids import FILE`")
    return grid_map


async def _known_grid(domain: Domain, grid_id: str) -> None:
    if (await _grid_map(domain)).get(grid_id) is None:
        raise CliError(f"unknown grid {grid_id!r}; see `gridbot grids list`")


def _telegram_user(telegram_id: int, who: str, alternative: str = "") -> str:
    """The recipient key of a Telegram user id typed by an operator; a phone number is refused."""
    if looks_like_phone_number(telegram_id):
        raise CliError(f"{telegram_id} looks like a mobile phone number, not a Telegram user id: --telegram-id needs "
                       f"the number Telegram gives the {who}'s account (they can see it by writing to @userinfobot)"
                       f"{alternative}")
    return telegram_key(telegram_id)


def _person(args: argparse.Namespace, who: str, alternative: str = "") -> str:
    """The recipient key of the person named by --telegram-id or --wecom-id."""
    if args.wecom_id is not None:
        return wecom_key(args.wecom_id)
    return _telegram_user(args.telegram_id, who, alternative)


async def add_worker(args: argparse.Namespace, settings: Settings) -> int:
    invite = f"; or run `gridbot workers invite --grid {args.grid}` and have them send /join CODE to the bot"
    key = _person(args, "worker", invite)
    async with redis_connection(settings) as redis:
        domain = await build_domain(redis, settings)
        await _known_grid(domain, args.grid)
        worker = await domain.people.add_worker(key, args.grid, args.name)
    if args.json:
        print_json({**_identity(key), "name": worker.name, "grids": list(worker.grids)})
    else:
        print(f"worker {key} {worker.name} now handles {', '.join(worker.grids)}")
    return 0


async def list_workers(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        workers = await (await build_domain(redis, settings)).people.workers()
    rows: list[dict[str, Any]] = [{**_identity(w.key), "name": w.name, "grids": list(w.grids)} for w in workers]
    print_rows(rows, args.json, lambda row: f"{_shown(row)}\t{row['name']}\t{','.join(row['grids'])}")
    return 0


async def remove_worker(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        domain = await build_domain(redis, settings)
        key = wecom_key(args.wecom_id) if args.wecom_id is not None else telegram_key(args.telegram_id)
        if not await domain.people.remove_worker(key, args.grid):
            where = f" of grid {args.grid!r}" if args.grid else ""
            raise CliError(f"{key} is not a worker{where}")
    print(f"worker {key} removed" + (f" from {args.grid}" if args.grid else ""))
    return 0


async def invite_worker(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        domain = await build_domain(redis, settings)
        await _known_grid(domain, args.grid)
        code = await domain.people.create_invite(args.grid)
    if args.json:
        print_json({"grid_id": args.grid, "code": code})
    else:
        print(f"{code}\t(the worker sends /join {code} to the bot within 7 days; one use only)")
    return 0


async def add_supervisor(args: argparse.Namespace, settings: Settings) -> int:
    level, area = (Level.COMMUNITY, args.community) if args.community else (Level.TOWN, args.town)
    key = _person(args, "supervisor")
    async with redis_connection(settings) as redis:
        domain = await build_domain(redis, settings)
        grid_map = await _grid_map(domain)
        known = grid_map.communities() if level == Level.COMMUNITY else grid_map.towns()
        if area not in known:
            raise CliError(f"unknown {level} {area!r}; the map has: {', '.join(known)}")
        supervisor = await domain.people.add_supervisor(key, level, area, args.name)
    if args.json:
        print_json({**_identity(key), "name": supervisor.name, "level": str(level), "area": area})
    else:
        print(f"supervisor {key} {supervisor.name} of {level} {area}")
    return 0


async def list_supervisors(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        supervisors = await (await build_domain(redis, settings)).people.supervisors()
    rows = [{**_identity(s.key), "name": s.name, "level": str(s.level), "area": s.area} for s in supervisors]
    print_rows(rows, args.json, lambda row: f"{_shown(row)}\t{row['name']}\t{row['level']}\t{row['area']}")
    return 0
