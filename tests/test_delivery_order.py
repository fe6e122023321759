"""A chat's notifications keep their order when one of them keeps failing: the later ones wait for it,
on a real Redis outbox (the channel is a stand-in that fails on demand)."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.infra import keys
from bot.texts.render import Rendered
from bot.channels.delivery import RETRIES, DeliveryResult, OutboxDelivery, Result
from bot.tickets.notifications import Kind, Notification


class FlakyChannel:
    """Sends, except the notifications about the ticket numbers in ``failing`` (a 5xx each time)."""

    name = "ordertest"
    marks_sent = False

    def __init__(self, failing: set[str]) -> None:
        self.failing = failing
        self.sent: list[str] = []
        self.failures = 0

    async def deliver(self, chat_id: str, message: Rendered, note: Notification, dedupe_key: str) -> DeliveryResult:
        if note.number in self.failing:
            self.failures += 1
            return DeliveryResult(Result.RETRY)
        self.sent.append(note.number)
        return DeliveryResult(Result.SENT)


async def test_a_later_notification_waits_for_an_earlier_one_that_keeps_failing(redis: Redis) -> None:
    channel = FlakyChannel(failing={"T-A"})
    delivery = OutboxDelivery(redis, channel, "c1", idle_reclaim_ms=300, backoff_seconds=0.01)
    outbox = keys.outbox(channel.name)

    async def write(number: str) -> None:
        await redis.xadd(outbox, Notification("ordertest:7", Kind.LINKED, number).to_fields(1))

    stop = asyncio.Event()
    running = asyncio.create_task(delivery.run(stop))
    try:
        await write("T-A")
        for _ in range(100):  # A fails its first try and every retry: the chat is held back
            if channel.failures == 1 + RETRIES:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.35)  # the hold's time is up, but A has not come back yet
        # A reclaim during the hold hands A back and restarts its idle time; do that now, so A surely
        # comes back only after B is written.
        entry_a = (await redis.xrange(outbox, count=1))[0][0]
        await redis.xclaim(outbox, f"deliver-{channel.name}", "c1", 0, [entry_a], justid=True)
        channel.failing.clear()  # the chat can be reached again
        await write("T-B")
        for _ in range(50):
            if len(channel.sent) == 2:
                break
            await asyncio.sleep(0.1)
        assert channel.sent == ["T-A", "T-B"]  # B waited for A
        for _ in range(50):  # each is recorded (acknowledged) just after its send
            if (await redis.xpending(outbox, f"deliver-{channel.name}"))["pending"] == 0:
                break
            await asyncio.sleep(0.05)
        assert (await redis.xpending(outbox, f"deliver-{channel.name}"))["pending"] == 0
    finally:
        stop.set()
        await running
