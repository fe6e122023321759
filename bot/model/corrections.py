"""The queue of label corrections (supervisors' recategorisations, residents' own choices of category)
and admins' reviews of them: accepted or rejected as training labels.

A correction is one per ticket (the latest choice wins, see ``Tickets.record_label``); a review names the
correction it judged by its time, so a newer choice for the same ticket is pending again. Retraining
uses every correction not rejected (pending ones too, as ``/retrain`` always has)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis

from bot.infra import decoded, keys


class Review(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Correction:
    """One ticket's corrected label and how it was reviewed."""

    number: str
    text: str
    label: str
    by: str
    at: float
    urgent: bool
    review: Review = Review.PENDING
    reviewed_by: str = ""

    def as_row(self) -> dict[str, Any]:
        """The row retraining adds to the corpus (see ``bot.model.retrain.with_corrections``)."""
        return {"number": self.number, "text": self.text, "label": self.label, "urgent": self.urgent}


class Corrections:
    """Read the corrections with their reviews, review one, and give retraining its rows."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def all(self) -> list[Correction]:
        """Every correction, newest first."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.corrections())
            pipe.hgetall(keys.correction_reviews())
            found, reviews = await pipe.execute()
        out = []
        for number, raw in decoded.text_hash(found).items():
            label = json.loads(raw)
            review = json.loads(decoded.text_hash(reviews).get(number, "{}"))
            current = review.get("at") == label.get("at")  # a review of an earlier choice does not count
            out.append(Correction(number, str(label["text"]), str(label["label"]), str(label.get("by", "")),
                                  float(label.get("at", 0)), bool(label.get("urgent", False)),
                                  Review(review["decision"]) if current else Review.PENDING,
                                  str(review.get("by", "")) if current else ""))
        return sorted(out, key=lambda c: (-c.at, c.number))

    async def review(self, number: str, decision: Review, by: str) -> bool:
        """Accept or reject ``number``'s current correction (False: there is none)."""
        raw = decoded.text(await self.redis.hget(keys.corrections(), number))
        if raw is None or decision is Review.PENDING:
            return False
        at = json.loads(raw).get("at")
        await self.redis.hset(keys.correction_reviews(), number,
                              json.dumps({"decision": str(decision), "by": by, "at": at}, ensure_ascii=False))
        return True

    async def for_training(self) -> list[dict[str, Any]]:
        """The rows retraining adds: every correction not rejected."""
        return [c.as_row() for c in await self.all() if c.review is not Review.REJECTED]
