"""JSON request bodies of the web chat: size-limited before they are read, parsed without surprises.

The app's own body limit is the photo upload's (megabytes); a JSON post is a few hundred bytes, so
its routes refuse anything over :data:`JSON_BODY_LIMIT` before reading it whole. A body nested too
deeply for the parser is a bad request like any other malformed one, and so is a body aiohttp cannot
decode (:data:`UNDECODABLE`).
"""

from __future__ import annotations

import json
from typing import Any, TypedDict
from urllib.parse import parse_qsl

from aiohttp import web

from bot.texts import refusals as refusal_texts

JSON_BODY_LIMIT = 16 * 1024  # 2000 characters of text, each escaped as \uXXXX, and room to spare
# What aiohttp raises reading a body it cannot decode: a Content-Encoding that does not decompress
# (RequestPayloadError), an unknown charset (LookupError), a form part's unknown Content-Transfer-Encoding
# (RuntimeError).
UNDECODABLE = (web.RequestPayloadError, LookupError, RuntimeError)


class _ErrorBody(TypedDict):
    text: str
    content_type: str


def _error_body(message: str) -> _ErrorBody:
    return {"text": json.dumps({"ok": False, "error": message}, ensure_ascii=False),
            "content_type": "application/json"}


def bad_request() -> web.HTTPBadRequest:
    """400 请求格式错误, as JSON."""
    return web.HTTPBadRequest(**_error_body(refusal_texts.bad_request()))


def _too_large(limit: int, size: int) -> web.HTTPRequestEntityTooLarge:
    return web.HTTPRequestEntityTooLarge(limit, size, **_error_body(refusal_texts.body_too_large()))


async def _read_at_most(request: web.Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to be over ``limit`` bytes."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit, request.content_length)
    body = bytearray()
    try:
        while chunk := await request.content.readany():
            body += chunk
            if len(body) > limit:
                raise _too_large(limit, len(body))
    except web.RequestPayloadError:
        raise bad_request() from None
    return bytes(body)


async def read_json_object(request: web.Request, limit: int = JSON_BODY_LIMIT) -> dict[str, Any]:
    """The request's JSON object; 413 when over ``limit`` bytes, 400 for anything but a JSON object."""
    raw = await _read_at_most(request, limit)
    try:
        body = json.loads(raw.decode(request.charset or "utf-8"))
    except (ValueError, LookupError, RecursionError):  # bad JSON or UTF-8, an unknown charset, too deep
        raise bad_request() from None
    if not isinstance(body, dict):
        raise bad_request()
    return body


FORM_FIELDS_LIMIT = 100


async def read_form(request: web.Request, limit: int = JSON_BODY_LIMIT) -> dict[str, str]:
    """The fields of an ``application/x-www-form-urlencoded`` body (a repeated name: its last value);
    413 when over ``limit`` bytes, 400 for any other body."""
    if request.content_type != "application/x-www-form-urlencoded":
        raise bad_request()
    raw = await _read_at_most(request, limit)
    try:
        return dict(parse_qsl(raw.decode(request.charset or "utf-8"), keep_blank_values=True,
                              max_num_fields=FORM_FIELDS_LIMIT))
    except (ValueError, LookupError):  # not UTF-8 (or its charset), too many fields
        raise bad_request() from None
