"""Concurrent handling without losing order or limits: coalesced round trips, per-chat lanes, and the
shared send limits on a real Redis."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from bot.infra.concurrency import Coalescer, Lanes
from bot.infra.rate_limit import SendLimits


async def test_calls_made_together_share_one_batch_and_each_gets_its_own_result() -> None:
    batches: list[list[int]] = []

    async def square_all(args: list[int]) -> list[int]:
        batches.append(args)
        await asyncio.sleep(0.01)
        return [a * a for a in args]

    square = Coalescer(square_all)
    assert await asyncio.gather(*(square(i) for i in range(5))) == [0, 1, 4, 9, 16]
    assert batches == [[0, 1, 2, 3, 4]]
    assert await square(7) == 49  # alone: a batch of one, no waiting for company
    assert batches[-1] == [7]


async def test_with_a_linger_calls_a_moment_apart_share_a_batch() -> None:
    batches: list[list[int]] = []

    async def record(args: list[int]) -> list[None]:
        batches.append(args)
        return [None] * len(args)

    async def two_calls_a_millisecond_apart(call: Coalescer[int, None]) -> None:
        first = asyncio.create_task(call(1))
        await asyncio.sleep(0.001)
        await asyncio.gather(first, call(2))

    await two_calls_a_millisecond_apart(Coalescer(record))
    assert batches == [[1], [2]]
    batches.clear()
    await two_calls_a_millisecond_apart(Coalescer(record, linger=0.05))
    assert batches == [[1, 2]]


async def test_calls_made_while_a_batch_is_on_its_way_form_the_next_batch() -> None:
    batches: list[list[str]] = []
    release = asyncio.Event()

    async def echo(args: list[str]) -> list[str]:
        batches.append(args)
        await release.wait()
        return args

    call = Coalescer(echo)
    first = asyncio.create_task(call("a"))
    await asyncio.sleep(0.01)
    later = [asyncio.create_task(call(x)) for x in "bc"]
    await asyncio.sleep(0.01)
    release.set()
    assert [await first, *[await t for t in later]] == ["a", "b", "c"]
    assert batches == [["a"], ["b", "c"]]


async def test_a_failed_batch_fails_each_of_its_callers_and_the_next_batch_still_runs() -> None:
    calls = 0

    async def flaky(args: list[int]) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("redis went away")
        return args

    call = Coalescer(flaky)
    results = await asyncio.gather(call(1), call(2), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    assert await call(3) == 3


async def test_lanes_keep_order_within_a_key_and_run_keys_side_by_side() -> None:
    lanes = Lanes(limit=10)
    log: list[str] = []
    running = 0
    most_at_once = 0

    def job(name: str, pause: float):
        async def run() -> None:
            nonlocal running, most_at_once
            running += 1
            most_at_once = max(most_at_once, running)
            await asyncio.sleep(pause)
            log.append(name)
            running -= 1
        return run

    lanes.submit("chat-1", job("1a", 0.03))
    lanes.submit("chat-1", job("1b", 0.0))
    lanes.submit("chat-2", job("2a", 0.01))
    await lanes.drain()
    assert log.index("1a") < log.index("1b")  # the later job of a chat waited for the earlier one
    assert log[0] == "2a"  # another chat did not wait for chat 1
    assert most_at_once == 2


async def test_lanes_refuse_more_than_their_limit_until_a_job_ends() -> None:
    lanes = Lanes(limit=2)
    gate = asyncio.Event()

    async def blocked() -> None:
        await gate.wait()

    lanes.submit("a", blocked)
    lanes.submit("b", blocked)
    assert lanes.free == 0
    waiter = asyncio.create_task(lanes.wait_for_room())
    await asyncio.sleep(0.01)
    assert not waiter.done()
    gate.set()
    await asyncio.wait_for(waiter, 1)
    await lanes.drain()
    assert lanes.free == 2


async def test_a_failing_job_does_not_stop_its_lane(caplog: pytest.LogCaptureFixture) -> None:
    lanes = Lanes(limit=4)
    done: list[str] = []

    async def boom() -> None:
        raise RuntimeError("handler bug")

    async def after() -> None:
        done.append("after")

    lanes.submit("chat", boom)
    lanes.submit("chat", after)
    await lanes.drain()
    assert done == ["after"]
    assert "handler bug" in caplog.text


async def test_send_limits_hold_per_chat_and_overall_across_concurrent_senders(redis: Redis) -> None:
    # 20/s overall with a burst of 2; 5/s per chat with a burst of 1.
    limits = SendLimits(redis, f"test-{time.monotonic_ns()}", 20, 2, 5, 1)
    sent: list[tuple[str, float]] = []

    async def send(chat: str) -> None:
        await limits.wait(chat)
        sent.append((chat, time.monotonic()))

    started = time.monotonic()
    await asyncio.gather(*(send(chat) for chat in ["a"] * 4 + [f"other{i}" for i in range(8)]))
    elapsed = time.monotonic() - started
    to_a = [at for chat, at in sent if chat == "a"]
    # chat a: 2 at once (burst 1 + 1), then one per 200 ms → the 4th about 400 ms after the first
    assert to_a[-1] - to_a[0] >= 0.35
    # 12 sends at 20/s after a burst of 3 need at least (12 - 3) / 20 = 0.45 s
    assert elapsed >= 0.4
    assert len(sent) == 12


async def test_send_limits_in_a_pipeline_recover_after_redis_forgot_the_script(redis: Redis) -> None:
    limits = SendLimits(redis, f"test-{time.monotonic_ns()}", 20, 2, 5, 1)
    await redis.script_flush()  # as after a Redis restart
    async with redis.pipeline(transaction=False) as pipe:
        limits.queue_admit(pipe, ["a", "a", "a"])
        with pytest.raises(NoScriptError):
            await pipe.execute()
    await limits.load()
    async with redis.pipeline(transaction=False) as pipe:
        limits.queue_admit(pipe, ["a", "a", "a"])
        waits = limits.waits((await pipe.execute())[-1])
    assert waits[:2] == [0, 0] and waits[2] > 0  # burst of 1 + 1, then the third must wait


async def test_callers_waiting_on_a_batch_are_cancelled_with_it() -> None:
    started = asyncio.Event()

    async def slow(args: list[int]) -> list[int]:
        started.set()
        await asyncio.sleep(10)
        return args

    call = Coalescer(slow)
    callers = [asyncio.create_task(call(i)) for i in range(3)]
    await started.wait()
    call._flusher.cancel()  # as at shutdown
    results = await asyncio.gather(*callers, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in results)
