"""The Open311 GeoReport v2 routes at ``/open311/v2/`` (each in ``.json`` and ``.xml``).

- ``GET services``: one service per category.
- ``GET requests``: by ``service_request_id`` (comma-separated; then nothing else counts), else those
  opened between ``start_date`` and ``end_date`` (default: the last 90 days; at most 90 days), of
  ``service_code`` and ``status`` (open|closed), newest first, at most 1000.
- ``POST requests`` (form-encoded): needs a valid ``api_key`` (403), a location (``lat`` + ``long`` or
  ``address_string``) and a ``description`` (400); ``service_code`` may be left out (classified).
- ``GET requests/ID``.

Calls are rate-limited per API key, and reads without a key per client address (429). Errors are
GeoReport's array of ``{code, description}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from nlp.taxonomy import Taxonomy

from bot.accounts.apikeys import ApiKeys
from bot.app.client_ip import client_ip
from bot.channels.open311 import params
from bot.channels.open311.errors import Open311Error, bad_request, forbidden, not_found, too_many
from bot.channels.open311.formats import FORMATS, answer, error_answer
from bot.channels.open311.mapping import service, service_request
from bot.channels.web.bodies import read_form
from bot.infra.clock import Clock
from bot.infra.rate_limit import RateLimiter
from bot.intake.filed import FiledRequest, Filing
from bot.texts import open311 as texts
from bot.tickets.store import TicketStore
from bot.tickets.window import tickets_in_window

BASE = "/open311/v2"
_EXTENSION = "{format:(json|xml)}"
Handler = Callable[[web.Request], Awaitable[web.Response]]


@dataclass
class Open311:
    """What the routes use."""

    filing: Filing
    store: TicketStore
    taxonomy: Taxonomy
    api_keys: ApiKeys
    clock: Clock
    per_key: RateLimiter
    per_client: RateLimiter


OPEN311 = web.AppKey("open311", Open311)


def _format(request: web.Request) -> str:
    fmt = request.match_info.get("format") or request.path.rpartition(".")[2]
    return fmt if fmt in FORMATS else "json"


def _api(handler: Handler) -> Handler:
    """Answer an :class:`Open311Error` as GeoReport's error array, in the format the path asked for."""
    async def guarded(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except Open311Error as error:
            return error_answer(_format(request), error.rows(), error.status)
    return guarded


async def _admit(request: web.Request, api_key: str | None, *, required: bool) -> str | None:
    """The caller's key name (None: none given, when none is ``required``), once its rate allows."""
    api = request.app[OPEN311]
    name = await api.api_keys.verify(api_key) if api_key else None
    if name is None and (required or api_key):
        raise forbidden(texts.missing_api_key() if not api_key else texts.bad_api_key())
    allowed = await (api.per_key.try_acquire(name) if name else api.per_client.try_acquire(client_ip(request)))
    if not allowed:
        raise too_many(texts.too_many_requests())
    return name


async def services(request: web.Request) -> web.Response:
    await _admit(request, request.query.get("api_key"), required=False)
    rows = [service(category) for category in request.app[OPEN311].taxonomy.categories]
    return answer(_format(request), "services", "service", rows)


async def list_requests(request: web.Request) -> web.Response:
    await _admit(request, request.query.get("api_key"), required=False)
    api = request.app[OPEN311]
    search = params.search(request.query, api.clock.now())
    if search.window is None:
        tickets = await api.store.get_many(search.ids)
    else:
        tickets = await tickets_in_window(api.store, search.window, params.MAX_REQUESTS)
    rows = [service_request(ticket, api.taxonomy) for ticket in tickets]
    return answer(_format(request), "service_requests", "request", rows)


async def one_request(request: web.Request) -> web.Response:
    await _admit(request, request.query.get("api_key"), required=False)
    api = request.app[OPEN311]
    number = request.match_info["id"]
    ticket = await api.store.get(number) if params.NUMBER.fullmatch(number) else None
    if ticket is None:
        raise not_found(texts.not_found())
    return answer(_format(request), "service_requests", "request", [service_request(ticket, api.taxonomy)])


async def file_request(request: web.Request) -> web.Response:
    try:
        form = await read_form(request)
    except (web.HTTPBadRequest, web.HTTPRequestEntityTooLarge):
        raise bad_request(texts.bad_body()) from None
    name = await _admit(request, form.get("api_key") or request.query.get("api_key"), required=True)
    assert name is not None
    fields = params.posted(form)
    api = request.app[OPEN311]
    if fields.service_code is not None and not api.filing.knows(fields.service_code):
        raise bad_request(texts.unknown_service(fields.service_code))
    opened = await api.filing.file(FiledRequest(name, fields.description, fields.service_code, fields.point,
                                                fields.address))
    number = opened.ticket.number
    row = {"service_request_id": number, "service_notice": texts.linked(number) if opened.linked else texts.opened(number),
           "account_id": None}
    return answer(_format(request), "service_requests", "request", [row], status=201)


async def unknown(request: web.Request) -> web.Response:
    raise not_found(texts.unknown_path())


def add_open311_routes(app: web.Application, api: Open311) -> None:
    """Mount ``/open311/v2/`` on the app of :func:`bot.app.http.build_app`."""
    app[OPEN311] = api
    app.router.add_get(f"{BASE}/services.{_EXTENSION}", _api(services))
    app.router.add_get(f"{BASE}/requests.{_EXTENSION}", _api(list_requests))
    app.router.add_post(f"{BASE}/requests.{_EXTENSION}", _api(file_request))
    app.router.add_get(f"{BASE}/requests/{{id}}.{_EXTENSION}", _api(one_request))
    app.router.add_route("*", BASE + "/{tail:.*}", _api(unknown))

