"""The shared access token and the durable callback log, against a real Redis."""

from __future__ import annotations

import asyncio

from bot.channels.weixin.inbound import InboundConsumer, InboundLog, dedupe_id
from bot.channels.weixin.tokens import REFRESH_MARGIN, AccessTokens
from bot.infra import keys


class Issuer:
    """Hands out numbered tokens, slowly, and counts what it was asked."""

    def __init__(self, expires_in: int = 7200) -> None:
        self.calls: list[bool] = []
        self.expires_in = expires_in

    async def __call__(self, force: bool) -> tuple[str, int]:
        self.calls.append(force)
        await asyncio.sleep(0.05)
        return f"token-{len(self.calls)}", self.expires_in


async def test_processes_share_one_token_and_refresh_it_before_it_expires(redis) -> None:
    issuer, now = Issuer(), [1000.0]
    processes = [AccessTokens(redis, "wechat", issuer, clock=lambda: now[0]) for _ in range(5)]
    assert set(await asyncio.gather(*(p.get() for p in processes for _ in range(4)))) == {"token-1"}
    assert issuer.calls == [False]
    now[0] += 7200 - REFRESH_MARGIN + 1  # inside the margin: the next use refreshes, once for all
    assert set(await asyncio.gather(*(p.get() for p in processes))) == {"token-2"}
    assert issuer.calls == [False, False]


async def test_an_invalid_token_forces_one_refresh_however_many_sends_saw_it(redis) -> None:
    issuer = Issuer()
    processes = [AccessTokens(redis, "wecom", issuer) for _ in range(3)]
    old = await processes[0].get()
    await asyncio.gather(*(p.invalid(old) for p in processes))
    assert set(await asyncio.gather(*(p.get() for p in processes))) == {"token-2"}
    await processes[1].invalid(old)  # a late report of the old token changes nothing
    assert await processes[1].get() == "token-2" and issuer.calls == [False, True]


async def test_a_token_handed_out_near_its_end_is_not_fetched_again_on_every_use(redis) -> None:
    issuer, now = Issuer(expires_in=100), [0.0]
    tokens = AccessTokens(redis, "wechat", issuer, clock=lambda: now[0])
    await tokens.get()
    now[0] += 40
    await tokens.get()
    assert len(issuer.calls) == 1


async def test_a_callback_is_appended_once_and_handled_once_in_order(redis) -> None:
    log_ = InboundLog(redis, "wechat")
    message = {"MsgId": "42", "FromUserName": "o1", "Content": "路灯坏了"}
    assert [await log_.append(dedupe_id(message), message) for _ in range(4)] == [True, False, False, False]
    event = {"FromUserName": "o1", "CreateTime": "7", "Event": "subscribe"}
    assert await log_.append(dedupe_id(event), event) and not await log_.append(dedupe_id(event), dict(event))
    seen: list[dict[str, str]] = []

    async def handle(fields: dict[str, str]) -> None:
        seen.append(fields)

    consumer = InboundConsumer(redis, "wechat", "c1", handle)
    await consumer.reader.ensure_group()
    await consumer.consume_once()
    await asyncio.sleep(0.1)
    assert seen == [message, event]


async def test_a_failing_handler_is_tried_again_then_dropped(redis) -> None:
    log_ = InboundLog(redis, "wecom")
    await log_.append("msg:1", {"MsgId": "1", "FromUserName": "u"})
    attempts: list[int] = []

    async def handle(fields: dict[str, str]) -> None:
        attempts.append(1)
        raise RuntimeError("the API is down")

    consumer = InboundConsumer(redis, "wecom", "c1", handle, reclaim_idle_ms=1)
    await consumer.reader.ensure_group()
    for _ in range(6):
        consumer.reader._next_reclaim = 0.0
        await consumer.consume_once()
        await asyncio.sleep(0.05)
    assert len(attempts) == 3
    assert (await redis.xpending(keys.inbound("wecom"), "process"))["pending"] == 0
