"""``gridbot patrols list --date D [--grid G] [--json]``: per grid and day, who patrolled, how long,
and how much of the grid the tracks covered."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from bot.app.config import Settings
from bot.app.runtime import build_domain, redis_connection
from bot.cli.support import CliError, print_json, run_async, table
from bot.infra.clock import SystemClock
from bot.patrol.daily import GridDay, grid_days
from bot.patrol.patrols import KEEP_DAYS, Patrols
from bot.texts import patrol as patrol_texts


def register(commands: argparse._SubParsersAction) -> None:
    """Add the patrol commands."""
    patrols = commands.add_parser("patrols", help="grid workers' patrols (巡查)")
    sub = patrols.add_subparsers(dest="patrols_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", help="each grid's patrols on one day")
    lst.add_argument("--date", type=day_argument, required=True, metavar="YYYY-MM-DD", help="the local day")
    lst.add_argument("--grid", metavar="GRID_ID", help="only this grid")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_async(list_patrols))


def day_argument(value: str) -> date:
    """argparse type: a day as YYYY-MM-DD."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (write it as 2026-12-01)") from None


def grid_day_json(day: GridDay) -> dict[str, Any]:
    grid = day.grid
    return {
        "grid_id": grid.grid_id, "name": grid.name, "community": grid.community, "town": grid.town,
        "coverage": round(day.coverage, 4), "minutes": round(day.seconds / 60, 1),
        "workers": [{"worker": w.worker, "name": w.worker_name, "minutes": round(w.seconds / 60, 1),
                     "coverage": round(w.coverage, 4)} for w in day.workers],
    }


async def list_patrols(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        domain = await build_domain(redis, settings)
        grid_map = await domain.grids.current()
        if args.grid is not None and (grid_map is None or grid_map.get(args.grid) is None):
            raise CliError(f"unknown grid {args.grid!r}; see `gridbot grids list`")
        days = [] if grid_map is None else await grid_days(
            Patrols(redis, SystemClock()), grid_map, args.date,
            lambda grid: args.grid is None or grid.grid_id == args.grid)
    if args.json:
        print_json([grid_day_json(day) for day in days])
        return 0
    if not days:
        print(patrol_texts.no_patrols(args.date.isoformat(), KEEP_DAYS))
        return 0
    rows = [(d.grid.grid_id, d.grid.name, patrol_texts.percent(d.coverage), patrol_texts.minutes(d.seconds),
             "、".join(w.worker_name or w.worker for w in d.workers)) for d in days]
    for line in table([patrol_texts.LIST_HEADER, *rows]):
        print(line)
    return 0
