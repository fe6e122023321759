"""The console's grid map (admin accounts; others 404): the current map, and a GeoJSON import that is
previewed first — every bad feature listed with its problem, or, for a good file, which grids it would
drop (and which of those still have workers or open tickets) and which overlap — and changes the map
only when confirmed. The upload waits in Redis for 30 minutes, for the account that sent it."""

from __future__ import annotations

import secrets

from aiohttp import web
from aiohttp.web_request import FileField

from bot.accounts.scope import Role
from bot.app.http import SETTINGS
from bot.channels.console.auth import ACCOUNT, SESSION
from bot.channels.console.html import csrf_field, esc, options, page
from bot.channels.console.map_svg import map_svg
from bot.channels.console.pages import TICKETS, not_found
from bot.channels.console.tile_layer import tile_source
from bot.grids.coordinates import Crs
from bot.grids.importing import GridImporter, ImportOutcome, in_wgs84
from bot.grids.map import GridMap, GridMapError, MapReview, review_geojson
from bot.infra import keys
from bot.texts import console_grids as texts

MAX_FILE_BYTES = 5 * 1024 * 1024
UPLOAD_TTL_SECONDS = 30 * 60
PATH = "/console/grids"


def _admin(request: web.Request) -> bool:
    return request[ACCOUNT].scope.role is Role.ADMIN


def _frame(request: web.Request, body: str, status: int = 200) -> web.Response:
    return page(texts.TITLE, body, request[ACCOUNT], request[SESSION].csrf, status)


def _upload_form(csrf: str) -> str:
    return (f'<h2>{texts.UPLOAD}</h2><form method="post" action="{PATH}/preview" enctype="multipart/form-data">'
            f'{csrf_field(csrf)}<label>{texts.FILE} <input type="file" name="file" accept=".geojson,.json" required>'
            f'</label> <label>{texts.CRS} <select name="crs">{options(texts.CRS_CHOICES)}</select></label> '
            f'<label><input type="checkbox" name="merge" value="1"> {texts.MERGE}</label> '
            f'<button type="submit">{texts.PREVIEW}</button></form>')


def _map_table(request: web.Request, grid_map: GridMap | None) -> str:
    """The map drawn (SVG, as the console's map page draws it), then its grids as a table."""
    if grid_map is None:
        return ""
    drawing = map_svg(list(grid_map.grids), [], texts.TITLE, "", tiles=tile_source(request.app[SETTINGS]))
    rows = "".join(f"<tr><td>{esc(g.town)}</td><td>{esc(g.community)}</td><td>{esc(g.name)}</td>"
                   f"<td>{esc(g.grid_id)}</td></tr>" for g in grid_map.grids)
    head = "".join(f"<th>{name}</th>" for name in texts.COLUMNS)
    summary = texts.SUMMARY.format(towns=len(grid_map.towns()), communities=len(grid_map.communities()),
                                   grids=len(grid_map.grids))
    return (f'<p>{summary}</p>{drawing}'
            f'<table class="board"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')


async def grids_page(request: web.Request) -> web.Response:
    """GET /console/grids: the current map and the upload form."""
    if not _admin(request):
        return not_found(request)
    current = await request.app[TICKETS].grids.current()
    return _frame(request, f"<h1>{texts.TITLE}</h1>{_upload_form(request[SESSION].csrf)}"
                           f"<h2>{texts.CURRENT}</h2>{_map_table(request, current)}")


async def _read_upload(request: web.Request) -> tuple[bytes | None, dict[str, str], str]:
    """The uploaded file (None: none, or too large, with why) and the form's other fields. The guard
    has read the form already (its CSRF field), so it is taken from there: within the app's body limit."""
    form = await request.post()
    fields = {name: value[:100] for name, value in form.items() if isinstance(value, str)}
    upload = form.get("file")
    if not isinstance(upload, FileField):
        return None, fields, texts.NO_FILE
    data = upload.file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return None, fields, texts.TOO_LARGE.format(mb=MAX_FILE_BYTES // (1024 * 1024))
    return (data or None), fields, "" if data else texts.NO_FILE


async def preview(request: web.Request) -> web.Response:
    """POST /console/grids/preview: the file checked feature by feature; nothing changes."""
    if not _admin(request):
        return not_found(request)
    data, fields, problem = await _read_upload(request)
    csrf = request[SESSION].csrf
    if data is None:
        return _frame(request, f'<p class="notice">{esc(problem)}</p>{_upload_form(csrf)}', 400)
    try:
        review = review_geojson(data)
    except GridMapError as err:
        return _frame(request, f'<p class="notice">{esc(texts.NOT_A_MAP.format(reason=err))}</p>{_upload_form(csrf)}', 400)
    if review.problems:
        return _frame(request, _problems(review) + _upload_form(csrf), 400)
    crs, merge = _crs(fields.get("crs")), fields.get("merge") == "1"
    planned = await _importer(request).plan(in_wgs84(GridMap(review.grids), crs), merge=merge)
    token = secrets.token_urlsafe(16)
    await request.app[TICKETS].store.redis.set(
        keys.console_map_upload(request[ACCOUNT].username, token), data, ex=UPLOAD_TTL_SECONDS)
    return _frame(request, _plan(planned) + _confirm_form(csrf, token, crs, merge, bool(planned.in_use))
                  + f"<h2>{texts.CURRENT}</h2>{_map_table(request, planned.grid_map)}")


def _crs(value: object) -> Crs:
    """The coordinate system a form names (WGS84 unless it names another)."""
    return next((crs for crs in Crs if crs.value == value), Crs.WGS84)


def _importer(request: web.Request) -> GridImporter:
    tickets = request.app[TICKETS]
    return GridImporter(tickets.grids, tickets.people, tickets.store)


def _problems(review: MapReview) -> str:
    head = "".join(f"<th>{name}</th>" for name in texts.PROBLEM_COLUMNS)
    rows = "".join(f"<tr><td>{esc(p.label)}</td><td>{esc(p.problem)}</td></tr>" for p in review.problems)
    return (f'<p class="notice">{esc(texts.PROBLEMS.format(count=len(review.problems)))}</p>'
            f'<table class="board problems"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')


def _plan(planned: ImportOutcome) -> str:
    lines = [texts.READY.format(grids=len(planned.grid_map.grids))]
    if planned.dropped:
        lines.append(texts.DROPS.format(count=len(planned.dropped), ids="、".join(planned.dropped)))
    if planned.in_use:
        items = "、".join(texts.IN_USE_ITEM.format(grid=u.grid_id, workers=u.workers, tickets=u.open_tickets)
                         for u in planned.in_use)
        lines.append(texts.IN_USE.format(items=items))
    if planned.overlaps:
        lines.append(texts.OVERLAPS.format(pairs="、".join(f"{a}/{b}" for a, b in planned.overlaps)))
    return "".join(f"<p>{esc(line)}</p>" for line in lines)


def _confirm_form(csrf: str, token: str, crs: Crs, merge: bool, in_use: bool) -> str:
    force = f'<label><input type="checkbox" name="force" value="1"> {texts.FORCE}</label> ' if in_use else ""
    return (f'<form method="post" action="{PATH}/import">{csrf_field(csrf)}'
            f'<input type="hidden" name="token" value="{esc(token)}"><input type="hidden" name="crs" value="{crs}">'
            f'<input type="hidden" name="merge" value="{"1" if merge else ""}">{force}'
            f'<button type="submit">{texts.CONFIRM}</button></form>')


async def confirm(request: web.Request) -> web.Response:
    """POST /console/grids/import: the previewed file made the map (refused if it drops grids in use,
    unless forced)."""
    if not _admin(request):
        return not_found(request)
    form = await request.post()
    key = keys.console_map_upload(request[ACCOUNT].username, str(form.get("token", "")))
    redis = request.app[TICKETS].store.redis
    data = await redis.get(key)
    csrf = request[SESSION].csrf
    if data is None:
        return _frame(request, f'<p class="notice">{texts.EXPIRED}</p>{_upload_form(csrf)}', 410)
    crs = _crs(form.get("crs"))
    incoming = in_wgs84(GridMap.from_geojson(data), crs)  # previewed: it reads
    outcome = await _importer(request).run(incoming, merge=form.get("merge") == "1", force=form.get("force") == "1")
    if outcome.refused:
        return _frame(request, f'<p class="notice">{texts.REFUSED}</p>{_plan(outcome)}'
                               f'{_confirm_form(csrf, str(form.get("token", "")), crs, form.get("merge") == "1", True)}', 409)
    await redis.delete(key)
    done = texts.IMPORTED.format(version=outcome.version, grids=len(outcome.grid_map.grids))
    return _frame(request, f'<p class="notice" role="status">{esc(done)}</p><h2>{texts.CURRENT}</h2>'
                           f'{_map_table(request, outcome.grid_map)}')


def add_grid_routes(app: web.Application) -> None:
    """GET /console/grids, POST …/preview and …/import."""
    app.router.add_get(PATH, grids_page)
    app.router.add_post(f"{PATH}/preview", preview)
    app.router.add_post(f"{PATH}/import", confirm)
