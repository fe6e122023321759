"""A ticket's actions on the console as forms (POST + CSRF): dispatch to a grid or one of its workers,
recategorise, escalate, link as a duplicate, close with a note. Each is the ticket service's step with
the account (``console:USERNAME``) as the actor, so its rules, audit and notifications are Telegram's.
A ticket out of scope is 404; any other refusal is told on the ticket's page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.channels.console.auth import ACCOUNT
from bot.channels.console.html import csrf_field, esc, options
from bot.channels.console.pages import TICKETS, not_found
from bot.tickets.outcome import Outcome, Refusal
from bot.tickets.record import Ticket
from bot.tickets.service import Tickets
from bot.texts import console as texts
from bot.texts import refusals as refusal_texts

Step = Callable[[Tickets, str, str, dict[str, str]], Awaitable[Outcome]]


def _form(number: str, action: str, csrf: str, fields: str, label: str) -> str:
    return (f'<form method="post" action="/console/tickets/{esc(number)}/{action}" class="action">'
            f'{csrf_field(csrf)}{fields}<button type="submit">{esc(label)}</button></form>')


async def action_forms(tickets: Tickets, ticket: Ticket, viewer: str, csrf: str) -> str:
    """The forms of the steps ``viewer`` may take on ``ticket`` (what the service would accept)."""
    grids = (await tickets.dispatch_choices(ticket.number, viewer)).options
    grid_ids = {grid_id for grid_id, _ in grids}
    workers = [(w.key, f"{w.name or w.key} · {','.join(w.grids)}") for w in await tickets.people.workers()
               if grid_ids & set(w.grids)]
    categories = (await tickets.category_choices(ticket.number, viewer)).options
    n = ticket.number
    forms = [
        _form(n, "dispatch", csrf, f'<select name="grid" required>{options(grids)}</select>'
              f'<label>{texts.TO_WORKER}<select name="worker">{options([("", texts.NONE), *workers])}</select></label>',
              texts.DISPATCH),
        _form(n, "recategorise", csrf, f'<select name="category">{options(categories)}</select>', texts.RECATEGORISE),
        _form(n, "escalate", csrf, f'<input name="note" placeholder="{texts.NOTE}" maxlength="1000">', texts.ESCALATE),
        _form(n, "link", csrf, f'<input name="into" placeholder="{texts.LINK_INTO}" required maxlength="32">', texts.LINK),
        _form(n, "close", csrf, f'<input name="note" placeholder="{texts.NOTE}" required maxlength="1000">', texts.CLOSE),
    ]
    return '<section class="actions">' + "".join(forms) + "</section>"


STEPS: dict[str, Step] = {
    "dispatch": lambda t, n, who, f: t.dispatch(n, who, f.get("grid", ""), f.get("worker") or None),
    "recategorise": lambda t, n, who, f: t.recategorise(n, who, f.get("category", "")),
    "escalate": lambda t, n, who, f: t.escalate(n, who, f.get("note", "")),
    "link": lambda t, n, who, f: t.link_duplicate(n, who, f.get("into", "")),
    "close": lambda t, n, who, f: t.close_with_note(n, who, f.get("note", "")),
}


async def act(request: web.Request) -> web.StreamResponse:
    """POST /console/tickets/NUMBER/ACTION: the step, then back to the ticket's page saying how it went."""
    tickets, account = request.app[TICKETS], request[ACCOUNT]
    step = STEPS.get(request.match_info["action"])
    ticket = await tickets.visible(request.match_info["number"], account.key)
    if step is None or ticket is None:
        return not_found(request)
    form = {name: str(value)[:1000] for name, value in (await request.post()).items() if isinstance(value, str)}
    outcome = await step(tickets, ticket.number, account.key, form)
    if outcome.refusal == Refusal.NOT_FOUND:
        return not_found(request)
    said = texts.DONE if outcome.ok else texts.refused(refusal_texts.refusal(outcome.refusal, ticket.number,
                                                                             outcome.detail))
    location = request.app.router["console-ticket"].url_for(number=ticket.number).with_query(done=said)
    return web.Response(status=303, headers={"Location": str(location)})
