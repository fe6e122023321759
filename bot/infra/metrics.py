"""Service metrics shared by all processes (counters in Redis), rendered in Prometheus text format.

Each process counts in memory and adds its counts to the shared Redis hash about once a second (and
before rendering), so counting costs no round trip on the hot path. A process killed with -9 loses at
most its last second of counts; requests and tickets are not affected.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.infra import keys
from bot.infra.redis_memory import read_memory

log = logging.getLogger(__name__)

LATENCY_BUCKETS_MS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 50.0)
COUNTERS = {
    "updates_received": "Telegram updates received",
    "requests_classified": "resident messages classified",
    "notifications_sent": "notifications delivered",
    "notifications_failed": "notifications that could not be delivered",
    "faq_answered": "questions answered from the knowledge base",
    "faq_solved": "knowledge-base answers the resident marked 已解决",
    "faq_to_human": "knowledge-base answers the resident sent on as a request (转人工办理)",
}


class Metrics:
    """Counts events into one Redis hash, so every process adds to the same figures."""

    def __init__(self, redis: Redis, flush_seconds: float = 1.0) -> None:
        self.redis = redis
        self.flush_seconds = flush_seconds
        self._counts: Counter[str] = Counter()
        self._classify_ms_sum = 0.0

    def count(self, name: str, amount: int = 1) -> None:
        if amount:
            self._counts[name] += amount

    def observe_classification(self, milliseconds: float) -> None:
        self._counts["requests_classified"] += 1
        self._classify_ms_sum += milliseconds
        for bound in LATENCY_BUCKETS_MS:
            if milliseconds <= bound:
                self._counts[f"classify_ms_le_{bound}"] += 1

    async def flush(self) -> None:
        """Add this process's counts since the last flush to the shared hash."""
        counts, ms_sum = self._counts, self._classify_ms_sum
        if not counts and not ms_sum:
            return
        self._counts, self._classify_ms_sum = Counter(), 0.0
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                for name, amount in counts.items():
                    pipe.hincrby(keys.metrics(), name, amount)
                if ms_sum:
                    pipe.hincrbyfloat(keys.metrics(), "classify_ms_sum", ms_sum)
                await pipe.execute()
        except (RedisError, OSError):  # keep them for the next flush
            self._counts.update(counts)
            self._classify_ms_sum += ms_sum
            raise

    async def run(self, stop: asyncio.Event) -> None:
        """Flush every ``flush_seconds`` until ``stop`` is set, then once more."""
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.flush_seconds)
            except TimeoutError:
                pass
            try:
                await self.flush()
            except (RedisError, OSError):
                log.warning("metrics flush failed; counts kept for the next one")

    async def render(self, tickets_by_status: dict[str, int], overdue: int) -> str:
        """Prometheus exposition text, with the ticket figures the caller read (by state, and overdue)."""
        await self.flush()
        raw = {k: float(v) for k, v in (await self.redis.hgetall(keys.metrics())).items()}
        lines: list[str] = []
        for name, help_text in COUNTERS.items():
            lines += [f"# HELP gridbot_{name}_total {help_text}", f"# TYPE gridbot_{name}_total counter",
                      f"gridbot_{name}_total {raw.get(name, 0):.0f}"]
        lines += ["# HELP gridbot_tickets Tickets by state", "# TYPE gridbot_tickets gauge"]
        for status, count in tickets_by_status.items():
            lines.append(f'gridbot_tickets{{state="{status}"}} {count}')
        lines += ["# HELP gridbot_tickets_overdue Open tickets past their deadline", "# TYPE gridbot_tickets_overdue gauge",
                  f"gridbot_tickets_overdue {overdue}"]
        lines += ["# HELP gridbot_classify_ms Classification latency", "# TYPE gridbot_classify_ms histogram"]
        for bound in LATENCY_BUCKETS_MS:
            lines.append(f'gridbot_classify_ms_bucket{{le="{bound}"}} {raw.get(f"classify_ms_le_{bound}", 0):.0f}')
        total = raw.get("requests_classified", 0)
        lines += [f'gridbot_classify_ms_bucket{{le="+Inf"}} {total:.0f}',
                  f"gridbot_classify_ms_sum {raw.get('classify_ms_sum', 0):.3f}", f"gridbot_classify_ms_count {total:.0f}"]
        if (memory := await read_memory(self.redis)) is not None:
            lines += memory.prometheus()
        return "\n".join(lines) + "\n"
