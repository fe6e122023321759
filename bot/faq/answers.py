"""Answering a resident's question from the knowledge base, and the answer waiting for 已解决 / 转人工办理.

Each process keeps an index of the base (:class:`nlp.faq.FaqIndex`) and rebuilds it when the base's
version moved; the version is read at most once a second, so an entry an operator edits is in use in
every process within a second. An answer given is kept like a draft (:class:`PendingAnswer`): the
resident's own words, so that 转人工办理 opens the request they would have opened, with the same
request id (a doubled press opens one ticket), and 已解决 opens nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum

from redis.asyncio import Redis

from nlp.faq import THRESHOLD, FaqIndex, FaqMatch
from nlp.segment import Segmenter

from bot.faq.store import FaqStore
from bot.infra import decoded, keys
from bot.texts import faq as faq_texts

PENDING_TTL_SECONDS = 24 * 3600
VERSION_CHECK_SECONDS = 1.0


class FaqChoice(StrEnum):
    """What the resident answered to an answer (button values and menu keys: they never change)."""

    SOLVED = "solved"
    HUMAN = "human"


def typed_choice(text: str) -> FaqChoice | None:
    """The choice a typed text makes (「已解决」, 「转人工」), if it is one."""
    said = text.strip().strip("。.！!～~ ")
    if said in faq_texts.SOLVED_WORDS:
        return FaqChoice.SOLVED
    if said in faq_texts.TO_HUMAN_WORDS:
        return FaqChoice.HUMAN
    return None


@dataclass(frozen=True)
class PendingAnswer:
    """An answer given, waiting for the resident's choice: what they wrote, and which entry answered."""

    text: str
    entry_id: str
    score: float
    request_id: str


class Answers:
    """The knowledge base as the intake uses it."""

    def __init__(self, redis: Redis, segmenter: Segmenter, threshold: float = THRESHOLD,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.redis = redis
        self.store = FaqStore(redis)
        self.segmenter = segmenter
        self.threshold = threshold
        self._clock = clock
        self._index: FaqIndex | None = None
        self._version = -1
        self._checked = float("-inf")

    async def index(self) -> FaqIndex:
        """The index of the base as it is now (rebuilt after a change, checked at most once a second)."""
        now = self._clock()
        if self._index is None or now - self._checked >= VERSION_CHECK_SECONDS:
            self._checked = now
            version = await self.store.version()
            if self._index is None or version != self._version:
                self._index = FaqIndex(await self.store.entries(), self.segmenter)
                self._version = version
        return self._index

    async def find(self, text: str, nature: str | None = None) -> FaqMatch | None:
        """The entry that answers ``text`` (a question, matched at or above the threshold), if any."""
        return (await self.index()).answer_for(text, nature, self.threshold)

    async def hold(self, resident: str, pending: PendingAnswer) -> None:
        await self.redis.set(keys.faq_pending(resident), json.dumps(asdict(pending), ensure_ascii=False),
                             ex=PENDING_TTL_SECONDS)

    async def peek(self, resident: str) -> PendingAnswer | None:
        raw = decoded.text(await self.redis.get(keys.faq_pending(resident)))
        return PendingAnswer(**json.loads(raw)) if raw else None

    async def take(self, resident: str) -> PendingAnswer | None:
        """The waiting answer, no longer waiting."""
        raw = decoded.text(await self.redis.getdel(keys.faq_pending(resident)))
        return PendingAnswer(**json.loads(raw)) if raw else None

    async def drop(self, resident: str) -> None:
        """The resident went on with something else: the answer no longer waits."""
        await self.redis.delete(keys.faq_pending(resident))
