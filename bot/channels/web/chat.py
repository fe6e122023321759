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
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from redis.exceptions import RedisError

from bot.texts import common as common_texts
from bot.texts import refusals as refusal_texts
from bot.texts import faq as faq_texts
from bot.texts import residents as resident_texts
from bot.faq.answers import FaqChoice
from bot.channels.web.faq_replies import choice_label, faq_fields
from bot.channels.web.inbox import InboxWakeups
from bot.intake.conversation import Intake, has_words, says_nothing
from bot.intake.replies import OTHER_CATEGORY, IntakeReply, ReplyKind
from bot.infra import decoded, keys
from bot.infra.open_files import default_event_streams
from bot.tickets.outcome import Outcome, Refusal
from bot.photos.store import PhotoRefusal, PhotoStore
from bot.infra.rate_limit import RateLimiter
from bot.tickets.record import Ticket
from bot.tickets.service import Tickets
from bot.app.http import REDIS, SETTINGS
from bot.channels.web.bodies import UNDECODABLE, read_json_object
from bot.app.client_ip import client_ip
from bot.channels.web.conversation import ConversationLog, Line
from bot.channels.web.event_streams import (KEEP_ALIVE_SECONDS, EventStreams, OpenStream, StreamCap,
                                           begin_event_stream)
from bot.channels.web.sessions import SESSION_TTL, PostCheck, WebSessions

COOKIE = "gb_session"
MAX_TEXT = 2000
KEEP_SESSION_EVERY = 4  # keep-alives: an open page renews its session about once a minute

# A ticket that is not the resident's is "not found", as an unknown number is: numbers cannot be probed.
REFUSAL_STATUS = {Refusal.NOT_FOUND: 404, Refusal.WRONG_STATE: 409, Refusal.TAKEN: 409}

INTAKE = web.AppKey("intake", Intake)
TICKETS = web.AppKey("tickets", Tickets)
PHOTOS = web.AppKey("photos", PhotoStore)
WAKEUPS = web.AppKey("wakeups", InboxWakeups)
CONVERSATION = web.AppKey("conversation", ConversationLog)
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
        data["notice"] = resident_texts.earlier_request_unplaced(reply.earlier.number)
    if reply.to_human:
        data["notice"] = "\n".join(filter(None, (faq_texts.to_human(), data.get("notice"))))
    if reply.services:
        data["emergency"] = emergency_json(reply)
    if reply.small_talk is not None:
        data["answer"] = resident_texts.small_talk(reply.small_talk, reply.ticket, reply.waiting)
    elif reply.kind is ReplyKind.COMMAND:
        data["answer"] = resident_texts.web_command(reply.command or "")
    data.update(faq_fields(reply))
    if reply.kind is ReplyKind.ASK_CATEGORY:
        data["question"] = resident_texts.ask_category(name for _, name in reply.options)
        data["options"] = [{"code": code, "name": name} for code, name in reply.options] + [
            {"code": OTHER_CATEGORY, "name": common_texts.OTHER_CATEGORY}]
    elif reply.kind is ReplyKind.ASK_LOCATION:
        data["question"] = resident_texts.ask_location()
    elif reply.kind is ReplyKind.LOCATION_NOT_FOUND:
        data["question"] = resident_texts.location_not_found(reply.address)
    elif reply.kind is ReplyKind.OUT_OF_AREA:
        data["question"] = resident_texts.out_of_area(reply.towns)
    elif reply.kind is ReplyKind.NOTHING_PENDING:
        data["question"] = resident_texts.nothing_pending()
    if reply.ticket is not None:
        data["number"] = reply.ticket.number
    if reply.parts:  # a message holding several requests: every ticket it opened, the receipt lists them
        data["numbers"] = [ticket.number for ticket in reply.parts]
    return data


def emergency_json(reply: IntakeReply) -> dict[str, Any]:
    """The numbers to call as data (the page makes them ``tel:`` links), then advice and who was told."""
    return {"title": resident_texts.emergency_call(),
            "numbers": [{"number": s, "label": resident_texts.emergency_number(s)} for s in reply.services],
            "text": resident_texts.emergency_details(reply.hazards, reply.alert)}


# What the page shows of a reply, in this order, and how (app.js ``handle``): the answer kept for a reload.
SHOWN = (("notice", ""), ("emergency", "alert emergency"), ("answer", ""), ("question", ""))


def reply_lines(data: dict[str, Any]) -> list[Line]:
    """The lines of a reply (:func:`reply_json`) that the page shows, as the conversation keeps them."""
    return [Line(emergency_html(data[name]) if name == "emergency" else data[name], style)
            for name, style in SHOWN if data.get(name)]


def emergency_html(emergency: dict[str, Any]) -> str:
    """The emergency answer as the page draws it (app.js ``emergency``): the numbers as ``tel:`` links."""
    links = common_texts.listing(f'<a class="call" href="tel:{n["number"]}">{common_texts.esc(n["label"])}</a>'
                           for n in emergency["numbers"])
    return f"<b>{common_texts.esc(emergency['title'])}{links}</b><div>{emergency['text']}</div>"


def outcome_json(outcome: Outcome, number: str, done: str) -> web.Response:
    if outcome.ok:
        return web.json_response({"ok": True, "message": done})
    return error(REFUSAL_STATUS.get(outcome.refusal, 403) if outcome.refusal else 403,
                 refusal_texts.refusal(outcome.refusal, number, outcome.detail))


async def session(request: web.Request) -> web.Response:
    """GET /api/session: resume the anonymous session, or create one (rate-limited per client IP);
    returns its CSRF token."""
    sessions, token = request.app[SESSIONS], request.cookies.get(COOKIE)
    csrf = await sessions.csrf(token) if token else None
    if token is None or csrf is None:
        if not await request.app[LIMITS].sessions_per_client.try_acquire(client_ip(request)):
            return error(429, refusal_texts.too_many_sessions())
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
    if not token:
        return error(401, refusal_texts.session_expired())
    if request.method == "POST":
        check = await sessions.confirm_post(token, request.headers.get("X-CSRF-Token", ""))
        if check is PostCheck.NO_SESSION:
            return error(401, refusal_texts.session_expired())
        if check is PostCheck.BAD_CSRF:
            return error(403, refusal_texts.csrf_failed())
        limits = request.app[LIMITS]
        if not (await limits.posts_per_session.try_acquire(token)
                and await limits.posts_per_client.try_acquire(client_ip(request))):
            return error(429, refusal_texts.too_fast())
    elif await sessions.csrf(token) is None:
        return error(401, refusal_texts.session_expired())
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


def _session_id(request: web.Request) -> str:
    return request[RESIDENT].split(":", 1)[1]


async def _converse(request: web.Request, said: str, reply_to: Callable[[], Awaitable[IntakeReply]]) -> web.Response:
    """Keep the resident's turn, get the intake's reply to it, keep the answer, and send the reply."""
    log, session_id = request.app[CONVERSATION], _session_id(request)
    said_id = await log.said(session_id, said)
    data = reply_json(await reply_to())
    await log.answered(session_id, said_id, reply_lines(data))
    return web.json_response(data)


async def post_message(request: web.Request) -> web.Response:
    """A text from the page: the intake says whether it is small talk, an answer, a place or a request."""
    text = _text_field(await read_json_object(request), "text")
    if len(text) > MAX_TEXT:
        return error(400, resident_texts.text_too_long(MAX_TEXT))
    intake, resident = request.app[INTAKE], request[RESIDENT]
    if says_nothing(text):
        return error(400, resident_texts.empty_text())
    return await _converse(request, text, lambda: intake.message(resident, text, _request_id(request)))


async def post_category(request: web.Request) -> web.Response:
    code = _text_field(await read_json_object(request), "code")
    intake = request.app[INTAKE]
    category = intake.taxonomy.get(code)
    if category is None:  # no button sends that: answered, not kept
        return web.json_response(reply_json(await intake.choose_category(request[RESIDENT], code)))
    return await _converse(request, category.name, lambda: intake.choose_category(request[RESIDENT], code))


async def post_faq(request: web.Request) -> web.Response:
    """已解决 or 转人工办理 under a knowledge-base answer (``choice``: solved | human); a choice with no
    answer waiting is refused (409) and not kept in the conversation."""
    try:
        choice = FaqChoice(_text_field(await read_json_object(request), "choice"))
    except ValueError:
        return error(400, faq_texts.stale_choice())
    intake, resident = request.app[INTAKE], request[RESIDENT]
    if intake.answers is None or await intake.answers.peek(resident) is None:
        return error(409, faq_texts.stale_choice())
    return await _converse(request, choice_label(choice), lambda: intake.faq_choice(resident, choice))


async def post_location(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    intake, resident = request.app[INTAKE], request[RESIDENT]
    if body.get("skip"):
        return await _converse(request, common_texts.SKIP_LOCATION, lambda: intake.skip_location(resident))
    if "address" in body:
        address = _text_field(body, "address")[:200]
        if not has_words(address):
            return error(400, resident_texts.address_needed())
        return await _converse(request, address, lambda: intake.locate_by_address(resident, address))
    try:
        lat, lon = float(body["lat"]), float(body["lon"])
    except (KeyError, TypeError, ValueError, OverflowError):  # OverflowError: an integer beyond any float
        return error(400, resident_texts.location_malformed())
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return error(400, resident_texts.location_malformed())
    return await _converse(request, resident_texts.location_shared(), lambda: intake.locate_by_point(resident, lat, lon))


PHOTO_REFUSAL_STATUS = {PhotoRefusal.TOO_LARGE: 413, PhotoRefusal.TOO_MANY_PIXELS: 413,
                        PhotoRefusal.NOT_A_PHOTO: 415, PhotoRefusal.BROKEN: 400, PhotoRefusal.NO_ROOM: 507}


async def post_photo(request: web.Request) -> web.Response:
    """A photo with a caption (multipart: ``photo``, ``caption``); the photo is re-encoded before it is kept."""
    photos = request.app[PHOTOS]
    try:
        form = await request.post()
    except UnicodeDecodeError:  # a caption that is not UTF-8 (a ValueError too, so caught first)
        return error(400, resident_texts.caption_unreadable())
    except (ValueError, web.HTTPRequestEntityTooLarge):  # over the app's body limit, or a broken form
        return _photo_refused(photos, PhotoRefusal.TOO_LARGE)
    except UNDECODABLE:
        return error(400, refusal_texts.bad_request())
    photo, caption = form.get("photo"), form.get("caption", "")
    caption = caption.strip() if isinstance(caption, str) else ""
    if not has_words(caption):
        return error(400, resident_texts.photo_needs_caption())
    if len(caption) > MAX_TEXT:
        return error(400, resident_texts.caption_too_long(MAX_TEXT))
    if photo is None or not hasattr(photo, "file"):
        return error(400, resident_texts.photo_missing())
    saved = await photos.save(photo.file.read(photos.max_bytes + 1))
    if isinstance(saved, PhotoRefusal):
        return _photo_refused(photos, saved)
    return await _converse(request, resident_texts.photo_sent(caption), lambda: request.app[INTAKE].submit(
        request[RESIDENT], caption, photo=saved.reference, request_id=_request_id(request)))


def _photo_refused(photos: PhotoStore, refusal: PhotoRefusal) -> web.Response:
    return error(PHOTO_REFUSAL_STATUS[refusal], resident_texts.photo_refused(refusal, photos.max_bytes, photos.max_pixels))


async def my_tickets(request: web.Request) -> web.Response:
    """GET /api/tickets: the session's tickets, newest first, as the page lists them."""
    resident = request[RESIDENT]
    tickets = await request.app[TICKETS].seen_by(resident, limit=50)  # a follower's own words, never another's
    return web.json_response({"ok": True, "tickets": [
        {"number": t.number, "status": str(t.status), "status_label": t.status.label, "text": resident_texts.own_words(t),
         "category": t.category, "own": t.resident == resident,  # own: opened by this resident (may cancel)
         **_listed(request, t, resident)}
        for t in tickets]})


def _listed(request: web.Request, ticket: Ticket, resident: str) -> dict[str, Any]:
    """A list line's date, category, grid, and whether this resident may withdraw the ticket now."""
    taxonomy = request.app[TICKETS].taxonomy
    return {"date": common_texts.when(ticket.created_at), "category_name": taxonomy.name(ticket.category),
            "grid": resident_texts.ticket_grid(ticket),
            "can_cancel": ticket.may_be_cancelled_by(resident)}


async def conversation(request: web.Request) -> web.Response:
    """GET /api/conversation: the session's conversation so far (its words, the answers and notifications)
    and the question waiting for an answer, with its buttons: what a reloaded page shows again."""
    history = await request.app[CONVERSATION].history(_session_id(request))
    pending = await request.app[INTAKE].pending(request[RESIDENT])
    return web.json_response({"ok": True, "entries": history.entries, "last_event_id": history.last_event_id,
                              "pending": reply_json(pending) if pending else None})


async def cancel(request: web.Request) -> web.Response:
    number = request.match_info["number"].upper()
    outcome = await request.app[TICKETS].cancel(number, request[RESIDENT])
    return outcome_json(outcome, number, resident_texts.cancelled(number))


async def rate(request: web.Request) -> web.Response:
    number = request.match_info["number"].upper()
    try:
        stars = int((await read_json_object(request)).get("stars", 0))
    except (TypeError, ValueError, OverflowError):
        stars = 0
    outcome = await request.app[TICKETS].rate(number, request[RESIDENT], stars)
    return outcome_json(outcome, number, resident_texts.rated(number, stars))


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
        return error(429, refusal_texts.too_many_pages(per_session=cap is StreamCap.SESSION))
    try:
        return await _send_events(request, stream, written)
    finally:
        streams.close(stream)
        wakeups.unregister(session_id, written)


async def _send_events(request: web.Request, stream: OpenStream, written: asyncio.Event) -> web.StreamResponse:
    """Write the inbox to the page as it grows, until the page goes or ``stream`` is closed."""
    redis, sessions, token = request.app[REDIS], request.app[SESSIONS], request.cookies[COOKIE]
    key = keys.web_inbox(stream.session)
    last = request.headers.get("Last-Event-ID") or "0"  # a new page shows the session's history
    response = await begin_event_stream(request)
    keep_alives = 0
    try:
        await sessions.keep_while_open(token)
        while not stream.closed:
            written.clear()  # before reading: a write after the read wakes the wait below
            found = decoded.stream_entries(await redis.xread({key: last}, count=50))
            if found:
                for entry_id, fields in found:
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


def add_chat_routes(app: web.Application, intake: Intake, tickets: Tickets, photos: PhotoStore,
                    wakeups: InboxWakeups) -> None:
    """Mount the web chat (page, static files, API) on the app of :func:`bot.app.http.build_app`;
    ``wakeups`` must be listening (:meth:`InboxWakeups.listen`) for pages to update live."""
    redis, settings = app[REDIS], app[SETTINGS]
    app[INTAKE], app[TICKETS], app[PHOTOS], app[WAKEUPS] = intake, tickets, photos, wakeups
    app[CONVERSATION] = ConversationLog(redis, SESSION_TTL)
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
    page_texts = f"window.GRIDBOT_TEXTS = {json.dumps(resident_texts.web_page())};\n"

    async def index(request: web.Request) -> web.FileResponse:
        return web.FileResponse(static / "index.html")

    async def texts_script(request: web.Request) -> web.Response:
        return web.Response(text=page_texts, content_type="text/javascript")

    app.router.add_get("/", index)
    app.router.add_get("/page-texts.js", texts_script)
    app.router.add_static("/static/", static)
    app.router.add_get("/api/session", session)
    app.router.add_post("/api/messages", post_message)
    app.router.add_post("/api/category", post_category)
    app.router.add_post("/api/location", post_location)
    app.router.add_post("/api/faq", post_faq)
    app.router.add_post("/api/photo", post_photo)
    app.router.add_get("/api/tickets", my_tickets)
    app.router.add_get("/api/conversation", conversation)
    app.router.add_post("/api/tickets/{number}/cancel", cancel)
    app.router.add_post("/api/tickets/{number}/rate", rate)
    app.router.add_get("/api/events", events)
