"""The HTTP side: ``{base}/bot{token}/{method}`` calls and ``{base}/file/bot{token}/{path}`` downloads.

Answers have the real shapes: ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": N,
"description": "…", "parameters": {"retry_after": S}}``, with the same HTTP status as error_code.
Method names are case-insensitive. Every call is counted and recorded, then delayed or failed as the
test injected, then handled.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .errors import ApiError, Described
from .faults import Faults
from .methods import METHODS
from .params import Params, read_request
from .state import RecordedRequest, State

log = logging.getLogger(__name__)

_NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}


def _json(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


class BotApi:
    """Calls in, answers out: authentication, recording, injected faults, the method, error answers."""

    def __init__(self, state: State, token: str, faults: Faults) -> None:
        self.state, self.token, self.faults = state, token, faults
        self._index = {name.lower(): name for name in METHODS}

    def canonical(self, method: str) -> str:
        """The method's real spelling (``SENDMESSAGE`` → ``sendMessage``); unknown names as given."""
        return self._index.get(method.lower(), method)

    async def invoke(self, token: str, method: str, get_params: Callable[[], Awaitable[Params]],
                     via: str) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON answer) of one call; ``via`` is "http" or "webhook-reply"."""
        name = self.canonical(method)
        self.state.calls[name] += 1
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if name not in METHODS:
                raise ApiError(404, "Not Found: method not found")
            result = await self._call(name, await get_params(), via)
        except ApiError as exc:
            return exc.status, exc.payload()
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug in this server: make it visible
            trace = traceback.format_exc()
            self.state.internal_errors.append(trace)
            log.error("BotAPIServer internal error in %s:\n%s", name, trace)
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        if isinstance(result, Described):
            return 200, {"ok": True, "result": result.result, "description": result.description}
        return 200, {"ok": True, "result": result}

    async def _call(self, name: str, p: Params, via: str) -> Any:
        self.state.requests.append(RecordedRequest(name, p.for_log(), via, time.time(), p.content_type))
        self.state.pulse.wake()
        if delay := self.faults.delay_of(name):
            await asyncio.sleep(delay)
        self.faults.raise_next(name)
        return await METHODS[name](self.state, p)

    async def _handle_api(self, request: web.Request) -> web.Response:
        async def params() -> Params:
            return await read_request(request)

        status, payload = await self.invoke(request.match_info["token"], request.match_info["method"], params, "http")
        return _json(payload, status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        self.state.calls["file"] += 1
        stored = self.state.files.by_path(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return _json(_NOT_FOUND, 404)
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return _json(_NOT_FOUND, 404)

    def application(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        return app


async def serve(app: web.Application, host: str) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on a free port of ``host``; the runner (to clean up) and the port."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    await web.SockSite(runner, sock).start()
    return runner, sock.getsockname()[1]
