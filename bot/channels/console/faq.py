"""The console's knowledge-base page (``/console/faq``, admin accounts only; anyone else gets 404): every
entry with its question, examples, answer and whether it was checked, a form to edit each one, and a form
to add one. The changes go through :class:`bot.faq.store.FaqStore`, as ``gridbot faq`` does, so every
process answers from them within a second; a refused change changes nothing and says why."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from yarl import URL

from nlp.faq import FaqEntry
from nlp.faq_data import ID_PATTERN

from bot.app.http import REDIS
from bot.channels.console.auth import ACCOUNT, SESSION
from bot.channels.console.classifier import hidden, is_admin
from bot.channels.console.html import csrf_field, esc, page
from bot.faq.store import FaqRefusal, FaqStore
from bot.texts import faq as texts

PATH = "/console/faq"
_SAID = {FaqRefusal.EXISTS: texts.CONSOLE_EXISTS, FaqRefusal.UNKNOWN: texts.CONSOLE_UNKNOWN,
         FaqRefusal.INVALID: texts.CONSOLE_INVALID}


def _fields(entry: FaqEntry | None) -> str:
    """The inputs of one entry's form (a new entry's when ``entry`` is None: then the id is typed)."""
    labels = texts.CONSOLE_FIELDS
    ident = (f'<input type="hidden" name="id" value="{esc(entry.id)}">' if entry is not None else
             f'<label>{esc(labels["id"])}<input name="id" required pattern="[a-z][a-z0-9_]{{1,47}}"></label>')
    question, answer = (entry.question, entry.answer) if entry else ("", "")
    examples = "\n".join(entry.examples) if entry else ""
    checked = " checked" if entry is not None and entry.reviewed else ""
    return (f'{ident}<label>{esc(labels["question"])}<input name="question" value="{esc(question)}" required></label>'
            f'<label>{esc(labels["examples"])}<textarea name="examples" rows="5">{esc(examples)}</textarea></label>'
            f'<label>{esc(labels["answer"])}<textarea name="answer" rows="4" required>{esc(answer)}</textarea></label>'
            f'<label><input type="checkbox" name="reviewed" value="1"{checked}>{esc(labels["reviewed"])}</label>')


def _form(action: str, csrf: str, entry: FaqEntry | None, label: str) -> str:
    return (f'<form method="post" action="{PATH}/{action}" class="faq-entry">{csrf_field(csrf)}'
            f'{_fields(entry)}<button type="submit">{esc(label)}</button></form>')


def _entry(entry: FaqEntry, csrf: str) -> str:
    mark = "" if entry.reviewed else f' <span class="unreviewed">{esc(texts.CONSOLE_NOT_REVIEWED)}</span>'
    return (f'<details class="faq" id="faq-{esc(entry.id)}"><summary><code>{esc(entry.id)}</code> '
            f'{esc(entry.question)}{mark}</summary>{_form("edit", csrf, entry, texts.CONSOLE_SAVE)}</details>')


async def faq_page(request: web.Request) -> web.Response:
    """GET /console/faq: the entries, each with its edit form, and the form for a new one."""
    if not is_admin(request):
        return hidden(request)
    csrf = request[SESSION].csrf
    entries = await FaqStore(request.app[REDIS]).entries()
    said = request.query.get("done", "")
    notice = f'<p class="notice" role="status">{esc(said)}</p>' if said else ""
    listed = "".join(_entry(entry, csrf) for entry in entries) or f"<p>{esc(texts.CONSOLE_EMPTY)}</p>"
    body = (f"{notice}<h1>{esc(texts.CONSOLE_TITLE)}（{len(entries)}）</h1><p>{esc(texts.CONSOLE_NOTE)}</p>"
            f'{listed}<h2>{esc(texts.CONSOLE_ADD)}</h2>{_form("add", csrf, None, texts.CONSOLE_ADD)}')
    return page(texts.CONSOLE_TITLE, body, request[ACCOUNT], csrf)


def entry_of_form(form: MultiDictProxy[Any]) -> FaqEntry:
    """The entry a submitted form describes (examples one a line, blank lines dropped)."""
    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    examples = tuple(line.strip() for line in text("examples").splitlines() if line.strip())
    return FaqEntry(id=text("id"), question=text("question"), answer=text("answer"), examples=examples,
                    reviewed=text("reviewed") == "1")


async def change(request: web.Request) -> web.StreamResponse:
    """POST /console/faq/(add|edit): then back to the page, saying what happened."""
    how = request.match_info["how"]
    if not is_admin(request) or how not in ("add", "edit"):
        return hidden(request)
    entry = entry_of_form(await request.post())
    if not ID_PATTERN.fullmatch(entry.id):
        return _back(texts.CONSOLE_BAD_ID)
    store = FaqStore(request.app[REDIS])
    refusal = await (store.add(entry) if how == "add" else store.edit(entry))
    return _back(_SAID[refusal] if refusal is not None else texts.CONSOLE_SAVED, entry.id if refusal is None else "")


def _back(said: str, entry_id: str = "") -> web.Response:
    location = URL(PATH).with_query(done=said).with_fragment(f"faq-{entry_id}" if entry_id else None)
    return web.Response(status=303, headers={"Location": str(location)})


def add_faq_routes(app: web.Application) -> None:
    """Mount the knowledge-base page and its two steps (behind the console's guard)."""
    app.router.add_get(PATH, faq_page, name="console-faq")
    app.router.add_post(f"{PATH}/{{how}}", change)
