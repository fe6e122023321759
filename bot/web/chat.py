"""The resident web chat API: the same intake and tickets as Telegram, for a browser session.

A session is an anonymous random token in an HttpOnly cookie; the resident key is a hash of it, so
the token never appears in tickets. Every POST needs the session's CSRF token in ``X-CSRF-Token``.
Posts are rate-limited per session and per client IP, and so is creating sessions per client IP. Live
updates arrive over server-sent events, resumable with ``Last-Event-ID`` after a reconnect; open streams
are capped per session, per client IP and in all.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from redis.exceptions import RedisError

from bot import texts
from bot.channels.web import InboxWakeups, inbox_key
from bot.intake import Intake, IntakeReply, has_words
from bot.open_files import default_event_streams
from bot.outcome import Outcome
from bot.rate_limit import RateLimiter
from bot.tickets import Tickets
from bot.web.app import REDIS, SETTINGS, STORE
from bot.web.bodies import read_json_object
from bot.web.client_ip import client_ip
from bot.web.event_streams import EventStreams, OpenStream
from bot.web.sessions import SESSION_TTL, PostCheck, WebSessions

COOKIE = "gb_session"
MAX_TEXT = 2000
KEEP_ALIVE_SECONDS = 15.0
KEEP_SESSION_EVERY = 4  # keep-alives: an open page renews its session about once a minute
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png", b"RIFF": ".webp"}

INTAKE = web.AppKey("intake", Intake)
TICKETS = web.AppKey("tickets", Tickets)
UPLOADS = web.AppKey("uploads", Path)
WAKEUPS = web.AppKey("wakeups", InboxWakeups)
SESSIONS = web.AppKey("sessions", WebSessions)
STREAMS = web.AppKey("event_streams", EventStreams)
RESIDENT = web.RequestKey("resident", str)


@dataclass(frozen=True)
class WebLimits:
    """The web chat's rate limits (shared by all processes through Redis)."""

    posts_per_session: RateLimiter
    posts_per_client: RateLimiter
    sessions_per_client: RateLimiter


LIMITS = web.AppKey("limits", WebLimits)


def resident_of(session_token: str) -> str:
    """The resident key of a session (a hash: the secret token itself is never stored in tickets)."""
    return "web:" + hashlib.sha256(session_token.encode()).hexdigest()[:24]


def error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


def reply_json(reply: IntakeReply) -> dict[str, Any]:
    data: dict[str, Any] = {"ok": True, "kind": reply.kind}
    if reply.earlier is not None:
        data["notice"] = texts.earlier_request_unplaced(reply.earlier.number)
    if reply.services:
        data["emergency"] = texts.emergency(reply.services)
    if reply.kind == "ask_category":
        data["question"] = texts.ask_category(name for _, name in reply.options)
        data["options"] = [{"code": code, "name": name} for code, name in reply.options] + [
            {"code": "other", "name": texts.OTHER_CATEGORY}]
    elif reply.kind == "ask_location":
        data["question"] = texts.ask_location()
    elif reply.kind == "location_not_found":
        data["question"] = texts.location_not_found(reply.address)
    elif reply.kind == "nothing_pending":
        data["question"] = texts.nothing_pending()
    if reply.ticket is not None:
        data["number"] = reply.ticket.number
    return data


def outcome_json(outcome: Outcome, number: str, done: str) -> web.Response:
    if outcome.ok:
        return web.json_response({"ok": True, "message": done})
    return error(409 if outcome.refusal and str(outcome.refusal) in ("wrong_state", "taken") else 403,
                 texts.refusal(str(outcome.refusal), number, outcome.detail))


async def session(request: web.Request) -> web.Response:
    """GET /api/session: resume the anonymous session, or create one (rate-limited per client IP);
    returns its CSRF token."""
    sessions, token = request.app[SESSIONS], request.cookies.get(COOKIE)
    csrf = await sessions.csrf(token) if token else None
    if token is None or csrf is None:
        if not await request.app[LIMITS].sessions_per_client.try_acquire(client_ip(request)):
            return error(429, texts.too_many_sessions())
        token, csrf = await sessions.create()
    response = web.json_response({"ok": True, "csrf": csrf})
    response.set_cookie(COOKIE, token, max_age=SESSION_TTL, httponly=True, samesite="Strict", path="/",
                        secure=request.app[SETTINGS].public_is_https)
    return response


@web.middleware
async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
    """Sessions, CSRF and rate limits for /api/ (except creating the session)."""
    if not request.path.startswith("/api/") or request.path == "/api/session":
        return await handler(request)
    token, sessions = request.cookies.get(COOKIE), request.app[SESSIONS]
    if request.method == "POST":
        sent = request.headers.get("X-CSRF-Token", "")
        check = await sessions.confirm_post(token, sent) if token else PostCheck.NO_SESSION
        if check is PostCheck.NO_SESSION:
            return error(401, texts.session_expired())
        if check is PostCheck.BAD_CSRF:
            return error(403, texts.csrf_failed())
        limits = request.app[LIMITS]
        if not (await limits.posts_per_session.try_acquire(token)
                and await limits.posts_per_client.try_acquire(client_ip(request))):
            return error(429, texts.too_fast())
    elif not token or await sessions.csrf(token) is None:
        return error(401, texts.session_expired())
    request[RESIDENT] = resident_of(token)
    return await handler(request)


def _text_field(body: dict[str, Any], name: str) -> str:
    """A string field of a JSON body ('' when missing or not a string: a number or list is no message)."""
    value = body.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _request_id(request: web.Request) -> str | None:
    """The page's id for one send (``X-Request-Id``): a resent or doubled post opens its ticket once."""
    sent = request.headers.get("X-Request-Id", "")
    if not (0 < len(sent) <= 64 and all(ch.isalnum() or ch == "-" for ch in sent)):
        return None
    return f"{request[RESIDENT]}:{sent}"


async def post_message(request: web.Request) -> web.Response:
    text = _text_field(await read_json_object(request), "text")
    if not has_words(text):
        return error(400, texts.empty_text())
    if len(text) > MAX_TEXT:
        return error(400, f"内容太长了，请控制在 {MAX_TEXT} 字以内。")
    intake = request.app[INTAKE]
    resident = request[RESIDENT]
    request_id = _request_id(request)
    if await intake.waiting_step(resident) == "location":
        return web.json_response(reply_json(await intake.locate_by_address(resident, text, request_id)))
    return web.json_response(reply_json(await intake.submit(resident, text, request_id=request_id)))


async def post_category(request: web.Request) -> web.Response:
    code = _text_field(await read_json_object(request), "code")
    return web.json_response(reply_json(await request.app[INTAKE].choose_category(request[RESIDENT], code)))


async def post_location(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    intake, resident = request.app[INTAKE], request[RESIDENT]
    if body.get("skip"):
        return web.json_response(reply_json(await intake.skip_location(resident)))
    if "address" in body:
        address = _text_field(body, "address")[:200]
        if not has_words(address):
            return error(400, "请输入地址，如：西正路8号。")
        return web.json_response(reply_json(await intake.locate_by_address(resident, address)))
    try:
        lat, lon = float(body["lat"]), float(body["lon"])
    except (KeyError, TypeError, ValueError):
        return error(400, "位置格式不对。")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return error(400, "位置格式不对。")
    return web.json_response(reply_json(await intake.locate_by_point(resident, lat, lon)))


async def post_photo(request: web.Request) -> web.Response:
    """A photo with a caption (multipart: ``photo``, ``caption``), size and type checked."""
    try:
        form = await request.post()
    except UnicodeDecodeError:  # a caption that is not UTF-8 (a ValueError too, so caught first)
        return error(400, "照片说明里有无法识别的文字，请重新输入后再发。")
    except (ValueError, web.HTTPRequestEntityTooLarge):  # over the app's body limit, or a broken form
        return error(413, "照片太大了（最大 5 MB）。")
    photo, caption = form.get("photo"), form.get("caption", "")
    caption = caption.strip() if isinstance(caption, str) else ""
    if not has_words(caption):
        return error(400, texts.photo_needs_caption())
    if len(caption) > MAX_TEXT:
        return error(400, f"说明太长了，请控制在 {MAX_TEXT} 字以内。")
    if photo is None or not hasattr(photo, "file"):
        return error(400, "请选择一张照片。")
    data = photo.file.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        return error(413, "照片太大了（最大 5 MB）。")
    suffix = next((s for magic, s in PHOTO_TYPES.items() if data.startswith(magic)), None)
    if suffix is None or (suffix == ".webp" and data[8:12] != b"WEBP"):
        return error(415, "只支持 JPEG、PNG、WebP 照片。")
    name = f"{uuid.uuid4().hex}{suffix}"
    uploads = request.app[UPLOADS]
    await asyncio.to_thread(_save, uploads / name, data)
    reply = await request.app[INTAKE].submit(request[RESIDENT], caption, photo=f"web:{name}",
                                             request_id=_request_id(request))
    return web.json_response(reply_json(reply))


def _save(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


async def my_tickets(request: web.Request) -> web.Response:
    resident = request[RESIDENT]
    tickets = await request.app[STORE].list(resident=resident, limit=50)
    return web.json_response({"ok": True, "tickets": [
        {"number": t.number, "status": str(t.status), "status_label": t.status.label, "text": t.text,
         "category": t.category, "own": t.resident == resident}  # own: opened by this resident (may cancel)
        for t in tickets]})


async def cancel(request: web.Request) -> web.Response:
    number = request.match_info["number"].upper()
    outcome = await request.app[TICKETS].cancel(number, request[RESIDENT])
    return outcome_json(outcome, number, texts.cancelled(number))


async def rate(request: web.Request) -> web.Response:
    number = request.match_info["number"].upper()
    try:
        stars = int((await read_json_object(request)).get("stars", 0))
    except (TypeError, ValueError, OverflowError):
        stars = 0
    outcome = await request.app[TICKETS].rate(number, request[RESIDENT], stars)
    return outcome_json(outcome, number, texts.rated(number, stars))


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: this session's notifications, from Last-Event-ID on (reconnects resume).
    Refused with 429 past the caps on open streams (per session, per client IP, in all)."""
    wakeups, streams = request.app[WAKEUPS], request.app[STREAMS]
    session_id = request[RESIDENT].split(":", 1)[1]
    written = wakeups.register(session_id)
    stream = OpenStream(session_id, client_ip(request), lambda: request.transport is not None, written.set)
    cap = streams.open(stream)
    if cap is not None:
        wakeups.unregister(session_id, written)
        return error(429, texts.too_many_pages(cap.value))
    try:
        return await _send_events(request, stream, written)
    finally:
        streams.close(stream)
        wakeups.unregister(session_id, written)


async def _send_events(request: web.Request, stream: OpenStream, written: asyncio.Event) -> web.StreamResponse:
    """Write the inbox to the page as it grows, until the page goes or ``stream`` is closed."""
    redis, sessions, token = request.app[REDIS], request.app[SESSIONS], request.cookies[COOKIE]
    key = inbox_key(stream.session)
    last = request.headers.get("Last-Event-ID") or "0"  # a new page shows the session's history
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)
    await response.write(b": connected\n\n")
    keep_alives = 0
    try:
        await sessions.keep_while_open(token)
        while not stream.closed:
            written.clear()  # before reading: a write after the read wakes the wait below
            found = await redis.xread({key: last}, count=50)
            if found:
                for entry_id, fields in found[0][1]:
                    last = entry_id
                    await response.write(f"id: {entry_id}\nevent: notification\ndata: {fields['event']}\n\n".encode())
                continue
            try:
                await asyncio.wait_for(written.wait(), KEEP_ALIVE_SECONDS)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                keep_alives += 1
                if keep_alives % KEEP_SESSION_EVERY == 0:
                    await sessions.keep_while_open(token)
    except (ConnectionResetError, RedisError):  # the page went away, or Redis restarts: it reconnects
        pass
    return response


def add_chat_routes(app: web.Application, intake: Intake, tickets: Tickets, uploads: Path,
                    wakeups: InboxWakeups) -> None:
    """Mount the web chat (page, static files, API) on the app of :func:`bot.web.app.build_app`;
    ``wakeups`` must be listening (:meth:`InboxWakeups.listen`) for pages to update live."""
    redis, settings = app[REDIS], app[SETTINGS]
    app[INTAKE], app[TICKETS], app[UPLOADS], app[WAKEUPS] = intake, tickets, uploads, wakeups
    app[SESSIONS] = WebSessions(redis)
    per_minute = settings.web_sessions_per_ip_per_minute  # at most that many at once, then as many a minute
    app[LIMITS] = WebLimits(RateLimiter(redis, "web-session", 0.5, 20), RateLimiter(redis, "web-ip", 2, 60),
                            RateLimiter(redis, "web-new-session", per_minute / 60, per_minute - 1))
    streams = EventStreams(settings.web_event_streams_per_session, settings.web_event_streams_per_ip,
                           settings.web_event_streams_total or default_event_streams())
    app[STREAMS] = streams

    async def end_streams(app: web.Application) -> None:
        streams.close_all()

    app.on_shutdown.append(end_streams)
    app.middlewares.append(guard)
    static = Path(__file__).parent / "static"
    async def index(request: web.Request) -> web.FileResponse:
        return web.FileResponse(static / "index.html")

    app.router.add_get("/", index)
    app.router.add_static("/static/", static)
    app.router.add_get("/api/session", session)
    app.router.add_post("/api/messages", post_message)
    app.router.add_post("/api/category", post_category)
    app.router.add_post("/api/location", post_location)
    app.router.add_post("/api/photo", post_photo)
    app.router.add_get("/api/tickets", my_tickets)
    app.router.add_post("/api/tickets/{number}/cancel", cancel)
    app.router.add_post("/api/tickets/{number}/rate", rate)
    app.router.add_get("/api/events", events)
