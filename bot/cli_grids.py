"""``gridbot grids import | list | locate``."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli_support import CliError, print_json, run_async
from bot.config import Settings
from bot.grid_map import GridMap, GridMapError
from bot.runtime import build_domain, redis_connection


def register(commands: argparse._SubParsersAction) -> None:
    """Add the grid map commands."""
    grids = commands.add_parser("grids", help="the grid map: import, list, locate")
    sub = grids.add_subparsers(dest="grids_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="replace the grid map with a GeoJSON file (validated whole first)")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=run_async(import_map))
    lst = sub.add_parser("list", help="list the grids of the current map")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_async(list_grids))
    loc = sub.add_parser("locate", help="find the grid of a text or a point")
    loc.add_argument("--text", help="a resident's message or an address")
    loc.add_argument("--lat", type=float, help="latitude (WGS84)")
    loc.add_argument("--lon", type=float, help="longitude (WGS84)")
    loc.add_argument("--json", action="store_true")
    loc.set_defaults(handler=run_async(locate))


def read_map_file(path: Path) -> GridMap:
    """Parse and validate a GeoJSON grid map file, with the file named in any error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{path}: file not found") from None
    except OSError as err:
        raise CliError(f"{path}: cannot be read ({err.strerror})") from None
    try:
        return GridMap.from_geojson(raw)
    except GridMapError as err:
        raise CliError(f"{path}: {err}; the previous map stays") from None


async def import_map(args: argparse.Namespace, settings: Settings) -> int:
    grid_map = read_map_file(args.file)  # before connecting: a bad file changes nothing
    async with redis_connection(settings) as redis:
        domain = await build_domain(redis, settings)
        version = await domain.grids.import_map(grid_map)
    summary = {"version": version, "grids": len(grid_map.grids), "communities": len(grid_map.communities()),
               "towns": len(grid_map.towns())}
    if args.json:
        print_json(summary)
    else:
        print(f"imported {summary['grids']} grids in {summary['communities']} communities of "
              f"{summary['towns']} towns (map version {version})")
    return 0


async def list_grids(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        grid_map = await (await build_domain(redis, settings)).grids.current()
    grids = grid_map.grids if grid_map else ()
    rows = [{"grid_id": g.grid_id, "name": g.name, "community": g.community, "town": g.town,
             "aliases": list(g.aliases)} for g in grids]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(f"{row['grid_id']}\t{row['name']}\t{row['community']}\t{row['town']}\t{'、'.join(row['aliases'])}")
    return 0


async def locate(args: argparse.Namespace, settings: Settings) -> int:
    by_point = args.lat is not None or args.lon is not None
    if by_point == (args.text is not None) or (by_point and (args.lat is None or args.lon is None)):
        raise CliError("give either --text T, or both --lat Y and --lon X")
    if by_point and not (-90 <= args.lat <= 90 and -180 <= args.lon <= 180):
        raise CliError(f"--lat {args.lat} --lon {args.lon} is not a WGS84 position")
    async with redis_connection(settings) as redis:
        grid_map = await (await build_domain(redis, settings)).grids.current()
    if grid_map is None:
        raise CliError("no grid map: import one with `gridbot grids import FILE`")
    found = grid_map.locate_point(args.lat, args.lon) if by_point else grid_map.locate_text(args.text)
    if args.json:
        print_json(found.to_dict())
    elif found.grid_id is None:
        print("no grid found" + (f" (community {found.community})" if found.community else ""))
    else:
        print(f"{found.grid_id}\t{found.name}\t{found.community}\t{found.town}\t{found.method}\t{found.matched or ''}")
    return 0
