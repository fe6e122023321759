"""How the bot gets its updates: long polling, or a webhook it sets, reads and deletes."""

from __future__ import annotations

import re
from typing import Any

from ..errors import ApiError, Described, bad
from ..params import Params
from ..state import Handler, State

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


async def get_updates(state: State, p: Params) -> list[dict[str, Any]]:
    """Long polling: answers as soon as there is an update, or after ``timeout`` with none.

    A newer getUpdates (or a setWebhook) ends a waiting one with 409, as on Telegram."""
    if state.webhook.url:
        raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                            "use deleteWebhook to delete the webhook first")
    offset = p.get_int("offset", 0) or 0
    limit = min(max(p.get_int("limit", 100) or 100, 1), 100)
    timeout = max(p.get_int("timeout", 0) or 0, 0)
    if p.has("allowed_updates"):
        state.allowed_updates = p.get_json("allowed_updates")
    state.updates.confirm(offset)
    state.poll_generation += 1
    generation = state.poll_generation

    def batch() -> list[dict[str, Any]] | None:
        if state.pulse.closing:
            return []
        if generation != state.poll_generation:
            raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                "make sure that only one bot instance is running")
        return state.updates.take(limit) or None

    return await state.pulse.wait_for(batch, timeout) or []


async def set_webhook(state: State, p: Params) -> Described:
    url = p.get_str("url", "") or ""
    if not url:
        return await delete_webhook(state, p)
    if not re.match(r"https?://[^/\s]+", url):
        raise bad("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get_str("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
        raise bad("secret token contains unallowed characters")
    if p.get_bool("drop_pending_updates"):
        state.updates.clear_pending()
    webhook = state.webhook
    already = url == webhook.url and secret == webhook.secret
    webhook.url, webhook.secret = url, secret
    webhook.max_connections = p.get_int("max_connections", 40) or 40
    if p.has("allowed_updates"):
        state.allowed_updates = p.get_json("allowed_updates")
    webhook.last_error = None
    state.poll_generation += 1  # a pending getUpdates ends with 409, as on Telegram
    state.pulse.wake()
    return Described(True, "Webhook is already set" if already else "Webhook was set")


async def delete_webhook(state: State, p: Params) -> Described:
    if p.get_bool("drop_pending_updates"):
        state.updates.clear_pending()
    webhook = state.webhook
    was_set = bool(webhook.url)
    webhook.url, webhook.secret, webhook.last_error = "", None, None
    state.pulse.wake()
    return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


async def get_webhook_info(state: State, p: Params) -> dict[str, Any]:
    webhook = state.webhook
    info: dict[str, Any] = {"url": webhook.url, "has_custom_certificate": False,
                            "pending_update_count": len(state.updates.waiting)}
    if webhook.url:
        info["max_connections"] = webhook.max_connections
        info["ip_address"] = "127.0.0.1"
        if state.allowed_updates is not None:
            info["allowed_updates"] = state.allowed_updates
    if webhook.last_error:
        info["last_error_date"], info["last_error_message"] = webhook.last_error
    return info


METHODS: dict[str, Handler] = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
