"""``/wechat``: WeChat's URL check, and messages posted in plain, encrypted and compatible mode; forged
signatures, bad XML and WeChat's retries change nothing."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.channels.weixin.crypto import signature
from bot.infra import keys
from tests.wechat_harness import WeChatWorld

pytestmark = pytest.mark.asyncio(loop_scope="session")

LAMP = "西正路8号门口的路灯坏了好几天，晚上黑漆漆的"


async def ticket_count(wechat: WeChatWorld) -> int:
    return await wechat.world.service.redis.zcard(keys.all_tickets())


async def test_url_check_echoes_echostr_only_when_signed(wechat: WeChatWorld) -> None:
    token, stamp, nonce = wechat.account.token, "1700000000", "n0nce"
    good = {"signature": signature(token, stamp, nonce), "timestamp": stamp, "nonce": nonce, "echostr": "e-123"}
    async with wechat.http.get(wechat.url, params=good) as response:
        assert response.status == 200 and await response.text() == "e-123"
    async with wechat.http.get(wechat.url, params={**good, "signature": "0" * 40}) as response:
        assert response.status == 403 and "e-123" not in await response.text()


@pytest.mark.parametrize("mode", ["plain", "safe", "compatible"])
async def test_a_text_opens_a_ticket_in_every_mode(wechat: WeChatWorld, mode: str) -> None:
    started = time.perf_counter()
    posted = await wechat.post(wechat.message(wechat.resident, "text", Content=LAMP), mode)
    assert (posted.status, posted.text) == (200, "success")
    assert time.perf_counter() - started < 1.0  # WeChat gives up after 5 s: the work comes after the answer
    number = await wechat.ticket_number(wechat.resident)
    ticket = await wechat.world.service.domain.tickets.get(number)
    assert ticket.resident == wechat.resident.key and ticket.grid_id == "GC-XY-01"


async def test_a_forged_signature_is_403_and_opens_nothing(wechat: WeChatWorld) -> None:
    fields = wechat.message(wechat.resident, "text", Content=LAMP)
    forged = await wechat.post(fields, "plain", signature="0" * 40)
    assert forged.status == 403
    bad_msg_signature = await wechat.post(fields, "safe", msg_signature="f" * 40)
    assert bad_msg_signature.status == 403
    assert await ticket_count(wechat) == 0
    assert await wechat.world.service.redis.xlen(keys.inbound("wechat")) == 0


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&secret;</Content><MsgId>2</MsgId></xml>"
)


@pytest.mark.parametrize("body", [
    "<xml><ToUserName>gh</ToUserName><Content>路灯坏了</Content>",  # cut short
    "not xml at all",
    "<html><MsgType>text</MsgType></html>",  # not WeChat's <xml> root
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    "<xml>" + "<Content>路灯</Content>" * 20_000 + "</xml>",  # far over the size limit
], ids=["truncated", "not-xml", "wrong-root", "billion-laughs", "external-entity", "too-large"])
async def test_bad_xml_is_400_with_a_short_answer_and_changes_nothing(wechat: WeChatWorld, body: str) -> None:
    answered = await wechat.post_body(body)
    assert answered.status == 400 and len(answered.text) < 100
    assert "root:" not in answered.text and "lol" not in answered.text
    assert await ticket_count(wechat) == 0
    assert await wechat.world.service.redis.xlen(keys.inbound("wechat")) == 0


async def test_a_signed_envelope_that_does_not_decrypt_is_400(wechat: WeChatWorld) -> None:
    body = "<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[bm90IGEgY2lwaGVydGV4dA==]]></Encrypt></xml>"
    answered = await wechat.post_body(body, "safe")
    assert answered.status == 400
    assert await wechat.world.service.redis.xlen(keys.inbound("wechat")) == 0


async def test_one_msgid_posted_four_times_opens_one_ticket_with_one_receipt(wechat: WeChatWorld) -> None:
    fields = wechat.message(wechat.resident, "text", Content=LAMP)
    for mode in ("plain", "safe", "compatible", "plain"):  # WeChat retries 3 times; the mode may change meanwhile
        assert (await wechat.post(fields, mode)).text == "success"
    number = await wechat.ticket_number(wechat.resident)
    await wechat.world.sees(wechat.world.worker, "新工单", number)
    assert await ticket_count(wechat) == 1
    assert await wechat.world.service.redis.xlen(keys.inbound("wechat")) == 1
    receipts = [text for text in wechat.wx.texts_of(wechat.resident.key) if "已受理" in text]
    assert receipts == [receipts[0]]


async def test_one_event_retried_is_answered_once(wechat: WeChatWorld) -> None:
    fields = wechat.message(wechat.resident, "event", Event="subscribe")
    for _ in range(3):
        assert (await wechat.post(fields)).status == 200
    await wechat.sees(wechat.resident, "网格服务")
    await asyncio.sleep(0.3)  # time for a second answer, if there were one
    assert len([t for t in wechat.wx.texts_of(wechat.resident.key) if "网格服务" in t]) == 1


async def test_redis_down_is_503_so_wechat_sends_it_again(wechat: WeChatWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    from bot.channels.weixin.inbound import InboundLog

    async def unavailable(self: InboundLog, dedupe: str, fields: dict[str, str]) -> bool:
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(InboundLog, "append", unavailable)
    answered = await wechat.post(wechat.message(wechat.resident, "text", Content=LAMP))
    assert answered.status == 503
    monkeypatch.undo()
    assert await ticket_count(wechat) == 0
