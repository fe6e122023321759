"""Service metrics shared by all processes (counters in Redis), rendered in Prometheus text format."""

from __future__ import annotations

from redis.asyncio import Redis

from bot import keys
from bot.clock import Clock
from bot.store import TicketStore
from bot.ticket_states import OPEN_STATUSES

LATENCY_BUCKETS_MS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 50.0)
COUNTERS = {
    "updates_received": "Telegram updates received",
    "requests_classified": "resident messages classified",
    "notifications_sent": "notifications delivered",
    "notifications_failed": "notifications that could not be delivered",
}


class Metrics:
    """Counts events into one Redis hash, so every process adds to the same figures."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def observe_classification(self, milliseconds: float) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(keys.metrics(), "requests_classified", 1)
            pipe.hincrbyfloat(keys.metrics(), "classify_ms_sum", milliseconds)
            for bound in LATENCY_BUCKETS_MS:
                if milliseconds <= bound:
                    pipe.hincrby(keys.metrics(), f"classify_ms_le_{bound}", 1)
            await pipe.execute()

    async def render(self, store: TicketStore, clock: Clock) -> str:
        """Prometheus exposition text."""
        raw = {k: float(v) for k, v in (await self.redis.hgetall(keys.metrics())).items()}
        lines: list[str] = []
        for name, help_text in COUNTERS.items():
            lines += [f"# HELP gridbot_{name}_total {help_text}", f"# TYPE gridbot_{name}_total counter",
                      f"gridbot_{name}_total {raw.get(name, 0):.0f}"]
        lines += ["# HELP gridbot_tickets Tickets by state", "# TYPE gridbot_tickets gauge"]
        for status, count in (await store.count_by_status()).items():
            lines.append(f'gridbot_tickets{{state="{status}"}} {count}')
        lines += ["# HELP gridbot_tickets_overdue Open tickets past their deadline", "# TYPE gridbot_tickets_overdue gauge",
                  f"gridbot_tickets_overdue {await overdue_count(store, clock)}"]
        lines += ["# HELP gridbot_classify_ms Classification latency", "# TYPE gridbot_classify_ms histogram"]
        for bound in LATENCY_BUCKETS_MS:
            lines.append(f'gridbot_classify_ms_bucket{{le="{bound}"}} {raw.get(f"classify_ms_le_{bound}", 0):.0f}')
        total = raw.get("requests_classified", 0)
        lines += [f'gridbot_classify_ms_bucket{{le="+Inf"}} {total:.0f}',
                  f"gridbot_classify_ms_sum {raw.get('classify_ms_sum', 0):.3f}", f"gridbot_classify_ms_count {total:.0f}"]
        return "\n".join(lines) + "\n"


async def overdue_count(store: TicketStore, clock: Clock) -> int:
    """Open tickets whose deadline has passed."""
    now, overdue = clock.now(), 0
    for status in OPEN_STATUSES:
        numbers = list(await store.redis.smembers(keys.by_status(status)))
        async with store.redis.pipeline(transaction=False) as pipe:
            for number in numbers:
                pipe.hget(keys.ticket(number), "deadline_at")
            deadlines = await pipe.execute()
        overdue += sum(1 for d in deadlines if d is not None and float(d) < now)
    return overdue
