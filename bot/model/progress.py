"""How the latest retraining is going, in Redis so any process's console page can show it: its state,
the step reached of ``STEPS``, the last message and, when done, the result."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from typing import Any

from redis.asyncio import Redis

from bot.infra import decoded, keys
from bot.model.retrain import RetrainResult

STEPS = 3  # training started, trained and being compared, done
RUNNING, DONE, FAILED = "running", "done", "failed"


class RetrainProgress:
    """Written by the retraining a console account started; read by the page's status endpoint."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def begin(self, by: str, message: str) -> None:
        await self.redis.delete(keys.retrain_progress())
        await self.redis.hset(keys.retrain_progress(), mapping={
            "state": RUNNING, "step": 0, "message": message, "by": by, "started": time.time()})

    async def report(self, message: str) -> None:
        """One step further (the callback ``Retrainer.run`` reports through)."""
        await self.redis.hincrby(keys.retrain_progress(), "step", 1)
        await self.redis.hset(keys.retrain_progress(), "message", message)

    async def finish(self, result: RetrainResult, message: str) -> None:
        await self.redis.hset(keys.retrain_progress(), mapping={
            "state": DONE, "step": STEPS, "message": message, "result": json.dumps(asdict(result))})

    async def fail(self, message: str) -> None:
        await self.redis.hset(keys.retrain_progress(), mapping={"state": FAILED, "message": message})

    async def read(self) -> dict[str, Any]:
        """The state as JSON for the page: state ("" when none ran), percent, message, result. A running
        one whose lock is gone after its first seconds (its process ended) is told as failed."""
        found = decoded.text_hash(await self.redis.hgetall(keys.retrain_progress()))
        state = found.get("state", "")
        started = float(found.get("started", 0))
        if state == RUNNING and time.time() - started > 10 and not await self.redis.exists(keys.retrain_lock()):
            state = FAILED
        step = int(found.get("step", 0))
        return {"state": state, "percent": round(100 * min(step, STEPS) / STEPS), "message": found.get("message", ""),
                "result": json.loads(found["result"]) if "result" in found else None}
