"""``GET /wechat/tickets/NUMBER?exp=…&sig=…``: the state of one ticket, for the link of a template notice.

A template notice goes out when WeChat refuses a customer-service message (outside the 48-hour window,
over the quota), and it links here. The link is signed (HMAC, like staff photo links, with a secret of
its own in the data dir) and expires, so nobody can read another ticket's page. The page shows only the
number, the category, the state and the timeline of states: never the resident's words, photo, place or
phone, since a link can be forwarded. A wrong, expired or tampered link and an unknown ticket get the
same 404.
"""

from __future__ import annotations

from aiohttp import web

from bot.photos.links import PhotoLinks
from bot.texts import wechat as wechat_texts
from bot.texts.common import esc, status_label, when
from bot.tickets.record import AuditEntry, Ticket
from bot.tickets.service import Tickets

PATH = "/wechat/tickets/"
LINK_TTL_SECONDS = 30 * 24 * 3600
KEY_FILE = "wechat-ticket-links.key"


class TicketPage:
    """Mints ticket links and serves the pages they lead to."""

    def __init__(self, links: PhotoLinks, tickets: Tickets) -> None:
        self.links = links
        self.tickets = tickets

    def url(self, number: str) -> str:
        return self.links.url(number)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(PATH + "{number}", self.show)

    async def show(self, request: web.Request) -> web.Response:
        number, query = request.match_info["number"], request.query
        if not self.links.valid(number, query.get("exp", ""), query.get("sig", "")):
            return _not_found()
        ticket = await self.tickets.get(number)
        if ticket is None:
            return _not_found()
        body = page_html(ticket, self.tickets.taxonomy.name(ticket.category), await self.tickets.store.audit(number))
        return web.Response(text=body, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"})


def timeline(entries: list[AuditEntry]) -> list[tuple[str, str]]:
    """(when, state) of each change of state, oldest first."""
    return [(when(entry.at), status_label(entry.to_status)) for entry in entries
            if entry.to_status and entry.to_status != entry.from_status]


def page_html(ticket: Ticket, category_name: str, entries: list[AuditEntry]) -> str:
    labels = wechat_texts.ticket_page_labels()
    steps = "".join(f"<li>{esc(at)}　{esc(state)}</li>" for at, state in timeline(entries))
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{wechat_texts.ticket_page_title(ticket.number)}</title></head><body>"
        f"<h1>{wechat_texts.ticket_page_title(ticket.number)}</h1><dl>"
        f"<dt>{esc(labels['number'])}</dt><dd>{esc(ticket.number)}</dd>"
        f"<dt>{esc(labels['category'])}</dt><dd>{esc(category_name)}</dd>"
        f"<dt>{esc(labels['status'])}</dt><dd>{esc(ticket.status.label)}</dd></dl>"
        f"<h2>{esc(labels['timeline'])}</h2><ol>{steps}</ol>"
        f"<p>{esc(labels['footer'])}</p></body></html>"
    )


def _not_found() -> web.Response:
    return web.Response(status=404, text="404 Not Found", content_type="text/plain",
                        headers={"Cache-Control": "no-store"})
