"""The HTTP side: one aiohttp application per API (WeChat, WeCom), every call through one pipeline.

The pipeline: count the call, read it (query, JSON or multipart), record it, check the access
token, take an injected fault, run the endpoint, answer JSON (``ensure_ascii=False``). A bug in this
server answers 500 and lands in ``internal_errors``.

WeChat's JSON reader does not decode ``\\u`` escapes: a text sent as ``"\\u4f60"`` arrives as those six
characters, as on the real API (send UTF-8 JSON with ``ensure_ascii=False``). WeCom decodes them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .errors import EMPTY_POST_DATA, WxError, bad_format
from .faults import Fault, Faults
from .state import RecordedCall, State
from .tokens import Token

log = logging.getLogger(__name__)

Answer = dict[str, Any] | web.StreamResponse
Handler = Callable[[State, "Call"], Awaitable[Answer]]
_ESCAPE = re.compile(r"(\\+)u")


@dataclass
class Call:
    """One call as the endpoint sees it."""

    api: str
    path: str
    query: dict[str, str]
    payload: dict[str, Any]
    upload: tuple[bytes, str, str] | None = None  # (data, filename, content type) of field "media"
    token: Token | None = None
    unanswered: bool = False  # a fault will hold or drop the answer: the delivery is flagged so

    @property
    def recipients(self) -> list[str]:
        """The openids / userids the call addresses (for per-recipient faults)."""
        found = [u for u in str(self.payload.get("touser", "")).split("|") if u]
        userids = self.payload.get("userids")
        return found + ([str(u) for u in userids] if isinstance(userids, list) else [])

    def body(self) -> dict[str, Any]:
        """The JSON body, which a POST endpoint needs (44002 without)."""
        if not self.payload:
            raise WxError(EMPTY_POST_DATA)
        return self.payload


@dataclass(frozen=True)
class Endpoint:
    handler: Handler
    auth: bool = True  # needs a valid access_token


def _literal_escapes(text: str) -> str:
    """Keep ``\\uXXXX`` escapes as literal text (WeChat's reader does not decode them)."""
    return _ESCAPE.sub(lambda m: m.group(1) + ("\\" if len(m.group(1)) % 2 else "") + "u", text)


async def read_call(request: web.Request, api: str) -> Call:
    """The call's query, JSON body or multipart upload; 47001 for a body that is not a JSON object."""
    call = Call(api, request.path, dict(request.query), {})
    if request.content_type == "multipart/form-data":
        async for part in await request.multipart():
            if isinstance(part, BodyPartReader) and part.name == "media":
                data = bytes(await part.read())
                call.upload = (data, part.filename or "media", part.headers.get("Content-Type", "application/octet-stream"))
        return call
    raw = await request.read()
    if not raw.strip():
        return call
    try:
        text = raw.decode("utf-8")
        payload = json.loads(_literal_escapes(text) if api == "wechat" else text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_format(f"body is not UTF-8 JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise bad_format("body is not a JSON object")
    call.payload = payload
    return call


def _json(payload: dict[str, Any]) -> web.Response:
    return web.json_response(payload, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _drop(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.abort()
    return web.Response()


class WxApp:
    """Calls in, answers out, for one API."""

    def __init__(self, api: str, endpoints: dict[str, Endpoint], state: State, faults: Faults) -> None:
        self.api, self.endpoints, self.state, self.faults = api, endpoints, state, faults

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.state.calls[f"{self.api} {request.path}"] += 1
        endpoint = self.endpoints.get(request.path)
        if endpoint is None:
            return web.Response(status=404, text="404 page not found")
        record = RecordedCall(self.api, request.path, dict(request.query), None, self.state.clock())
        self.state.requests.append(record)
        try:
            call = await read_call(request, self.api)
            record.payload = call.payload
            answer = await self._answer(request, endpoint, call)
        except WxError as exc:
            answer = exc.payload()
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug in this server: make it visible
            trace = traceback.format_exc()
            self.state.internal_errors.append(trace)
            log.error("WxAPIServer internal error in %s:\n%s", request.path, trace)
            return web.Response(status=500, text="internal error")
        finally:
            self.state.pulse.wake()
        if isinstance(answer, web.StreamResponse):
            return answer
        record.answer = answer
        return _json(answer)

    async def _answer(self, request: web.Request, endpoint: Endpoint, call: Call) -> Answer:
        if endpoint.auth:
            call.token = self.state.tokens.check(call.query.get("access_token"), self.api)
        fault = self.faults.take(self.api, call.path, call.recipients)
        if fault is None:
            return await endpoint.handler(self.state, call)
        return await self._faulty(request, endpoint, call, fault)

    async def _faulty(self, request: web.Request, endpoint: Endpoint, call: Call, fault: Fault) -> Answer:
        kind = fault.kind
        if kind == "errcode":
            raise WxError(int(fault.error), "injected")
        if kind == "status":
            return web.Response(status=int(fault.error), text=f"<html>{fault.error}</html>", content_type="text/html")
        if not fault.delivered:
            return _drop(request)
        call.unanswered = True
        answer = await endpoint.handler(self.state, call)
        if kind == "drop":
            return _drop(request)
        await asyncio.sleep(fault.hold)
        return answer

    def application(self) -> web.Application:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app
