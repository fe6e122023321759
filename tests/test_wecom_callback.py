"""``/wecom``: URL verification, encrypted callbacks, forged signatures, bad XML, WeCom's retries."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import aiohttp
import pytest

from bot.channels.weixin.crypto import MessageCrypto, signature
from bot.infra import keys
from bot.infra.embedded_redis import EmbeddedRedis
from bot.tickets.states import Status
from tests.botapi.server import BotAPIServer
from tests.wecom_harness import World, start_world
from tests.wxapi.server import WxAPIServer
from tests.wxapi.xmlmsg import xml_of

pytestmark = pytest.mark.asyncio(loop_scope="session")


def verification_query(world: World, echostr: str, token: str | None = None) -> dict[str, str]:
    app = world.wx.app
    timestamp, nonce = str(int(time.time())), secrets.token_hex(4)
    return {"msg_signature": signature(token or app.token, timestamp, nonce, echostr), "timestamp": timestamp,
            "nonce": nonce, "echostr": echostr}


async def test_url_verification_answers_the_decrypted_echostr(wecom_world: World) -> None:
    world = wecom_world
    answered = await world.worker.verify("1616140317555161061")
    assert answered.status == 200 and answered.body == "1616140317555161061"


@pytest.mark.parametrize("case", ["wrong token", "other corp", "no echostr", "not base64"])
async def test_a_bad_url_verification_is_403(wecom_world: World, case: str) -> None:
    world = wecom_world
    app = world.wx.app
    corp = "ww_other_corp" if case == "other corp" else app.corp_id
    echostr = {"no echostr": "", "not base64": "%%%"}.get(case, MessageCrypto(app.token, app.aes_key, corp).encrypt("42"))
    query = verification_query(world, echostr, token="wrongtoken" if case == "wrong token" else None)
    async with world.session.get(world.url, params=query) as response:
        assert response.status == 403 and "42" not in await response.text()


async def test_an_encrypted_callback_is_handled_and_a_forged_signature_is_403(wecom_world: World) -> None:
    world = wecom_world
    number = await world.open_ticket()
    card = await world.card(world.worker, number)
    code = world.wx.press("lisi", card["task_id"], f"accept:{number}")
    body, query = world.worker.body_and_query(world.worker.fields(
        "event", Event="template_card_event", EventKey=f"accept:{number}", TaskId=card["task_id"], ResponseCode=code))
    forged = {**query, "msg_signature": signature("notthetoken", query["timestamp"], query["nonce"], "x")}
    assert (await world.worker.raw(body, forged)).status == 403
    assert (await world.worker.raw(body, {k: v for k, v in query.items() if k != "msg_signature"})).status == 403
    assert world.service.redis is not None
    assert await world.service.redis.xlen(keys.inbound("wecom")) == 0
    assert (await world.service.domain.tickets.get(number)).status == Status.ASSIGNED

    assert (await world.worker.raw(body, query)).status == 200
    await world.resident_sees(number, "已接单")


async def test_a_message_for_another_corp_is_403(wecom_world: World) -> None:
    world = wecom_world
    app = world.wx.app
    other = MessageCrypto(app.token, app.aes_key, "ww_someone_else")
    encrypted = other.encrypt(xml_of({"FromUserName": "lisi", "MsgType": "text", "Content": "/tasks", "MsgId": 1}))
    timestamp, nonce = str(int(time.time())), "n1"
    query = {"msg_signature": signature(app.token, timestamp, nonce, encrypted), "timestamp": timestamp, "nonce": nonce}
    assert (await world.worker.raw(xml_of({"Encrypt": encrypted}).encode(), query)).status == 403


@pytest.mark.parametrize("body", [
    b"not xml at all",
    b"<xml><Encrypt>abc</Encrypt>",  # cut off
    b"<html><Encrypt>abc</Encrypt></html>",  # not <xml>
    b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
    b"<xml><Encrypt>&b;</Encrypt></xml>",  # an entity bomb's first steps
    b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>',
    b"<xml>" + b"<A>1</A>" * 20_000 + b"</xml>",  # too large
])
async def test_a_body_that_is_not_a_callback_is_400(wecom_world: World, body: bytes) -> None:
    world = wecom_world
    async with world.session.post(world.url, params={"msg_signature": "x", "timestamp": "1", "nonce": "n"},
                                  data=body) as response:
        assert response.status == 400


async def test_an_encrypted_body_that_is_not_xml_is_400(wecom_world: World) -> None:
    world = wecom_world
    app = world.wx.app
    encrypted = MessageCrypto(app.token, app.aes_key, app.corp_id).encrypt("<xml><MsgType>text")
    timestamp, nonce = str(int(time.time())), "n2"
    query = {"msg_signature": signature(app.token, timestamp, nonce, encrypted), "timestamp": timestamp, "nonce": nonce}
    assert (await world.worker.raw(xml_of({"Encrypt": encrypted}).encode(), query)).status == 400


async def test_a_retried_message_changes_nothing_more(wecom_world: World) -> None:
    world = wecom_world
    number = await world.open_ticket()
    card = await world.card(world.worker, number)
    await world.presses(world.worker, card, f"return:{number}")
    await world.hears(world.worker, "原因", number)
    reason = await world.worker.text("不归我们管")
    assert reason.ok
    assert (await world.worker.repost(reason)).ok and (await world.worker.repost(reason)).ok  # same MsgId
    await world.hears(world.worker, "已退回", number)
    assert world.service.redis is not None
    assert await world.service.redis.xlen(keys.inbound("wecom")) == 2  # the press and the reason, once each
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.PENDING
    assert [t for t in world.texts(world.worker) if "已退回指挥中心" in t] == [f"工单 {number} 已退回指挥中心。"]


async def test_a_retried_card_event_changes_nothing_more(wecom_world: World) -> None:
    world = wecom_world
    number = await world.open_ticket()
    card = await world.card(world.worker, number)
    pressed = await world.presses(world.worker, card, f"accept:{number}")
    assert (await world.worker.repost(pressed)).ok  # the same FromUserName + CreateTime + event
    await world.resident_sees(number, "已接单")
    await world.wx.wait_until(lambda: card["updates"], what="the card updated")
    assert world.service.redis is not None
    assert await world.service.redis.xlen(keys.inbound("wecom")) == 1
    audit = await world.service.domain.store.audit(number)
    assert [entry.action for entry in audit].count("accept") == 1
    assert len(card["updates"]) == 1


async def test_redis_unreachable_is_503_so_wecom_retries(bot_api: BotAPIServer, tmp_path: Path,
                                                         trained_models: Path) -> None:
    own = EmbeddedRedis(tmp_path / "redis")  # a Redis of its own, to stop
    async with WxAPIServer() as wx, aiohttp.ClientSession() as session:
        world = await start_world(bot_api, wx, own.start(), tmp_path / "var", trained_models, session)
        try:
            body, query = world.worker.body_and_query(world.worker.fields("text", Content="/tasks", MsgId=77))
            own.stop()
            assert (await world.worker.raw(body, query)).status == 503
            own.start()
            assert (await world.worker.raw(body, query)).status == 200
            await world.hears(world.worker, "待办工单", timeout=20)
        finally:
            await world.service.stop()
            own.stop()
