"""The console board (``/console``): the tickets of the account's scope over the board's indexes
(:class:`bot.tickets.board.Board`), filtered, searched, sorted and in pages, with the counts per state
(each a link to that state) and the grid filter as a list of the grids in scope; live (``static/live.js``).
The URL's parameters are the exports' (bot/channels/console/params.py); without ``status``, the open ones."""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web
from multidict import MultiMapping

from nlp.natures import NATURES, nature_name

from bot.app.http import CLOCK
from bot.channels.console.auth import ACCOUNT, SESSION
from bot.channels.console.html import esc, options, page
from bot.channels.console.pages import LIVE_SCRIPT, TICKETS, scope_grids, when
from bot.channels.console.params import BoardRequest, board_request
from bot.accounts.scope import Scope
from bot.grids.map import Grid
from bot.tickets.board import Board, BoardPage, BoardRow, Sort
from bot.tickets.sources import Source
from bot.tickets.states import OPEN_STATUSES, Status
from bot.texts import console as texts
from bot.texts.refusals import bad_request

BOARD = web.AppKey("console_board", Board)
SORT_LABELS = {Sort.NEWEST: texts.SORT_NEWEST, Sort.OLDEST: texts.SORT_OLDEST, Sort.DEADLINE: texts.SORT_DEADLINE,
               Sort.DEADLINE_LATEST: texts.SORT_DEADLINE_LATEST}


async def require_account(request: web.Request) -> Scope:
    """The scope an export reads within (the guard has seen the session); a community or town asked for
    outside it is 404, as for every other route."""
    scope, query = request[ACCOUNT].scope, request.query
    community, town = (query.get("community") or "").strip(), (query.get("town") or "").strip()
    within = scope.sees(community, town or scope.town) if community else (
        not town or scope.everything or town == scope.town)
    if not within:
        raise web.HTTPNotFound(text=texts.not_found())
    return scope


def _exports(request: web.Request) -> str:
    """Links to the exports of what the board shows (its filters; the open tickets when no state is asked)."""
    asked = dict(request.query) if "status" in request.query else {**request.query, "status": "open"}
    asked.pop("page", None)
    links = "".join(f'<a href="{esc(str(request.rel_url.with_path(f"/console/export.{kind}").with_query(asked)))}"'
                    f' download>{label}</a> ' for kind, label in (("csv", texts.EXPORT_CSV), ("xlsx", texts.EXPORT_XLSX)))
    return f'<p class="exports">{links}</p>'


def wanted(query: MultiMapping[str]) -> BoardRequest:
    """The board's request from the URL (the open tickets when no state is asked for); ValueError if bad."""
    asked = board_request(query)
    if not asked.board_filter.statuses:
        asked = replace(asked, board_filter=replace(asked.board_filter, statuses=OPEN_STATUSES))
    return asked


def _filters(request: web.Request, asked: BoardRequest, grids: list[Grid]) -> str:
    f = asked.board_filter
    tickets = request.app[TICKETS]
    state = "open" if f.statuses == OPEN_STATUSES else next(iter(f.statuses)) if len(f.statuses) == 1 else ""
    states = [("open", texts.OPEN_ONES)] + [(str(s), s.label) for s in Status]
    categories = [("", texts.ALL)] + [(c.code, c.name) for c in tickets.taxonomy.categories]
    natures = [("", texts.ALL)] + list(NATURES.items())
    grid_choices = [("", texts.ALL)] + [(g.grid_id, f"{g.name} · {g.community}") for g in grids]
    sorts = [(str(s), label) for s, label in SORT_LABELS.items()]
    sources = [("", texts.ALL)] + [(str(s), s.label) for s in Source]
    return (f'<form method="get" action="/console" class="filters">'
            f'<input type="search" name="q" value="{esc(f.text)}" placeholder="{esc(texts.SEARCH)}">'
            f'<label>{texts.STATE}<select name="status">{options(states, state)}</select></label>'
            f'<label>{texts.CATEGORY}<select name="category">{options(categories, f.category or "")}</select></label>'
            f'<label>{texts.NATURE}<select name="nature">{options(natures, f.nature or "")}</select></label>'
            f'<label>{texts.GRID}<select name="grid">{options(grid_choices, f.grid_id or "")}</select></label>'
            f'<label>{texts.SOURCE}<select name="source">{options(sources, f.source or "")}</select></label>'
            f'<label><input type="checkbox" name="overdue" value="1"{" checked" if f.overdue else ""}>'
            f'{texts.OVERDUE}</label><select name="sort">{options(sorts, str(asked.sort))}</select>'
            f'<button type="submit">{texts.FILTER}</button></form>')


def _row(row: BoardRow, now: float) -> str:
    classes = " ".join(name for name, on in (("overdue", row.overdue), ("urgent", row.urgent)) if on)
    flags = (f'<span class="flag">{texts.URGENT}</span>' if row.urgent else "") + (
        f'<span class="flag">{texts.OVERDUE}</span>' if row.overdue else "")
    cells = (f'<a href="/console/tickets/{esc(row.number)}">{esc(row.number)}</a>{flags}', row.status.label,
             row.category_name, nature_name(row.nature) or texts.NONE, row.grid_name or texts.NONE, row.worker_name or texts.NONE,
             texts.age(now - row.created_at), when(row.deadline_at), row.text[:60])
    tds = "".join(f"<td>{cell}</td>" if i == 0 else f"<td>{esc(cell)}</td>" for i, cell in enumerate(cells))
    return f'<tr class="{classes}" data-number="{esc(row.number)}">{tds}</tr>'


def _counts(request: web.Request, found: BoardPage) -> str:
    """How many tickets are in each state (the other filters applied), each a link to that state."""
    def link(state: Status) -> str:
        return esc(str(request.rel_url.with_query(dict(request.query, status=str(state), page="1"))))

    links = "".join(f'<li data-state="{state}"><a href="{link(state)}">{esc(state.label)} '
                    f'<b>{found.counts.get(state, 0)}</b></a></li>' for state in Status)
    return f'<ul class="counts" aria-label="{texts.COUNTS}">{links}</ul>'


def _nav(request: web.Request, at: int, pages: int) -> str:
    nav = ""
    for label, number in ((texts.PREVIOUS, at - 1), (texts.NEXT, at + 1)):
        if 1 <= number <= pages:
            nav += f'<a href="{esc(str(request.rel_url.with_query(dict(request.query, page=str(number)))))}">{label}</a> '
    return f"<nav>{nav}</nav>"


async def board(request: web.Request) -> web.Response:
    """GET /console: the board (400 for a malformed parameter)."""
    account, now = request[ACCOUNT], request.app[CLOCK].now()
    try:
        asked = wanted(request.query)
    except ValueError as bad:
        return page(texts.BOARD, f"<p>{esc(bad_request())} ({esc(str(bad))})</p>", account, request[SESSION].csrf, 400)
    found = await request.app[BOARD].page(account.scope, asked.board_filter, asked.sort, asked.page, asked.per_page)
    pages = max(1, -(-found.total // asked.per_page))
    grids = await scope_grids(request.app[TICKETS], account.key)
    head = "".join(f"<th>{esc(name)}</th>" for name in texts.COLUMNS)
    rows = "".join(_row(r, now) for r in found.rows) or f'<tr><td colspan="{len(texts.COLUMNS)}">{texts.NO_TICKETS}</td></tr>'
    body = (f'<h1>{texts.BOARD}</h1><p><a href="/console/map">{texts.MAP}</a></p>{_filters(request, asked, grids)}'
            f'{_exports(request)}'
            f'<section id="live">{_counts(request, found)}<p>{found.total} · {min(asked.page, pages)}/{pages}</p>'
            f'<table class="board"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
            f'{_nav(request, asked.page, pages)}</section>')
    return page(texts.BOARD, body, account, request[SESSION].csrf, scripts=[LIVE_SCRIPT])
