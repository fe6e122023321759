"""``/console/map``: the current map's grids in the account's scope and its open tickets as markers by
state (bot/channels/console/map_svg.py), live like the board; grids out of scope are not drawn. Under
it, one day's patrols (``?day=YYYY-MM-DD``, today by default): their tracks drawn inside the account's
grids, and each grid's coverage (bot/channels/console/patrol_layer.py)."""

from __future__ import annotations

from datetime import date, datetime

from aiohttp import web

from bot.app.http import CLOCK, REDIS, SETTINGS

from bot.channels.console.auth import ACCOUNT, SESSION
from bot.channels.console.board_page import BOARD
from bot.channels.console.html import esc, page
from bot.channels.console.map_svg import map_svg
from bot.channels.console.patrol_layer import patrol_layer, patrol_table
from bot.channels.console.tile_layer import tile_source
from bot.infra.clock import LOCAL_TIME
from bot.patrol.patrols import Patrols
from bot.channels.console.pages import LIVE_SCRIPT, TICKETS, scope_grids
from bot.tickets.board import BoardFilter
from bot.tickets.board_map import open_on_map
from bot.tickets.states import OPEN_STATUSES, Status
from bot.texts import console as texts


def _day(request: web.Request) -> date:
    """The day asked for (``?day=``), today by default; a malformed one is a 400 in Chinese."""
    raw = request.query.get("day", "").strip()
    if not raw:
        return datetime.fromtimestamp(request.app[CLOCK].now(), LOCAL_TIME).date()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=texts.BAD_DAY) from None


async def map_view(request: web.Request) -> web.Response:
    """GET /console/map: the grids in scope, the open tickets in scope on them, a legend by state."""
    board, account = request.app[BOARD], request[ACCOUNT]
    grids = await scope_grids(request.app[TICKETS], account.key)
    counts = (await board.page(account.scope, BoardFilter(statuses=OPEN_STATUSES), per_page=1)).counts
    tickets = await open_on_map(board, account.scope)
    drawn = {g.grid_id for g in grids}
    unplaced = sum(1 for t in tickets if t.grid_id not in drawn and t.point is None)
    legend = "".join(f'<li><span class="swatch state-{state}"></span>{esc(state.label)} '
                     f'<b>{counts.get(state, 0)}</b></li>' for state in Status if state in OPEN_STATUSES)
    day = _day(request)
    grid_map = await request.app[TICKETS].grids.current()
    layer = await patrol_layer(Patrols(request.app[REDIS], request.app[CLOCK]), grid_map, grids, day) \
        if grid_map is not None else None
    tracks = layer.tracks if layer else []
    svg = map_svg(grids, tickets, texts.MAP, texts.MAP_MARKERS, tracks, texts.PATROL_TRACKS,
                  tile_source(request.app[SETTINGS])) or f"<p>{texts.NO_MAP}</p>"
    note = f"<p>{texts.not_on_map(unplaced)}</p>" if unplaced else ""
    body = (f'<p><a href="/console">{texts.BACK}</a></p><h1>{texts.MAP}</h1><section id="live">'
            f'<ul class="legend">{legend}</ul>{svg}{note}</section>{patrol_table(layer) if layer else ""}')
    return page(texts.MAP, body, account, request[SESSION].csrf, scripts=[LIVE_SCRIPT])
