"""The Open311 "channel": notifications to a request another system filed are not pushed anywhere.

GeoReport has no push; the filing system reads a request's state with ``GET requests``. The outbox
entries the ticket steps write for its resident (``open311:KEY:ID``) are taken and acknowledged here,
so the stream is trimmed like every other.
"""

from __future__ import annotations

from bot.channels.delivery import DeliveryResult, Result
from bot.texts.render import Rendered
from bot.tickets.notifications import Notification


class Open311Channel:
    """Delivers by doing nothing: the state is read, not sent."""

    name = "open311"
    marks_sent = False

    async def deliver(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        return DeliveryResult(Result.SENT)
