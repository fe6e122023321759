"""Streams on a real Redis: trimming removes what every group has handled and nothing still needed;
a dead consumer's updates are handled by another; entries in progress stay claimed; a poller moves the
offset only while it holds the polling lease."""

from __future__ import annotations

import asyncio
import time

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message, Update
from redis.asyncio import Redis

from bot.channels.telegram.updates import GROUP, UpdateConsumer, UpdateLog
from bot.infra import keys
from bot.infra.streams import GroupReader, StreamLanes, trim_handled


async def read_and_ack(redis: Redis, stream: str, group: str, read: int, ack: int) -> list[str]:
    entries = (await redis.xreadgroup(group, "c1", {stream: ">"}, count=read))[0][1]
    ids = [entry_id for entry_id, _ in entries]
    if ack:
        await redis.xack(stream, group, *ids[:ack])
    return ids


async def test_only_entries_every_group_has_acknowledged_are_trimmed(redis: Redis) -> None:
    stream = f"test:trim:{time.monotonic_ns()}"
    ids = [await redis.xadd(stream, {"n": str(n)}) for n in range(10)]
    await redis.xgroup_create(stream, "telegram", id="0")
    await redis.xgroup_create(stream, "web", id="0")
    await read_and_ack(redis, stream, "telegram", read=10, ack=10)
    await read_and_ack(redis, stream, "web", read=6, ack=3)  # entries 3, 4, 5 still pending for "web"

    assert await trim_handled(redis, stream, approximate=False) == 3
    left = [entry_id for entry_id, _ in await redis.xrange(stream)]
    assert left == ids[3:]  # the pending ones and the unread ones stay
    pending = await redis.xpending_range(stream, "web", min="-", max="+", count=10)
    assert [p["message_id"] for p in pending] == ids[3:6]  # still claimable after the trim

    await redis.xack(stream, "web", *ids[3:6])
    await read_and_ack(redis, stream, "web", read=10, ack=4)
    await trim_handled(redis, stream, approximate=False)
    assert [entry_id for entry_id, _ in await redis.xrange(stream)] == ids[9:]  # the last read one only


async def test_a_stream_nobody_reads_is_left_alone(redis: Redis) -> None:
    stream = f"test:trim:{time.monotonic_ns()}"
    for n in range(5):
        await redis.xadd(stream, {"n": str(n)})
    assert await trim_handled(redis, stream, approximate=False) == 0  # no group: nobody said what is done
    await redis.xgroup_create(stream, "telegram", id="0")
    assert await trim_handled(redis, stream, approximate=False) == 0  # a group that has read nothing yet
    assert await redis.xlen(stream) == 5


async def test_the_cheap_trim_frees_a_long_handled_stream(redis: Redis) -> None:
    stream = f"test:trim:{time.monotonic_ns()}"
    async with redis.pipeline(transaction=False) as pipe:
        for n in range(1000):
            pipe.xadd(stream, {"n": str(n)})
        await pipe.execute()
    await redis.xgroup_create(stream, "telegram", id="0")
    await read_and_ack(redis, stream, "telegram", read=1000, ack=1000)
    await trim_handled(redis, stream)  # whole nodes only
    assert await redis.xlen(stream) < 200


class Recorder:
    """A dispatcher that notes the text of every message it is fed (no replies, so no Bot API needed)."""

    def __init__(self) -> None:
        self.handled: list[str] = []
        router = Router()

        @router.message()
        async def record(message: Message) -> None:
            self.handled.append(message.text or "")

        self.dispatcher = Dispatcher()
        self.dispatcher.include_router(router)
        self.bot = Bot("42:TEST")


async def test_updates_a_dead_consumer_left_unacknowledged_are_handled_by_another(redis: Redis) -> None:
    recorder = Recorder()
    dispatcher, bot, handled = recorder.dispatcher, recorder.bot, recorder.handled
    try:
        await GroupReader(redis, keys.telegram_updates(), GROUP, "setup").ensure_group()
        await UpdateLog(redis).append([text_update(990001, "第一条"), text_update(990002, "第二条")])
        await redis.xreadgroup(GROUP, "dead-process", {keys.telegram_updates(): ">"})  # read both, then died

        consumer = UpdateConsumer(redis, dispatcher, bot, "new-process", reclaim_idle_ms=0)
        await consumer.reader.ensure_group()
        assert await consumer.consume_once(block_ms=100) == 2
        await consumer._lanes._lanes.drain()
        assert handled == ["第一条", "第二条"]  # in order: one chat
        assert (await redis.xpending(keys.telegram_updates(), GROUP))["pending"] == 0
    finally:
        await bot.session.close()


async def test_a_polled_update_aiogram_cannot_read_is_dropped_and_the_next_one_handled(redis: Redis) -> None:
    recorder = Recorder()
    dispatcher, bot, handled = recorder.dispatcher, recorder.bot, recorder.handled
    try:
        consumer = UpdateConsumer(redis, dispatcher, bot, "only-process")
        await consumer.reader.ensure_group()
        broken = {"update_id": 860001, "message": {"message_id": "not a number", "text": "坏的"}}
        assert await UpdateLog(redis).append_polled([broken, polled(860002, "好的")], "p", 15) == (True, 860003)
        assert await consumer.consume_once(block_ms=100) == 2
        await consumer._lanes._lanes.drain()
        assert handled == ["好的"]
        assert (await redis.xpending(keys.telegram_updates(), GROUP))["pending"] == 0  # the broken one is not retried forever
    finally:
        await bot.session.close()


def text_update(update_id: int, text: str) -> Update:
    return Update.model_validate({"update_id": update_id, "message": {
        "message_id": 1, "date": 0, "text": text, "chat": {"id": 7, "type": "private"}}})


def polled(update_id: int, text: str) -> dict:
    """An update as getUpdates brings it to the poller: JSON, not yet parsed."""
    return text_update(update_id, text).model_dump(mode="json", exclude_none=True)


async def test_a_poller_moves_the_offset_only_while_it_holds_the_lease(redis: Redis) -> None:
    log = UpdateLog(redis)
    assert await log.append_polled([polled(880001, "第一条")], "process-a", 15) == (True, 880002)
    assert (await redis.get(keys.poller_offset()), await redis.get(keys.poller_lease())) == ("880002", "process-a")
    assert 10 < await redis.ttl(keys.poller_lease()) <= 15

    await redis.set(keys.poller_lease(), "process-b")  # a's poll took too long: b took the lease over
    assert await log.append_polled([polled(880002, "第二条")], "process-a", 15) == (False, None)
    assert (await redis.get(keys.poller_offset()), await redis.get(keys.poller_lease())) == ("880002", "process-b")
    # what a polled is in the stream all the same, once: b's getUpdates brings it again and changes nothing
    assert await log.append_polled([polled(880002, "第二条")], "process-b", 15) == (True, 880003)
    assert await redis.get(keys.poller_offset()) == "880003"
    # taking the lease with no batch gives the offset to poll from
    await redis.delete(keys.poller_lease())
    assert await log.append_polled([], "process-c", 15) == (True, 880003)
    entries = await redis.xrange(keys.telegram_updates())
    texts = [Update.model_validate_json(fields["update"]).message.text for _, fields in entries]
    assert texts == ["第一条", "第二条"]


async def test_a_polled_update_without_an_id_is_skipped_and_the_rest_kept(redis: Redis) -> None:
    log = UpdateLog(redis)
    batch = [polled(870001, "第一条"), {"message": {"text": "无编号"}}, polled(870002, "第二条")]
    assert await log.append_polled(batch, "process-a", 15) == (True, 870003)
    entries = await redis.xrange(keys.telegram_updates())
    texts = [Update.model_validate_json(fields["update"]).message.text for _, fields in entries]
    assert texts == ["第一条", "第二条"]


async def test_an_entry_still_being_handled_is_not_reclaimed_by_another_process(redis: Redis) -> None:
    stream = f"test:keep:{time.monotonic_ns()}"
    here = GroupReader(redis, stream, "g", "here", reclaim_idle_ms=300)
    there = GroupReader(redis, stream, "g", "there", reclaim_idle_ms=300)
    await here.ensure_group()
    await redis.xadd(stream, {"n": "1"})
    lanes = StreamLanes(here, limit=4)
    stop = asyncio.Event()
    finished = asyncio.Event()

    async def slow_job(entry_id: str) -> None:  # longer than the idle time
        await finished.wait()
        await here.ack(entry_id)

    async def slow_step() -> None:
        read = await lanes.next_entries(block_ms=50)
        for entry_id, _ in read.entries:
            lanes.start("chat", lambda e=entry_id: slow_job(e), entry_id)

    running = asyncio.create_task(lanes.run(stop, slow_step, "test"))
    try:
        for _ in range(8):  # 1.2 s: four times the idle time after which a dead consumer's entry is taken
            await asyncio.sleep(0.15)
            assert (await there.next_entries(10, block_ms=None)).entries == []
        pending = await redis.xpending_range(stream, "g", "-", "+", 10)
        assert [p["consumer"] for p in pending] == ["here"]
    finally:
        finished.set()
        stop.set()
        await running

    # a consumer that dies (nobody keeps its entry claimed) loses it after the idle time
    await redis.xadd(stream, {"n": "2"})
    await redis.xreadgroup("g", "dead", {stream: ">"})
    await asyncio.sleep(0.4)
    reclaimed = await there.next_entries(10, block_ms=None)
    assert reclaimed.reclaimed and [fields for _, fields in reclaimed.entries] == [{"n": "2"}]
