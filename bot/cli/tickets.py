"""``gridbot tickets list | show``."""

from __future__ import annotations

import argparse
import getpass
import os
from datetime import datetime
from typing import Any

from bot.texts import admin as admin_texts
from bot.cli.support import CliError, print_json, run_async, table
from bot.app.config import Settings
from bot.photos.links import PhotoLinks, load_secret
from bot.photos.store import PhotoStore
from bot.app.runtime import Domain, build_domain, redis_connection
from bot.tickets.record import AuditEntry, Ticket
from bot.tickets.reveal import cli_actor, masked_entry, masked_ticket, record_reveal
from bot.tickets.sources import Source
from bot.tickets.store import TicketStore
from bot.tickets.states import Status
from bot.infra.clock import LOCAL_TIME


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ticket commands."""
    tickets = commands.add_parser("tickets", help="tickets (工单)")
    sub = tickets.add_subparsers(dest="tickets_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", help="list tickets, newest first")
    lst.add_argument("--status", type=status_argument, metavar="STATUS",
                     help="only this state: " + ", ".join(f"{s} ({s.label})" for s in Status))
    lst.add_argument("--grid", metavar="GRID_ID", help="only this grid's tickets")
    lst.add_argument("--source", choices=[str(s) for s in Source],
                     help="only tickets filed by: " + ", ".join(f"{s} ({s.label})" for s in Source))
    lst.add_argument("--limit", type=int, default=100)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=run_async(list_tickets))
    show = sub.add_parser("show", help="one ticket with its full audit trail (personal numbers masked)")
    show.add_argument("number", metavar="NUMBER")
    show.add_argument("--json", action="store_true")
    show.add_argument("--reveal", action="store_true",
                      help="print the resident's words whole (noted in the ticket's audit trail)")
    show.set_defaults(handler=run_async(show_ticket))
    rebuild = sub.add_parser("reindex", help="rebuild the dispatch console's board indexes from the tickets")
    rebuild.set_defaults(handler=run_async(reindex_tickets))


def status_argument(value: str) -> Status:
    """argparse type: a state by its code (``pending``) or its Chinese label (``待派单``)."""
    for status in Status:
        if value.strip().lower() in (str(status), status.label):
            return status
    known = ", ".join(f"{s} ({s.label})" for s in Status)
    raise argparse.ArgumentTypeError(f"unknown status {value!r}; the states are: {known}")


def local_time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number, "status": str(ticket.status), "status_label": ticket.status.label,
        "category": ticket.category, "urgent": ticket.urgent, "text": ticket.text, "grid_id": ticket.grid_id,
        "community": ticket.community, "town": ticket.town, "worker": ticket.worker, "resident": ticket.resident,
        "created_at": ticket.created_at, "deadline_at": ticket.deadline_at, "escalation_level": ticket.escalation_level,
        "rating": ticket.rating, "result_note": ticket.result_note, "source": ticket.source,
        "nature": ticket.nature,
    }


def photo_json(reference: str | None, photos: PhotoStore, links: PhotoLinks) -> dict[str, Any] | None:
    """A ticket's photo for staff: its reference, and for a web upload its file, size and a signed link."""
    if reference is None:
        return None
    stored = photos.find(reference)
    return {"reference": reference, "path": str(stored.path) if stored else None,
            "bytes": stored.size if stored else None, "url": links.url(stored.name) if stored else None}


def photo_line(label: str, photo: dict[str, Any] | None) -> str | None:
    """``  photo: web:….jpg  /path (12,345 bytes)`` and its link below (None when there is no photo)."""
    if photo is None:
        return None
    if photo["path"] is None:
        where = "(kept by Telegram, not stored here)" if photo["reference"].startswith("telegram:") \
            else "(file missing)"
        return f"  {label}: {photo['reference']}  {where}"
    return f"  {label}: {photo['reference']}  {photo['path']} ({photo['bytes']:,} bytes)\n    link: {photo['url']}"


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    return {"at": entry.at, "actor": entry.actor, "action": entry.action, "from": entry.from_status,
            "to": entry.to_status, "note": entry.note}


async def list_tickets(args: argparse.Namespace, settings: Settings) -> int:
    if args.limit <= 0:
        raise CliError("--limit must be a positive number")
    async with redis_connection(settings) as redis:
        domain = await build_domain(redis, settings)
        if args.grid is not None:
            await _known_grid(domain, args.grid)
        tickets = [masked_ticket(t) for t in await domain.store.list(
            status=args.status, grid_id=args.grid, source=args.source, limit=args.limit)]
    if args.json:
        print_json([ticket_json(t) for t in tickets])
        return 0
    if not tickets:
        print(admin_texts.no_tickets())
        return 0
    rows = [admin_texts.ticket_row(t, domain.taxonomy.name(t.category), local_time(t.deadline_at)) for t in tickets]
    for line in table([admin_texts.ticket_list_header(), *rows]):
        print(line)
    return 0


async def _known_grid(domain: Domain, grid_id: str) -> None:
    """Refuse a grid id that neither the map nor any ticket has (a grid dropped from the map keeps its tickets)."""
    grid_map = await domain.grids.current()
    if (grid_map is None or grid_map.get(grid_id) is None) and not await domain.store.list(grid_id=grid_id, limit=1):
        raise CliError(f"unknown grid {grid_id!r}; see `gridbot grids list`")


async def show_ticket(args: argparse.Namespace, settings: Settings) -> int:
    async with redis_connection(settings) as redis:
        domain = await build_domain(redis, settings)
        ticket = await domain.tickets.get(args.number)
        if ticket is None:
            raise CliError(f"unknown ticket {args.number!r}")
        if args.reveal:
            user = os.environ.get("USER") or getpass.getuser()
            await record_reveal(domain.store, domain.tickets.clock, ticket.number, cli_actor(user))
        trail = await domain.store.audit(ticket.number)
    if not args.reveal:
        ticket, trail = masked_ticket(ticket), [masked_entry(e) for e in trail]
    photos = PhotoStore(settings.uploads_dir)
    links = PhotoLinks(load_secret(settings.photo_link_key_path), settings.public_url)
    photo = photo_json(ticket.photo, photos, links)
    result_photo = photo_json(ticket.result_photo, photos, links)
    if args.json:
        print_json({**ticket_json(ticket), "photo": photo, "result_photo": result_photo,
                    "audit": [audit_json(e) for e in trail]})
        return 0
    print(f"{ticket.number}  {ticket.status.label} ({ticket.status})  {ticket.category}"
          f"{f'  nature {ticket.nature}' if ticket.nature else ''}{'  URGENT' if ticket.urgent else ''}")
    print(f"  grid: {ticket.grid_id or '-'} {ticket.community or ''} {ticket.town or ''}")
    print(f"  worker: {ticket.worker or '-'}   deadline: {local_time(ticket.deadline_at)}")
    print(f"  source: {ticket.source} ({admin_texts.source_name(ticket.source)})")
    print(f"  text: {ticket.text}")
    for line in (photo_line("photo", photo), photo_line("result photo", result_photo)):
        if line is not None:
            print(line)
    for e in trail:
        print(f"  {local_time(e.at)}  {e.actor:<18} {e.action:<13} {e.from_status or '-'} → {e.to_status or '-'}  {e.note}")
    return 0


async def reindex_tickets(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tickets.reindex import reindex

    async with redis_connection(settings) as redis:
        count = await reindex(TicketStore(redis))
    print(admin_texts.reindexed(count))
    return 0
