"""Console login and logout, and the guard in front of every other console route: a live session of an
enabled account (else the login page, or 401 for JSON and event streams), and the session's CSRF token
on every POST (form field ``csrf`` or header ``X-CSRF-Token``; else 403).

Failed logins are throttled per username and per client IP (``bot.accounts.throttle``, client IP by
``bot.app.client_ip``): past the limit the answer is 429 with a Chinese message, and no password is
checked; a successful login does not count. The login form carries its own CSRF token (a double-submit cookie), so a login cannot be forged.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from aiohttp import web

from bot.accounts.store import Account, Accounts, console_key
from bot.accounts.throttle import LoginThrottle
from bot.app.client_ip import client_ip
from bot.app.http import REDIS, SETTINGS
from bot.channels.console.html import csrf_field, esc, page
from bot.channels.console.sessions import ConsoleSession, ConsoleSessions
from bot.texts import console as texts
from bot.texts import refusals as refusal_texts

COOKIE = "gb_console"
LOGIN_COOKIE = "gb_console_login"
LOGIN_PATH = "/console/login"
OPEN_PATHS = (LOGIN_PATH, "/console/static/")


ACCOUNTS = web.AppKey("console_accounts", Accounts)
SESSIONS = web.AppKey("console_sessions", ConsoleSessions)
LOGIN_THROTTLE = web.AppKey("console_login_throttle", LoginThrottle)
ACCOUNT = web.RequestKey("console_account", Account)
SESSION = web.RequestKey("console_session", ConsoleSession)


def wants_json(request: web.Request) -> bool:
    """JSON calls and event streams are answered 401, pages are sent to the login page."""
    accept = request.headers.get("Accept", "")
    return request.path.startswith(("/console/api/", "/console/events")) or "application/json" in accept or "text/event-stream" in accept


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Strict", path="/console",
                        secure=request.app[SETTINGS].public_is_https)


@web.middleware
async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
    """Session and CSRF for every console route but the login page and static files."""
    if not request.path.startswith("/console") or request.path.startswith(OPEN_PATHS):
        return await handler(request)
    session = await live_session(request)
    if session is None:
        if wants_json(request):
            return web.json_response({"ok": False, "error": "login required"}, status=401)
        raise web.HTTPFound(LOGIN_PATH)
    if request.method == "POST" and not await _csrf_ok(request, session.csrf):
        return page(refusal_texts.csrf_failed(), f"<p>{esc(refusal_texts.csrf_failed())}</p>", status=403)
    return await handler(request)


async def live_session(request: web.Request) -> ConsoleSession | None:
    """The request's session (renewed), when it is live and its account enabled (a disabled one's is ended)."""
    token = request.cookies.get(COOKIE)
    session = await request.app[SESSIONS].get(token) if token else None
    if session is None:
        return None
    account = await request.app[ACCOUNTS].active(console_key(session.username))
    if account is None:
        await request.app[SESSIONS].end(session.token)
        return None
    request[ACCOUNT], request[SESSION] = account, session
    return session


async def _csrf_ok(request: web.Request, expected: str) -> bool:
    sent = request.headers.get("X-CSRF-Token", "")
    if not sent and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        field = (await request.post()).get("csrf", "")
        sent = field if isinstance(field, str) else ""
    return bool(sent) and hmac.compare_digest(sent, expected)


def _login_page(request: web.Request, message: str = "", status: int = 200) -> web.Response:
    token = secrets.token_urlsafe(24)
    notice = f'<p class="error" role="alert">{esc(message)}</p>' if message else ""
    body = (f'<h1>{esc(texts.LOGIN_TITLE)}</h1>{notice}<form method="post" action="{LOGIN_PATH}" class="login">'
            f'{csrf_field(token)}<label>{esc(texts.USERNAME)}<input name="username" autocomplete="username" required>'
            f'</label><label>{esc(texts.PASSWORD)}<input name="password" type="password" '
            f'autocomplete="current-password" required></label><button type="submit">{esc(texts.LOGIN)}</button></form>')
    response = page(texts.LOGIN_TITLE, body, status=status)
    _set_cookie(request, response, LOGIN_COOKIE, token, 3600)
    return response


async def login_page(request: web.Request) -> web.Response:
    """GET /console/login: the form (to the board at once with a live session)."""
    if await live_session(request) is not None:
        raise web.HTTPFound("/console")
    return _login_page(request)


async def login(request: web.Request) -> web.StreamResponse:
    """POST /console/login: check the form's CSRF, the throttle, the password; a new session on success."""
    form = await request.post()
    sent, expected = str(form.get("csrf", "")), request.cookies.get(LOGIN_COOKIE, "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        return _login_page(request, refusal_texts.csrf_failed(), 403)
    username, password = str(form.get("username", "")).strip().lower()[:64], str(form.get("password", ""))
    attempt = await request.app[LOGIN_THROTTLE].attempt(username, client_ip(request))
    if attempt is None:
        return _login_page(request, texts.login_throttled(), 429)
    account = await request.app[ACCOUNTS].check_password(username, password)
    if account is None:
        return _login_page(request, texts.login_failed(), 401)
    await request.app[LOGIN_THROTTLE].succeeded(attempt)
    session = await request.app[SESSIONS].begin(account.username, request.cookies.get(COOKIE))
    response = web.Response(status=303, headers={"Location": "/console"})
    _set_cookie(request, response, COOKIE, session.token, request.app[SETTINGS].console_session_seconds)
    response.del_cookie(LOGIN_COOKIE, path="/console")
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    """POST /console/logout (CSRF checked by the guard): the session ends."""
    await request.app[SESSIONS].end(request[SESSION].token)
    response = web.Response(status=303, headers={"Location": LOGIN_PATH})
    response.del_cookie(COOKIE, path="/console")
    return response


def add_auth(app: web.Application, accounts: Accounts) -> None:
    """Mount login and logout and the guard; sessions and limits from the app's settings and Redis."""
    redis, settings = app[REDIS], app[SETTINGS]
    app[ACCOUNTS] = accounts
    app[SESSIONS] = ConsoleSessions(redis, settings.console_idle_seconds, settings.console_session_seconds)
    app[LOGIN_THROTTLE] = LoginThrottle(redis, settings.console_logins_per_username_per_minute,
                                        settings.console_logins_per_ip_per_minute)
    app.middlewares.append(guard)
    app.router.add_get(LOGIN_PATH, login_page)
    app.router.add_post(LOGIN_PATH, login)
    app.router.add_post("/console/logout", logout)
