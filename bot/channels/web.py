"""The web channel: notifications for web residents go to a per-session inbox stream read over SSE."""

from __future__ import annotations

import json

from redis.asyncio import Redis

from bot.channels.render import Rendered
from bot.delivery import DeliveryResult, Result
from bot.notifications import Notification

INBOX_LENGTH = 500


def inbox_key(session_id: str) -> str:
    return f"gb:web:inbox:{session_id}"


class WebChannel:
    """Appends rendered notifications to the resident's inbox; the page receives them live (SSE)."""

    name = "web"

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def deliver(self, chat_id: str, message: Rendered, note: Notification) -> DeliveryResult:
        buttons = [[{"text": b.text, "action": b.action, "number": b.number, "arg": b.arg} for b in row]
                   for row in message.buttons]
        payload = {"kind": str(note.kind), "number": note.number, "html": message.text, "buttons": buttons,
                   "status": note.data.get("status")}
        await self.redis.xadd(inbox_key(chat_id), {"event": json.dumps(payload, ensure_ascii=False)},
                              maxlen=INBOX_LENGTH, approximate=True)
        return DeliveryResult(Result.SENT)
