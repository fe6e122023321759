"""Console pages as server-rendered HTML: one frame (header, account, logout form) around each page.
No inline script or style: the app's CSP is ``default-src 'self'``; the look is in ``static/console.css``."""

from __future__ import annotations

import html as html_escape
from collections.abc import Iterable

from aiohttp import web

from bot.accounts.scope import Role
from bot.accounts.store import Account
from bot.texts import console as texts


def page(title: str, body: str, account: Account | None = None, csrf: str = "", status: int = 200,
         scripts: Iterable[str] = ()) -> web.Response:
    """A whole page; with ``account`` its header names the account and offers logout."""
    header = ""
    if account is not None:
        pages = list(texts.NAVIGATION) + (list(texts.ADMIN_NAVIGATION) if account.scope.role is Role.ADMIN else [])
        nav = "".join(f'<a href="{path}">{esc(label)}</a>' for path, label in pages)
        header = (f'<header><a href="/console">{esc(texts.TITLE)}</a><nav class="pages">{nav}</nav>'
                  f'<span class="who">{esc(account.username)} · {esc(texts.scope_label(account.scope))}</span>'
                  f'<form method="post" action="/console/logout">{csrf_field(csrf)}'
                  f'<button type="submit">{esc(texts.LOGOUT)}</button></form></header>')
    tags = "".join(f'<script src="{esc(src)}" defer></script>' for src in scripts)
    html = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(title)} · {esc(texts.TITLE)}</title>'
            f'<link rel="stylesheet" href="/console/static/console.css">{tags}</head>'
            f'<body>{header}<main>{body}</main></body></html>')
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)


def esc(text: object) -> str:
    """Text safe in HTML, attribute values too (quotes escaped: console pages put tickets' words in forms)."""
    return html_escape.escape(str(text), quote=True)


def csrf_field(csrf: str) -> str:
    """The hidden CSRF field every console form carries."""
    return f'<input type="hidden" name="csrf" value="{esc(csrf)}">'


def options(choices: Iterable[tuple[str, str]], selected: str = "") -> str:
    """``<option>``s of ``(value, label)`` pairs."""
    return "".join(f'<option value="{esc(value)}"{" selected" if value == selected else ""}>{esc(label)}</option>'
                   for value, label in choices)
