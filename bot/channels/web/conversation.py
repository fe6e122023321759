"""A web session's conversation, kept so that a reloaded page shows it again.

The resident's words and the bot's direct answers go to a per-session log: a Redis stream, capped in
length, that expires with the session. Notifications (receipts, status changes) are in the session's
inbox already. :meth:`ConversationLog.history` merges the two by stream id, which for both is the
clock of the one Redis server, so the page gets them back in the order they happened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.typing import EncodableT, FieldT

from bot.infra import keys
from bot.intake.conversation import valid_unicode

CONVERSATION_LENGTH = 200  # entries kept per session, and entries a reloaded page shows


@dataclass(frozen=True)
class Line:
    """One thing the bot answered: HTML from bot/texts/, and how it is shown ("" or "alert")."""

    html: str
    style: str = ""


@dataclass(frozen=True)
class History:
    """A session's conversation, oldest first, and the newest inbox event in it."""

    entries: list[dict[str, Any]]
    # The page skips this event and older ones when its event stream replays them.
    last_event_id: str | None


def _order(entry_id: str) -> tuple[int, int]:
    """A stream id ("1795482000000-3") as something that sorts as time does."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


class ConversationLog:
    """What a web resident said and what the bot answered, per session."""

    def __init__(self, redis: Redis, ttl_seconds: int, length: int = CONVERSATION_LENGTH) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.length = length

    async def said(self, session_id: str, text: str) -> str:
        """Log the resident's words (plain text); returns the entry id the answer is logged against."""
        return (await self._add(session_id, [{"who": "me", "text": text}]))[0]

    async def answered(self, session_id: str, said_id: str, lines: list[Line]) -> None:
        """Log the bot's answer to the words logged as ``said_id``. It sorts right after them, before any
        notification the same request caused, however soon that was delivered."""
        if lines:
            await self._add(session_id, [{"who": "bot", "html": line.html, "cls": line.style} for line in lines],
                            answers=said_id)

    async def history(self, session_id: str) -> History:
        """The conversation with the session's notifications in place, at most ``length`` entries."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xrange(keys.web_conversation(session_id))
            pipe.xrevrange(keys.web_inbox(session_id), count=self.length)
            logged, notes = await pipe.execute()
        items: list[tuple[tuple[int, int], int, dict[str, Any]]] = []
        for entry_id, fields in logged:
            at = fields.get("answers", entry_id)
            items.append((_order(at), 0 if at == entry_id else 1, json.loads(fields["entry"])))
        for entry_id, fields in notes:
            items.append((_order(entry_id), 2, {"who": "note", **json.loads(fields["event"])}))
        items.sort(key=lambda item: item[:2])  # stable: an answer's lines keep their order
        return History([entry for _, _, entry in items[-self.length:]], notes[0][0] if notes else None)

    async def _add(self, session_id: str, entries: list[dict[str, Any]], answers: str | None = None) -> list[str]:
        key = keys.web_conversation(session_id)
        extra: dict[FieldT, EncodableT] = {"answers": answers} if answers else {}
        async with self.redis.pipeline(transaction=True) as pipe:
            for entry in entries:  # a lone surrogate is no character, so it is kept as intake keeps it (U+FFFD)
                pipe.xadd(key, {"entry": valid_unicode(json.dumps(entry, ensure_ascii=False)), **extra},
                          maxlen=self.length, approximate=False)
            pipe.expire(key, self.ttl_seconds)
            return (await pipe.execute())[:-1]
