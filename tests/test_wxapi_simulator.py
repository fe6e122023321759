"""The simulator posts what WeChat's and WeCom's servers post: checked against a tiny receiver that
verifies signatures and decrypts with gridbot's own MessageCrypto (as /wechat and /wecom will).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web

from bot.channels.weixin import xml
from bot.channels.weixin.crypto import MessageCrypto, signature_ok
from tests.botapi.app import serve
from tests.wxapi import OfficialAccount, Retry, WxAPIServer
from tests.wxapi.calls import api_call, button_card, wechat_token, wecom_token
from tests.wxapi.errors import WxError

pytestmark = pytest.mark.asyncio(loop_scope="session")
APP_SEND = "/cgi-bin/message/send"
UPDATE_CARD = "/cgi-bin/message/update_template_card"


@pytest.fixture
def server(wx_api: WxAPIServer) -> WxAPIServer:
    return wx_api


class Receiver:
    """A stand-in for gridbot's /wechat and /wecom: checks signatures, decrypts with gridbot's crypto,
    keeps the fields, and answers a passive text reply (encrypted when the post was)."""

    def __init__(self, server: WxAPIServer) -> None:
        account, app = server.account, server.app
        self.wechat = MessageCrypto(account.token, account.aes_key, account.app_id) if account.aes_key else None
        self.wecom = MessageCrypto(app.token, app.aes_key, app.corp_id)
        self.account, self.app = account, app
        self.got: list[dict[str, str]] = []
        self.bodies: list[dict[str, str]] = []
        self.delays: list[float] = []  # seconds to stall the next answers (a slow gridbot)

    async def handle_wechat(self, request: web.Request) -> web.Response:
        q = request.query
        if not signature_ok(q["signature"], self.account.token, q["timestamp"], q["nonce"]):
            return web.Response(status=403)
        if request.method == "GET":
            return web.Response(text=q["echostr"])
        outer = xml.parse(await request.read())
        self.bodies.append(outer)
        if self.delays:
            await asyncio.sleep(self.delays.pop(0))
        if q.get("encrypt_type") != "aes":
            self.got.append(outer)
            return web.Response(text=xml.build({"MsgType": "text", "Content": "收到"}))
        assert self.wechat is not None
        assert signature_ok(q["msg_signature"], self.account.token, q["timestamp"], q["nonce"], outer["Encrypt"])
        self.got.append(xml.parse(self.wechat.decrypt(outer["Encrypt"]).encode()))
        reply = xml.build({"MsgType": "text", "Content": "收到"})
        return web.Response(text=self.wechat.reply_envelope(reply, q["timestamp"], q["nonce"]))

    async def handle_wecom(self, request: web.Request) -> web.Response:
        q = request.query
        encrypted = q["echostr"] if request.method == "GET" else xml.parse(await request.read())["Encrypt"]
        if not signature_ok(q["msg_signature"], self.app.token, q["timestamp"], q["nonce"], encrypted):
            return web.Response(status=403)
        plain = self.wecom.decrypt(encrypted)
        if request.method == "GET":
            return web.Response(text=plain)
        self.got.append(xml.parse(plain.encode()))
        return web.Response(text="success")


@asynccontextmanager
async def receiving(server: WxAPIServer) -> AsyncIterator[tuple[Receiver, str]]:
    """A Receiver for ``server``'s account and app, served on a free port: (receiver, its base URL)."""
    found = Receiver(server)
    app = web.Application()
    app.router.add_route("*", "/wechat", found.handle_wechat)
    app.router.add_route("*", "/wecom", found.handle_wecom)
    runner, port = await serve(app, "127.0.0.1")
    try:
        yield found, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def receiver(server: WxAPIServer) -> AsyncIterator[tuple[Receiver, str]]:
    async with receiving(server) as started:
        yield started


async def test_an_encrypted_message_decrypts_to_the_same_fields_and_the_reply_is_read(server, receiver) -> None:
    found, url = receiver
    resident = server.wechat_user(url)
    posted = await resident.text("路灯坏了，在幸福路")
    assert posted.ok and posted.reply == {"MsgType": "text", "Content": "收到"}
    assert found.bodies[0].keys() == {"ToUserName", "Encrypt"}  # safe mode: nothing else in the clear
    message = found.got[0]
    assert message["Content"] == "路灯坏了，在幸福路" and message["FromUserName"] == resident.openid
    assert message["MsgType"] == "text" and message["ToUserName"] == server.account.original_id
    assert {k: str(v) for k, v in posted.fields.items()} == message
    assert posted.query["encrypt_type"] == "aes" and posted.query["openid"] == resident.openid


@pytest.mark.parametrize("mode", ["plain", "compatible"])
async def test_plain_and_compatible_modes_post_the_fields_in_the_clear(mode) -> None:
    async with WxAPIServer(OfficialAccount.random(mode)) as server, receiving(server) as (found, url):
        posted = await server.wechat_user(url).text("你好")
        assert posted.ok and found.got[0]["Content"] == "你好" and found.bodies[0]["Content"] == "你好"
        assert ("Encrypt" in found.bodies[0]) is (mode == "compatible")
        assert posted.reply == {"MsgType": "text", "Content": "收到"}


async def test_every_message_type_carries_what_wechat_sends(server, receiver) -> None:
    found, url = receiver
    resident = server.wechat_user(url)
    await resident.voice("m-voice", recognition="垃圾没人收")
    await resident.voice("m-voice-2")
    await resident.image("m-image")
    await resident.location(23.0205, 113.7518, "东莞市莞城街道")
    await resident.subscribe()
    await resident.click("my_tickets")
    await resident.menu_choice("rate:5", "5")
    await resident.location_event(23.02, 113.75)
    voice, bare_voice, image, location, subscribe, click, choice, report = found.got
    assert voice["Recognition"] == "垃圾没人收" and "Recognition" not in bare_voice
    assert image["MediaId"] == "m-image" and image["PicUrl"].startswith("http")
    assert (location["Location_X"], location["Location_Y"], location["Label"]) == ("23.0205", "113.7518", "东莞市莞城街道")
    assert (subscribe["Event"], click["Event"], click["EventKey"]) == ("subscribe", "CLICK", "my_tickets")
    assert (choice["Content"], choice["bizmsgmenuid"]) == ("5", "rate:5")
    assert (report["Event"], report["Latitude"]) == ("LOCATION", "23.02")
    times = [int(m["CreateTime"]) for m in found.got]
    assert times == sorted(set(times))  # two events of one user are never one
    assert len({m.get("MsgId") for m in (voice, bare_voice, image, location, choice)}) == 5


async def test_a_repost_is_the_same_message_and_a_message_opens_the_window(server, receiver) -> None:
    found, url = receiver
    resident = server.wechat_user(url)
    with pytest.raises(WxError):
        server.state.followers.check_custom(resident.openid)
    posted = await resident.text("第一次")
    again = await resident.repost(posted)
    assert again.ok and again.sent == posted.sent and found.got[0] == found.got[1]
    server.state.followers.check_custom(resident.openid)  # the window is open now


async def test_verification_and_wecom_callbacks(server, receiver) -> None:
    found, url = receiver
    assert (await server.wechat_user(url).verify("echo123")).body == "echo123"
    worker = server.wecom_member(url, "zhangsan")
    assert (await worker.verify("wecom-echo")).body == "wecom-echo"
    await worker.text("/join ABC123")
    await worker.card_event("accept:T1", "T1-1", "code-1")
    joined, pressed = found.got
    assert (joined["Content"], joined["FromUserName"], joined["AgentID"]) == ("/join ABC123", "zhangsan",
                                                                              str(server.app.agent_id))
    assert (pressed["Event"], pressed["EventKey"], pressed["TaskId"], pressed["ResponseCode"]) == (
        "template_card_event", "accept:T1", "T1-1", "code-1")
    forged = await server.wechat_user(url).raw("<xml/>", {"signature": "0" * 40, "timestamp": "1", "nonce": "2"})
    assert forged.status == 403


async def test_a_member_presses_a_card_button_with_a_fresh_response_code(server, receiver) -> None:
    found, url = receiver
    async with aiohttp.ClientSession() as http:
        await _press_and_update(server, http, found, url)


async def _press_and_update(server, http, found, url) -> None:
    worker = server.wecom_member(url, "zhangsan")
    token = await wecom_token(server, http)
    await api_call(http, server.wecom_url, APP_SEND, {"touser": "zhangsan", "msgtype": "template_card",
               "agentid": server.app.agent_id, "template_card": button_card("T1-1")}, access_token=token)
    await worker.press(server.cards_of("zhangsan")[0], "accept")  # by the button's text
    assert found.got[-1]["EventKey"] == "accept:T1"
    code = found.got[-1]["ResponseCode"]
    update = {"agentid": server.app.agent_id, "response_code": code, "button": {"replace_name": "已接单"}}
    assert (await api_call(http, server.wecom_url, UPDATE_CARD, update, access_token=token))["errcode"] == 0
    assert server.card("zhangsan", "T1-1")["replace_name"] == "已接单"
    with pytest.raises(AssertionError):
        await worker.press("T1-1", "accept:T1")  # the buttons are gone


async def test_a_resident_picks_a_choice_of_a_customer_service_menu(server, receiver) -> None:
    found, url = receiver
    resident = server.wechat_user(url)
    await resident.text("办结了吗")
    menu = {"touser": resident.openid, "msgtype": "msgmenu", "msgmenu": {
        "head_content": "请评价", "list": [{"id": f"rate:{n}", "content": str(n)} for n in range(1, 6)]}}
    async with aiohttp.ClientSession() as http:
        token = await wechat_token(server, http)
        assert (await api_call(http, server.wechat_url, "/cgi-bin/message/custom/send", menu,
                               access_token=token))["errcode"] == 0
    entry = await server.wait_for(resident, lambda e: e["msgtype"] == "msgmenu")
    await resident.choose(entry, "4")
    assert (found.got[-1]["Content"], found.got[-1]["bizmsgmenuid"]) == ("4", "rate:4")


async def test_with_retry_a_post_without_an_answer_is_posted_again_as_it_was(server, receiver) -> None:
    found, url = receiver
    found.delays = [1.0]
    resident = server.wechat_user(url, retry=Retry(wait=0.3, times=3))
    posted = await resident.text("第一次没回")
    assert posted.ok and posted.attempts == 2
    assert len(found.bodies) == 2 and found.bodies[0] == found.bodies[1]  # the very same envelope
    nobody = server.wechat_user("http://127.0.0.1:9", retry=Retry(wait=0.3, times=2))
    unanswered = await nobody.text("没人")
    assert (unanswered.status, unanswered.attempts) == (0, 3)
