"""The console's early warnings: ``/console/warnings`` (the active ones of the account's scope, and those
of the last 7 days that calmed down), ``/console/warnings/ID`` (its tickets, each a link to its page) and
``POST /console/warnings/ID/link`` (link its tickets as one case, bot/warnings/cases.py). A warning out of
the account's scope is 404, as an unknown one."""

from __future__ import annotations

from aiohttp import web

from bot.app.http import CLOCK
from bot.channels.console.auth import ACCOUNT, SESSION
from bot.channels.console.html import csrf_field, esc, page
from bot.channels.console.pages import TICKETS, not_found, when
from bot.texts import console as console_texts
from bot.texts import warnings as texts
from bot.tickets.service import Tickets
from bot.warnings.cases import covers, link_as_one_case, visible
from bot.warnings.detector import RADIUS_M
from bot.warnings.store import EarlyWarning, WarningStore

WARNINGS = web.AppKey("console_warnings", WarningStore)
RECENT_SECONDS = 7 * 24 * 3600


def add_warning_routes(app: web.Application, tickets: Tickets) -> None:
    app[WARNINGS] = WarningStore(tickets.store.redis)
    app.router.add_get("/console/warnings", warnings_list)
    app.router.add_get("/console/warnings/{warning_id}", warning_page, name="console-warning")
    app.router.add_post("/console/warnings/{warning_id}/link", link)


def _state(warning: EarlyWarning) -> str:
    state = texts.ACTIVE if warning.active else texts.ENDED
    return f"{state} · {texts.linked_state(warning.linked_into)}" if warning.linked_into else state


def _row(warning: EarlyWarning, tickets: Tickets) -> str:
    cells = (f'<a href="/console/warnings/{esc(warning.warning_id)}">{esc(warning.warning_id)}</a>',
             esc(tickets.taxonomy.name(warning.category)), esc(texts.of(warning, RADIUS_M)), str(len(warning.numbers)),
             esc(texts.usual(warning.mean)), when(warning.raised_at), when(warning.newest_at), esc(_state(warning)))
    return f'<tr class="{"active" if warning.active else "ended"}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


async def warnings_list(request: web.Request) -> web.Response:
    """GET /console/warnings: the warnings of the account's scope, active ones first."""
    tickets, account = request.app[TICKETS], request[ACCOUNT]
    coverage = await tickets.routing.coverage(account.key)
    now = request.app[CLOCK].now()
    raised = await request.app[WARNINGS].raised(since=now - RECENT_SECONDS)
    shown = sorted((w for w in raised if covers(coverage, w)), key=lambda w: (not w.active, -w.raised_at))
    head = "".join(f"<th>{esc(name)}</th>" for name in texts.COLUMNS)
    rows = "".join(_row(w, tickets) for w in shown) or f'<tr><td colspan="8">{texts.NO_WARNINGS}</td></tr>'
    body = (f'<p><a href="/console">{console_texts.BACK}</a></p><h1>{texts.TITLE}</h1>'
            f'<table class="board warnings"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    return page(texts.TITLE, body, account, request[SESSION].csrf)


async def warning_page(request: web.Request) -> web.Response:
    """GET /console/warnings/ID: the warning, its tickets the account may see, and 合并为一案."""
    tickets, account = request.app[TICKETS], request[ACCOUNT]
    warning = await visible(request.app[WARNINGS], tickets, request.match_info["warning_id"], account.key)
    if warning is None:
        return not_found(request)
    shown = [t for t in await tickets.store.get_many(warning.numbers)
             if await tickets.routing.covers(account.key, t.community, t.town)]
    items = "".join(f'<li><a href="/console/tickets/{esc(t.number)}">{esc(t.number)}</a> {esc(t.status.label)} · '
                    f'{esc(t.grid_name or console_texts.NONE)} · {when(t.created_at)} · {esc(t.text[:60])}</li>'
                    for t in shown)
    message = f'<p class="notice" role="status">{esc(request.query["done"])}</p>' if request.query.get("done") else ""
    form = (f'<form method="post" action="/console/warnings/{esc(warning.warning_id)}/link" class="action">'
            f'{csrf_field(request[SESSION].csrf)}<button type="submit">{texts.LINK}</button>'
            f'<span>{texts.LINK_HINT}</span></form>')
    body = (f'<p><a href="/console/warnings">{texts.TITLE}</a></p>{message}'
            f'<h1>{texts.HEADING} {esc(warning.warning_id)}</h1>'
            f'<p>{esc(tickets.taxonomy.name(warning.category))} · {esc(texts.of(warning, RADIUS_M))} · '
            f'{esc(texts.usual(warning.mean))} · {esc(_state(warning))}</p>'
            f'<h2>{texts.TICKETS} {len(shown)}</h2><ol class="timeline">{items}</ol>{form}')
    return page(f"{texts.HEADING} {warning.warning_id}", body, account, request[SESSION].csrf)


async def link(request: web.Request) -> web.StreamResponse:
    """POST /console/warnings/ID/link: link its tickets as one case, then back to its page saying how it went."""
    store, tickets, account = request.app[WARNINGS], request.app[TICKETS], request[ACCOUNT]
    warning = await visible(store, tickets, request.match_info["warning_id"], account.key)
    if warning is None:
        return not_found(request)
    done = await link_as_one_case(store, tickets, warning, account.key)
    said = texts.linked_result(done.into, done.linked, done.skipped) if done.into else texts.nothing_to_link()
    location = request.app.router["console-warning"].url_for(warning_id=warning.warning_id).with_query(done=said)
    return web.Response(status=303, headers={"Location": str(location)})
