"""The console's pages: the board (``/console``) and one ticket (``/console/tickets/NUMBER``), and a
ticket's photos. A ticket out of the account's scope is 404, exactly as an unknown number."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.app.http import CLOCK
from bot.channels.console.auth import ACCOUNT, SESSION
from bot.channels.console.html import esc, options, page
from bot.grids.map import Grid
from bot.infra.clock import LOCAL_TIME
from bot.photos.store import PhotoStore
from bot.tickets.board_scan import SORTS, BoardQuery, board_page, parse_state
from bot.tickets.record import Ticket
from bot.tickets.service import Tickets
from bot.tickets.states import Status
from bot.tickets.timeline import timeline
from bot.texts import console as texts
from bot.texts import timeline as timeline_texts

LIVE_SCRIPT = "/console/static/live.js"
TICKETS = web.AppKey("console_tickets", Tickets)
PHOTOS = web.AppKey("console_photos", PhotoStore)


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


def not_found(request: web.Request) -> web.Response:
    return page(texts.not_found(), f"<p>{esc(texts.not_found())}</p>", request[ACCOUNT], request[SESSION].csrf, 404)


def _query(request: web.Request) -> BoardQuery:
    q = request.query
    sort = q.get("sort", "newest")
    return BoardQuery(state=parse_state(q.get("state", "")), category=q.get("category", "")[:64],
                      grid_id=q.get("grid", "")[:64], overdue=q.get("overdue") == "1", search=q.get("q", "")[:100],
                      sort=sort if sort in SORTS else "newest", page=int(q["page"]) if q.get("page", "").isdigit() else 1)


async def scope_grids(tickets: Tickets, viewer: str) -> list[Grid]:
    """The current map's grids in ``viewer``'s scope (none without a map or a scope)."""
    grid_map, coverage = await tickets.grids.current(), await tickets.routing.coverage(viewer)
    return coverage.grids(grid_map) if grid_map is not None and coverage is not None else []


def _filters(tickets: Tickets, query: BoardQuery, grids: list[Grid]) -> str:
    grid_choices = [("", texts.ALL)] + [(g.grid_id, f"{g.name} · {g.community}") for g in grids]
    states = [("", texts.ALL)] + [(str(s), s.label) for s in Status]
    categories = [("", texts.ALL)] + [(c.code, c.name) for c in tickets.taxonomy.categories]
    sorts = list(zip(SORTS, (texts.SORT_NEWEST, texts.SORT_OLDEST, texts.SORT_DEADLINE)))
    return (f'<form method="get" action="/console" class="filters">'
            f'<input type="search" name="q" value="{esc(query.search)}" placeholder="{esc(texts.SEARCH)}">'
            f'<label>{texts.STATE}<select name="state">{options(states, query.state)}</select></label>'
            f'<label>{texts.CATEGORY}<select name="category">{options(categories, query.category)}</select></label>'
            f'<label>{texts.GRID}<select name="grid">{options(grid_choices, query.grid_id)}</select></label>'
            f'<label><input type="checkbox" name="overdue" value="1"{" checked" if query.overdue else ""}>'
            f'{texts.OVERDUE}</label><select name="sort">{options(sorts, query.sort)}</select>'
            f'<button type="submit">{texts.FILTER}</button></form>')


def _row(tickets: Tickets, ticket: Ticket, now: float) -> str:
    overdue = ticket.is_open and ticket.deadline_at < now
    classes = " ".join(name for name, on in (("overdue", overdue), ("urgent", ticket.urgent)) if on)
    flags = (f'<span class="flag">{texts.URGENT}</span>' if ticket.urgent else "") + (
        f'<span class="flag">{texts.OVERDUE}</span>' if overdue else "")
    cells = (f'<a href="/console/tickets/{esc(ticket.number)}">{esc(ticket.number)}</a>{flags}', ticket.status.label,
             tickets.taxonomy.name(ticket.category), ticket.grid_name or texts.NONE,
             (ticket.worker or texts.NONE).split(":", 1)[-1], texts.age(now - ticket.created_at),
             when(ticket.deadline_at), ticket.text[:60])
    tds = "".join(f"<td>{cell}</td>" if i == 0 else f"<td>{esc(cell)}</td>" for i, cell in enumerate(cells))
    return f'<tr class="{classes}" data-number="{esc(ticket.number)}">{tds}</tr>'


async def board(request: web.Request) -> web.Response:
    """GET /console: the open tickets of the account's scope, filtered, searched, sorted, in pages."""
    tickets, account, now = request.app[TICKETS], request[ACCOUNT], request.app[CLOCK].now()
    query = _query(request)
    found, grids = await board_page(tickets, account.key, query, now), await scope_grids(tickets, account.key)
    head = "".join(f"<th>{esc(name)}</th>" for name in texts.COLUMNS)
    rows = "".join(_row(tickets, t, now) for t in found.tickets) or f'<tr><td colspan="8">{texts.NO_TICKETS}</td></tr>'
    nav = ""
    for label, number in ((texts.PREVIOUS, found.page - 1), (texts.NEXT, found.page + 1)):
        if 1 <= number <= found.pages:
            args = dict(request.query, page=str(number))
            nav += f'<a href="{esc(str(request.rel_url.with_query(args)))}">{label}</a> '
    body = (f'<h1>{texts.BOARD}</h1><p><a href="/console/map">{texts.MAP}</a></p>{_filters(tickets, query, grids)}<section id="live">'
            f'{_counts(request, found.counts)}<p>{found.total} · {found.page}/{found.pages}</p>'
            f'<table class="board"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table><nav>{nav}</nav>'
            f'</section>')
    return page(texts.BOARD, body, account, request[SESSION].csrf, scripts=[LIVE_SCRIPT])


def _counts(request: web.Request, counts: dict[Status, int]) -> str:
    """How many tickets are in each state (the other filters applied), each a link to that state."""
    def link(state: Status) -> str:
        return esc(str(request.rel_url.with_query(dict(request.query, state=str(state), page="1"))))

    links = "".join(f'<li data-state="{state}"><a href="{link(state)}">{esc(state.label)} <b>{counts.get(state, 0)}</b>'
                    f'</a></li>' for state in Status)
    return f'<ul class="counts" aria-label="{texts.COUNTS}">{links}</ul>'



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
             (texts.LOCATION, place), (texts.RESULT, ticket.result_note or texts.NONE),
             (texts.RATING, texts.rating(ticket.rating)))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    message = f'<p class="notice" role="status">{esc(request.query["done"])}</p>' if request.query.get("done") else ""
    body = (f'<p><a href="/console">{texts.BACK}</a></p>{message}<h1>{texts.TICKET} {esc(ticket.number)}</h1>'
            f'<p class="text">{esc(ticket.text)}</p>{photos}<dl>{dl}</dl>'
            f'<h2>{texts.TIMELINE}</h2>{timeline}'
            f'{await action_forms(tickets, ticket, account.key, request[SESSION].csrf)}')
    return page(f"{texts.TICKET} {ticket.number}", body, account, request[SESSION].csrf)


async def _timeline(tickets: Tickets, ticket: Ticket) -> str:
    """The ticket's steps, oldest first: when, who (by name; a resident only as 居民), what, and its words."""
    items = []
    for step in await timeline(tickets.routing, await tickets.store.audit(ticket.number)):
        said = timeline_texts.detail(step, tickets.taxonomy.name)
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


