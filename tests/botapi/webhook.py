"""Webhook delivery: each update POSTed to the webhook in order, retried, then given up; a method
returned in the webhook's answer is executed, as Telegram does."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import traceback
from typing import Any

import aiohttp

from .app import BotApi
from .params import Params, read_webhook_answer
from .state import RecordedRequest, State

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookDelivery:
    """Delivers while a webhook is set; ``max_attempts`` tries per update, ``retry_delay`` × attempt apart."""

    def __init__(self, state: State, api: BotApi, http: aiohttp.ClientSession, *, max_attempts: int,
                 retry_delay: float, timeout: float) -> None:
        self.state, self.api, self.http = state, api, http
        self.max_attempts, self.retry_delay, self.timeout = max_attempts, retry_delay, timeout

    def _next(self) -> dict[str, Any] | None:
        return self.state.updates.next() if self.state.webhook.url else None

    async def run(self) -> None:
        """Deliver until cancelled (the server's stop)."""
        pulse = self.state.pulse
        while True:
            update = await pulse.wait_for(self._next, None)
            assert update is not None  # no timeout: the wait ends only with an update
            try:
                await self._deliver(update)
            except asyncio.CancelledError:
                raise
            except Exception:
                trace = traceback.format_exc()
                self.state.internal_errors.append(trace)
                log.error("BotAPIServer webhook delivery error:\n%s", trace)
            self.state.updates.drop(update)
            pulse.wake()

    async def _deliver(self, update: dict[str, Any]) -> bool:
        webhook = self.state.webhook
        headers = {"Content-Type": "application/json"}
        if webhook.secret:
            headers[SECRET_HEADER] = webhook.secret
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        url = webhook.url
        for attempt in range(1, self.max_attempts + 1):
            entry: dict[str, Any] = {"update_id": update["update_id"], "url": url, "attempt": attempt}
            error = await self._post(url, body, headers, entry)
            if error is None:
                return True
            entry["ok"], entry["error"] = False, error
            webhook.deliveries.append(entry)
            webhook.last_error = (int(time.time()), error)
            self.state.pulse.wake()
            if attempt < self.max_attempts:
                await asyncio.sleep(self.retry_delay * attempt)
        return False

    async def _post(self, url: str, body: bytes, headers: dict[str, str], entry: dict[str, Any]) -> str | None:
        """One attempt; None when the webhook took the update (recorded, and its answer executed)."""
        try:
            async with self.http.post(url, data=body, headers=headers,
                                      timeout=aiohttp.ClientTimeout(total=self.timeout)) as response:
                entry["status"] = response.status
                if 200 <= response.status < 300:
                    entry["ok"] = True
                    self.state.webhook.deliveries.append(entry)
                    await self._execute_answer(response)
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            entry["status"] = None
            return f"Connection failed: {type(exc).__name__}: {exc}"

    async def _execute_answer(self, response: aiohttp.ClientResponse) -> None:
        p = await read_webhook_answer(response)
        method = p.values.pop("method", None) if p is not None else None
        if p is None or not isinstance(method, str) or not method:
            return

        async def params() -> Params:
            return p

        status, payload = await self.api.invoke(self.api.token, method, params, "webhook-reply")
        self.state.webhook.requests.append(RecordedRequest(method, {"status": status, **payload}, "webhook-reply",
                                                           time.time()))
