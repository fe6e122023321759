"""The console's ticket page (``/console/tickets/NUMBER``) and a ticket's photos, and what the console's
pages share (the board is in ``board_page.py``, the map in ``map_page.py``). A ticket out of the account's scope is 404, exactly as an unknown number."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from nlp.natures import nature_name

from bot.channels.console.auth import ACCOUNT, SESSION
from bot.channels.console.html import esc, page
from bot.grids.map import Grid
from bot.infra.clock import LOCAL_TIME
from bot.photos.store import PhotoStore
from bot.tickets.record import Ticket
from bot.tickets.service import Tickets
from bot.tickets.timeline import timeline
from nlp.masking import mask_personal
from bot.texts import console as texts
from bot.texts import timeline as timeline_texts
from bot.texts.admin import source_name

LIVE_SCRIPT = "/console/static/live.js"
TICKETS = web.AppKey("console_tickets", Tickets)
PHOTOS = web.AppKey("console_photos", PhotoStore)


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


def not_found(request: web.Request) -> web.Response:
    return page(texts.not_found(), f"<p>{esc(texts.not_found())}</p>", request[ACCOUNT], request[SESSION].csrf, 404)


async def scope_grids(tickets: Tickets, viewer: str) -> list[Grid]:
    """The current map's grids in ``viewer``'s scope (none without a map or a scope)."""
    grid_map, coverage = await tickets.grids.current(), await tickets.routing.coverage(viewer)
    return coverage.grids(grid_map) if grid_map is not None and coverage is not None else []


async def ticket_page(request: web.Request) -> web.Response:
    """GET /console/tickets/NUMBER: the ticket, its photos, place, timeline, rating and the actions."""
    from bot.channels.console.actions import action_forms

    tickets, account = request.app[TICKETS], request[ACCOUNT]
    ticket = await tickets.visible(request.match_info["number"], account.key)
    if ticket is None:
        return not_found(request)
    timeline = await _timeline(tickets, ticket)
    photos = "".join(f'<img alt="{texts.PHOTO}" src="/console/tickets/{esc(ticket.number)}/photos/{which}">'
                     for which, ref in (("ticket", ticket.photo), ("result", ticket.result_photo)) if ref)
    place = " ".join(p for p in (ticket.town, ticket.community, ticket.grid_name, ticket.location) if p) or texts.NONE
    facts = ((texts.STATE, ticket.status.label), (texts.CATEGORY, tickets.taxonomy.name(ticket.category)),
             (texts.SOURCE, source_name(ticket.source)), (texts.NATURE, nature_name(ticket.nature) or texts.NONE),
             (texts.LOCATION, place), (texts.RESULT, mask_personal(ticket.result_note or texts.NONE)),
             (texts.RATING, texts.rating(ticket.rating)))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    message = f'<p class="notice" role="status">{esc(request.query["done"])}</p>' if request.query.get("done") else ""
    body = (f'<p><a href="/console">{texts.BACK}</a></p>{message}<h1>{texts.TICKET} {esc(ticket.number)}</h1>'
            f'<p class="text">{esc(mask_personal(ticket.text))}</p>{photos}<dl>{dl}</dl>'
            f'<h2>{texts.TIMELINE}</h2>{timeline}'
            f'{await action_forms(tickets, ticket, account.key, request[SESSION].csrf)}')
    return page(f"{texts.TICKET} {ticket.number}", body, account, request[SESSION].csrf)


async def _timeline(tickets: Tickets, ticket: Ticket) -> str:
    """The ticket's steps, oldest first: when, who (by name; a resident only as 居民), what, and its words."""
    items = []
    for step in await timeline(tickets.routing, await tickets.store.audit(ticket.number)):
        said = mask_personal(timeline_texts.detail(step, tickets.taxonomy.name))
        items.append(f'<li><time>{when(step.entry.at)}</time> <span class="actor">{esc(timeline_texts.who(step))}'
                     f'</span> <strong>{esc(timeline_texts.what(step))}</strong>{" · " + esc(said) if said else ""}</li>')
    return f'<ol class="timeline">{"".join(items)}</ol>'


async def ticket_photo(request: web.Request) -> web.StreamResponse:
    """GET /console/tickets/NUMBER/photos/(ticket|result): a photo of a ticket in scope, else 404."""
    ticket = await request.app[TICKETS].visible(request.match_info["number"], request[ACCOUNT].key)
    which = request.match_info["which"]
    reference = None if ticket is None else {"ticket": ticket.photo, "result": ticket.result_photo}.get(which)
    photo = request.app[PHOTOS].find(reference) if reference else None
    if photo is None:
        return not_found(request)
    return web.FileResponse(photo.path, headers={"Content-Type": photo.content_type, "Cache-Control": "private, no-store"})


