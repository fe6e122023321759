"""The web channel: notifications for web residents go to a per-session inbox stream read over SSE.

An open page does not hold a Redis connection while it waits: delivery appends to the inbox and
publishes the session id on one channel; each process keeps a single subscription and wakes the pages
of that session it serves, which then read their inbox without blocking.
"""

from __future__ import annotations

import asyncio
import json
import logging

from redis.asyncio import Redis

from bot.texts.render import Rendered
from bot.infra import keys
from bot.channels.delivery import SENT_MARKER_TTL, DeliveryResult, Result
from bot.tickets.notifications import Notification

INBOX_LENGTH = 500
log = logging.getLogger(__name__)


# KEYS[1]: the sent marker, KEYS[2]: the inbox. ARGV: event JSON, inbox length, marker ttl, wake channel,
# session id. Appends the event unless the marker says it was appended before.
_APPEND_ONCE = """
if redis.call('SET', KEYS[1], 'sent', 'NX', 'EX', ARGV[3]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'event', ARGV[1])
  redis.call('PUBLISH', ARGV[4], ARGV[5])
end
return 1
"""


class WebChannel:
    """Appends rendered notifications to the resident's inbox; the page receives them live (SSE)."""

    name = "web"
    marks_sent = True

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._append = redis.register_script(_APPEND_ONCE)

    async def deliver(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        """Append to the inbox and set the sent marker at once: a retry after a crash finds the marker."""
        buttons = [[{"text": b.text, "action": b.action, "number": b.number, "arg": b.arg} for b in row]
                   for row in message.buttons]
        payload = {"kind": str(note.kind), "number": note.number, "html": message.text, "buttons": buttons,
                   "status": note.data.get("status")}
        await self._append(keys=[keys.sent(dedupe_key), keys.web_inbox(chat_id)],
                           args=[json.dumps(payload, ensure_ascii=False), INBOX_LENGTH, SENT_MARKER_TTL,
                                 keys.web_inbox_written(), chat_id])
        return DeliveryResult(Result.SENT)


class InboxWakeups:
    """Wakes this process's open pages when their session's inbox was written (one subscription in all)."""

    def __init__(self) -> None:
        self._waiting: dict[str, set[asyncio.Event]] = {}

    def register(self, session_id: str) -> asyncio.Event:
        """An event set whenever ``session_id``'s inbox is written; ``unregister`` it when the page goes."""
        event = asyncio.Event()
        self._waiting.setdefault(session_id, set()).add(event)
        return event

    def unregister(self, session_id: str, event: asyncio.Event) -> None:
        events = self._waiting.get(session_id)
        if events is not None:
            events.discard(event)
            if not events:
                del self._waiting[session_id]

    def wake(self, session_id: str) -> None:
        for event in self._waiting.get(session_id, ()):
            event.set()

    def wake_all(self) -> None:
        """After the subscription was lost (Redis restarting), every page re-reads its inbox."""
        for events in self._waiting.values():
            for event in events:
                event.set()

    async def listen(self, redis: Redis, stop: asyncio.Event) -> None:
        """Follow inbox writes until ``stop`` is set, resubscribing after errors."""
        while not stop.is_set():
            try:
                async with redis.pubsub() as pubsub:
                    await pubsub.subscribe(keys.web_inbox_written())
                    self.wake_all()  # anything written while not subscribed
                    while not stop.is_set():
                        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                        if message and message.get("type") == "message":
                            self.wake(str(message["data"]))
            except Exception:  # Redis restarting: resubscribe
                log.exception("web inbox listener failed; retrying")
                await asyncio.sleep(1.0)
