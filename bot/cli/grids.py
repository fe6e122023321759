"""``gridbot grids import | list | locate``."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.support import CliError, print_json, print_rows, run_async, warn
from bot.app.config import Settings
from bot.grids.coordinates import Crs
from bot.grids.importing import GridImporter, ImportOutcome, in_wgs84
from bot.grids.map import GridMap, GridMapError
from bot.app.runtime import build_domain, redis_connection
from bot.texts.common import listing

IMPORT_HELP = """\
Each Feature of the GeoJSON FeatureCollection is one grid (网格): a Polygon or MultiPolygon whose
positions are WGS84 [longitude, latitude] (as GPS and Telegram give them), with the properties
  grid_id    unique id of the grid (string), e.g. GC-XY-01
  name       the grid's name, e.g. 西隅第一网格
  community  its community (村社区), e.g. 西隅社区
  town       its town or street (镇街), e.g. 莞城街道
  aliases    optional: a list of roads, estates and buildings inside the grid, e.g. ["西正路", "振华大厦"]
Maps from Tencent or AMap (高德) are GCJ-02, not WGS84: give --crs gcj02 to convert them.

By default the file becomes the whole map. --merge replaces only the towns the file has and keeps
the grids of every other town. Either way, grids that would disappear while workers are bound to
them or their tickets are still open stop the import (they are named) unless --force is given.
The file is validated whole first: a bad file changes nothing."""


def register(commands: argparse._SubParsersAction) -> None:
    """Add the grid map commands."""
    grids = commands.add_parser("grids", help="the grid map: import, list, locate")
    sub = grids.add_subparsers(dest="grids_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="import a GeoJSON grid map (whole, or by town with --merge)",
                         description=IMPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("file", type=Path, metavar="FILE", help="GeoJSON FeatureCollection, one Feature per grid")
    imp.add_argument("--merge", action="store_true",
                     help="replace only the towns in FILE, keep the grids of other towns")
    imp.add_argument("--force", action="store_true",
                     help="drop grids that still have workers or open tickets")
    imp.add_argument("--crs", type=Crs, choices=list(Crs), default=Crs.WGS84,
                     help="coordinates of FILE: wgs84 (default) or gcj02 (Tencent/AMap), converted to WGS84")
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
    incoming = in_wgs84(read_map_file(args.file), args.crs)  # before connecting: a bad file changes nothing
    async with redis_connection(settings) as redis:
        domain = await build_domain(redis, settings)
        try:
            outcome = await GridImporter(domain.grids, domain.people, domain.store).run(
                incoming, merge=args.merge, force=args.force)
        except GridMapError as err:
            raise CliError(f"{args.file}: {err}; the previous map stays") from None
    for first, second in outcome.overlaps:
        warn(f"grids {first} and {second} overlap; a point in both goes to {first}")
    if outcome.refused:
        merge = "" if args.merge else "Use --merge to replace only the towns in the file, or "
        raise CliError(f"{args.file}: {_in_use(outcome)}; the previous map stays. "
                       f"{merge or 'Use '}--force to drop these grids anyway")
    grid_map = outcome.grid_map
    summary = {"version": outcome.version, "grids": len(grid_map.grids), "communities": len(grid_map.communities()),
               "towns": len(grid_map.towns()), "imported": len(incoming.grids), "dropped": list(outcome.dropped),
               "overlaps": [list(pair) for pair in outcome.overlaps]}
    if args.json:
        print_json(summary)
        return 0
    print(f"imported {_count(len(incoming.grids), 'grid')}; the map now has {summary['grids']} grids in "
          f"{summary['communities']} communities of {summary['towns']} towns (map version {outcome.version})")
    if outcome.dropped:
        print(f"dropped {_count(len(outcome.dropped), 'grid')}: {', '.join(outcome.dropped)}")
    if outcome.in_use:
        warn(f"dropped anyway (--force): {_in_use(outcome)}")
    return 0


def _in_use(outcome: ImportOutcome) -> str:
    """'2 grids not in the new map still have workers or open tickets: GC-XY-01 (2 workers), GC-XY-02 (…)'."""
    def counts(workers: int, tickets: int) -> str:
        return ", ".join(([_count(workers, "worker")] if workers else [])
                         + ([_count(tickets, "open ticket")] if tickets else []))

    grids = ", ".join(f"{g.grid_id} ({counts(g.workers, g.open_tickets)})" for g in outcome.in_use)
    verb = "has" if len(outcome.in_use) == 1 else "have"
    return f"{_count(len(outcome.in_use), 'grid')} not in the new map still {verb} workers or open tickets: {grids}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


async def list_grids(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        grid_map = await (await build_domain(redis, settings)).grids.current()
    grids = grid_map.grids if grid_map else ()
    rows = [{"grid_id": g.grid_id, "name": g.name, "community": g.community, "town": g.town,
             "aliases": list(g.aliases)} for g in grids]
    print_rows(rows, args.json,
               lambda row: f"{row['grid_id']}\t{row['name']}\t{row['community']}\t{row['town']}\t{listing(row['aliases'])}")
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
