"""The local WeChat + WeCom API server behaves like the real APIs where gridbot depends on it.

Calls go over real HTTP (aiohttp, and gridbot's own WeixinApi client where it matters).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.botapi.media import TINY_JPEG
from tests.wxapi import WxAPIServer
from tests.wxapi.calls import api_call as call
from tests.wxapi.calls import button_card as card
from tests.wxapi.calls import wechat_token, wecom_token

pytestmark = pytest.mark.asyncio(loop_scope="session")

CUSTOM = "/cgi-bin/message/custom/send"
TEMPLATE = "/cgi-bin/message/template/send"
APP_SEND = "/cgi-bin/message/send"
UPDATE_CARD = "/cgi-bin/message/update_template_card"


@pytest.fixture
def server(wx_api: WxAPIServer) -> WxAPIServer:
    return wx_api


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def text(openid: str, content: str) -> dict[str, Any]:
    return {"touser": openid, "msgtype": "text", "text": {"content": content}}


# --------------------------------------------------------------------------- tokens


async def test_stable_token_is_the_same_until_forced_and_a_forced_one_kills_the_old(server, http) -> None:
    first = await wechat_token(server, http)
    assert await wechat_token(server, http) == first
    forced = await wechat_token(server, http, force=True)
    assert forced != first
    assert (await call(http, server.wechat_url, CUSTOM, text("o1", "x"), access_token=first))["errcode"] == 40001
    assert server.token_fetches["stable_token"] == 3


async def test_wrong_credentials_are_refused_with_the_real_codes(server, http) -> None:
    base = {"grant_type": "client_credential", "appid": server.account.app_id, "secret": server.account.secret}
    wrong_app = await call(http, server.wechat_url, "/cgi-bin/stable_token", {**base, "appid": "wxnope"})
    wrong_secret = await call(http, server.wechat_url, "/cgi-bin/stable_token", {**base, "secret": "nope"})
    assert (wrong_app["errcode"], wrong_secret["errcode"]) == (40013, 40125)
    wrong_corp = await call(http, server.wecom_url, "/cgi-bin/gettoken", corpid="nope", corpsecret=server.app.secret)
    wrong_corp_secret = await call(http, server.wecom_url, "/cgi-bin/gettoken", corpid=server.app.corp_id,
                                   corpsecret="nope")
    assert (wrong_corp["errcode"], wrong_corp_secret["errcode"]) == (40013, 40001)


async def test_legacy_token_issues_a_new_token_each_time_and_counts_apart(server, http) -> None:
    query = {"grant_type": "client_credential", "appid": server.account.app_id, "secret": server.account.secret}
    one = await call(http, server.wechat_url, "/cgi-bin/token", **query)
    two = await call(http, server.wechat_url, "/cgi-bin/token", **query)
    assert one["access_token"] != two["access_token"]
    assert server.token_fetches == {"token": 2}


async def test_every_call_checks_its_token(server, http) -> None:
    server.user_messaged("o1")
    missing = await call(http, server.wechat_url, CUSTOM, text("o1", "x"))
    unknown = await call(http, server.wechat_url, CUSTOM, text("o1", "x"), access_token="nope")
    unknown_wecom = await call(http, server.wecom_url, APP_SEND, {}, access_token="nope")
    assert (missing["errcode"], unknown["errcode"], unknown_wecom["errcode"]) == (41001, 40001, 40014)
    token = await wechat_token(server, http)
    server.expire(token)
    assert (await call(http, server.wechat_url, CUSTOM, text("o1", "x"), access_token=token))["errcode"] == 42001
    fresh = await wechat_token(server, http)
    server.revoke(fresh)
    assert (await call(http, server.wechat_url, CUSTOM, text("o1", "x"), access_token=fresh))["errcode"] == 40001
    assert server.sent("o1") == [] and server.internal_errors == []


async def test_gridbot_client_survives_a_revoked_token_and_processes_share_one(server, http, redis) -> None:
    from bot.channels.weixin.api import WeixinApi, wechat_token_fetcher
    from bot.channels.weixin.tokens import AccessTokens

    fetch = wechat_token_fetcher(http, server.wechat_url, server.account.app_id, server.account.secret)
    processes = [WeixinApi(http, server.wechat_url, AccessTokens(redis, "wechat", fetch)) for _ in range(3)]
    server.user_messaged("o1")
    await asyncio.gather(*(api.post(CUSTOM, text("o1", f"第{i}条")) for i, api in enumerate(processes)))
    assert server.token_fetches["stable_token"] == 1
    server.revoke_all()
    await processes[0].post(CUSTOM, text("o1", "撤销之后"))
    assert server.token_fetches["stable_token"] == 2
    assert server.texts_of("wechat:o1")[-1] == "撤销之后" and len(server.sent("o1")) == 4


# --------------------------------------------------------------------------- WeChat messages


async def test_customer_messages_need_the_48_hour_window_and_keep_to_the_quota(server, http) -> None:
    token = await wechat_token(server, http)
    server.add_user("o1")
    assert (await call(http, server.wechat_url, CUSTOM, text("o1", "早"), access_token=token))["errcode"] == 45015
    server.user_messaged("o1")
    codes = [(await call(http, server.wechat_url, CUSTOM, text("o1", f"{i}"), access_token=token))["errcode"]
             for i in range(6)]
    assert codes == [0, 0, 0, 0, 0, 45047]
    server.user_messaged("o1")
    assert (await call(http, server.wechat_url, CUSTOM, text("o1", "再来"), access_token=token))["errcode"] == 0
    server.outside_window("o1")
    assert (await call(http, server.wechat_url, CUSTOM, text("o1", "晚"), access_token=token))["errcode"] == 45015
    assert server.texts_of("wechat:o1") == ["0", "1", "2", "3", "4", "再来"]
    unknown = await call(http, server.wechat_url, CUSTOM, text("o-unknown", "x"), access_token=token)
    assert unknown["errcode"] == 40003


async def test_the_window_closes_48_hours_after_the_last_message_on_the_test_clock(server, http) -> None:
    now = [1_700_000_000.0]
    server.use_clock(lambda: now[0])
    server.user_messaged("o1")
    old = await wechat_token(server, http)
    now[0] += 48 * 3600 - 1
    assert (await call(http, server.wechat_url, CUSTOM, text("o1", "x"), access_token=old))["errcode"] == 42001
    token = await wechat_token(server, http)  # the expired token is replaced without force
    assert token != old
    assert (await call(http, server.wechat_url, CUSTOM, text("o1", "还在"), access_token=token))["errcode"] == 0
    now[0] += 2
    assert (await call(http, server.wechat_url, CUSTOM, text("o1", "过期"), access_token=token))["errcode"] == 45015


async def test_customer_message_types_are_checked(server, http) -> None:
    token = await wechat_token(server, http)
    server.user_messaged("o1")
    media_id = server.add_media()
    menu = {"touser": "o1", "msgtype": "msgmenu", "msgmenu": {
        "head_content": "请评价", "list": [{"id": "rate:5", "content": "5"}], "tail_content": ""}}
    news = {"touser": "o1", "msgtype": "news", "news": {"articles": [{"title": "工单", "url": "http://x"}]}}
    image = {"touser": "o1", "msgtype": "image", "image": {"media_id": media_id}}
    for payload in (menu, news, image):
        assert (await call(http, server.wechat_url, CUSTOM, payload, access_token=token))["errcode"] == 0
    bad = [({"touser": "o1", "msgtype": "video", "video": {}}, 40008), (text("o1", " "), 44004),
           ({"touser": "o1", "msgtype": "image", "image": {"media_id": "nope"}}, 40007),
           ({"touser": "o1", "msgtype": "msgmenu", "msgmenu": {"list": []}}, 47001)]
    for payload, errcode in bad:
        assert (await call(http, server.wechat_url, CUSTOM, payload, access_token=token))["errcode"] == errcode
    assert [e["msgtype"] for e in server.sent("o1")] == ["msgmenu", "news", "image"]
    assert server.texts_of("o1")[0] == "请评价\n5"


async def test_unicode_escapes_arrive_literally_as_on_wechat(server, http) -> None:
    token = await wechat_token(server, http)
    server.user_messaged("o1")
    body = json.dumps(text("o1", "你好"))  # ensure_ascii: \u4f60\u597d
    async with http.post(server.wechat_url + CUSTOM, params={"access_token": token}, data=body) as answer:
        assert (await answer.json())["errcode"] == 0
    assert server.texts_of("o1") == ["\\u4f60\\u597d"]


async def test_template_messages_go_outside_the_window_and_need_a_known_template(server, http) -> None:
    token = await wechat_token(server, http)
    server.add_user("o1")
    payload = {"touser": "o1", "template_id": server.account.template_id, "url": "http://gridbot/t/T1",
               "data": {"number": {"value": "T1"}, "status": {"value": "已受理"}}}
    answer = await call(http, server.wechat_url, TEMPLATE, payload, access_token=token)
    assert answer["errcode"] == 0 and isinstance(answer["msgid"], int)
    unknown = await call(http, server.wechat_url, TEMPLATE, {**payload, "template_id": "nope"}, access_token=token)
    assert unknown["errcode"] == 40037
    server.add_template("strict", ["first"])
    assert (await call(http, server.wechat_url, TEMPLATE, {**payload, "template_id": "strict"},
                       access_token=token))["errcode"] == 47003
    entry = await server.wait_for_text("wechat:o1", "T1", "已受理")
    assert entry["kind"] == "template" and "http://gridbot/t/T1" in server.text_of(entry)


async def test_the_menu_is_checked_and_read_back(server, http) -> None:
    token = await wechat_token(server, http)
    menu = {"button": [{"type": "click", "name": "我要反映", "key": "report"},
                       {"name": "更多", "sub_button": [{"type": "click", "name": "我的工单", "key": "my"},
                                                        {"type": "view", "name": "使用说明", "url": "http://x"}]}]}
    assert (await call(http, server.wechat_url, "/cgi-bin/menu/get", access_token=token))["errcode"] == 46003
    assert (await call(http, server.wechat_url, "/cgi-bin/menu/create", menu, access_token=token))["errcode"] == 0
    assert server.menu == menu
    got = await call(http, server.wechat_url, "/cgi-bin/menu/get", access_token=token)
    assert got["menu"] == menu
    too_many = {"button": [{"type": "click", "name": f"b{i}", "key": f"k{i}"} for i in range(4)]}
    long_name = {"button": [{"type": "click", "name": "一二三四五六", "key": "k"}]}  # 18 bytes
    no_key = {"button": [{"type": "click", "name": "x"}]}
    six_subs = {"button": [{"name": "x", "sub_button": [{"type": "click", "name": "s", "key": "k"}] * 6}]}
    codes = [(await call(http, server.wechat_url, "/cgi-bin/menu/create", m, access_token=token))["errcode"]
             for m in (too_many, long_name, no_key, six_subs)]
    assert codes == [40016, 40018, 40019, 40023]


# --------------------------------------------------------------------------- media


async def test_media_round_trip_on_both_apis(server, http) -> None:
    media_id = server.add_media(TINY_JPEG)
    for url, token in ((server.wechat_url, await wechat_token(server, http)),
                       (server.wecom_url, await wecom_token(server, http))):
        async with http.get(url + "/cgi-bin/media/get", params={"access_token": token, "media_id": media_id}) as r:
            assert r.content_type == "image/jpeg" and await r.read() == TINY_JPEG
            assert r.headers["Content-disposition"].startswith("attachment; filename=")
        assert (await call(http, url, "/cgi-bin/media/get", access_token=token, media_id="nope"))["errcode"] == 40007
    form = aiohttp.FormData()
    form.add_field("media", TINY_JPEG, filename="photo.jpg", content_type="image/jpeg")
    async with http.post(server.wecom_url + "/cgi-bin/media/upload",
                         params={"access_token": token, "type": "image"}, data=form) as r:
        uploaded = await r.json()
    assert uploaded["errcode"] == 0 and server.media_bytes(uploaded["media_id"]) == TINY_JPEG


# --------------------------------------------------------------------------- WeCom messages and cards


async def test_app_messages_check_agent_and_members(server, http) -> None:
    token = await wecom_token(server, http)
    server.add_member("zhangsan")
    message = {"touser": "zhangsan|ghost", "msgtype": "text", "agentid": server.app.agent_id,
               "text": {"content": "新工单"}}
    answer = await call(http, server.wecom_url, APP_SEND, message, access_token=token)
    assert answer["errcode"] == 0 and answer["invaliduser"] == "ghost" and answer["msgid"]
    assert (await call(http, server.wecom_url, APP_SEND, {**message, "touser": "ghost"},
                       access_token=token))["errcode"] == 81013
    assert (await call(http, server.wecom_url, APP_SEND, {**message, "agentid": 1},
                       access_token=token))["errcode"] == 40056
    assert server.texts_of("wecom:zhangsan") == ["新工单"]


async def test_template_cards_are_checked(server, http) -> None:
    token = await wecom_token(server, http)
    server.add_member("zhangsan")

    async def send(template_card: dict[str, Any]) -> dict[str, Any]:
        return await call(http, server.wecom_url, APP_SEND, {"touser": "zhangsan", "msgtype": "template_card",
                          "agentid": server.app.agent_id, "template_card": template_card}, access_token=token)

    good = card("T1-1")
    assert (await send(good))["errcode"] == 0
    mistakes = [{**good, "task_id": "T1-1"}, {**good, "task_id": "T1-2", "card_type": "fancy"},
                {**good, "task_id": "T1-3", "main_title": {}}, {**good, "task_id": "bad id!"},
                card("T1-4", keys=tuple(f"k{i}" for i in range(7))), card("T1-5", keys=("k", "k")),
                {**good, "task_id": "T1-6", "button_list": [{"text": "接单"}]}]
    for mistake in mistakes:
        answer = await send(mistake)
        assert answer["errcode"] == 40058, (mistake, answer)
    assert len(server.sent("zhangsan")) == 1


async def test_card_updates_apply_to_the_card_and_a_response_code_works_once(server, http) -> None:
    token = await wecom_token(server, http)
    for userid in ("zhangsan", "lisi"):
        server.add_member(userid)
    sent = await call(http, server.wecom_url, APP_SEND, {
        "touser": "zhangsan|lisi", "msgtype": "template_card", "agentid": server.app.agent_id,
        "template_card": card("T1-1")}, access_token=token)
    assert sent["response_code"]
    pressed = server.press("zhangsan", "T1-1", "accept:T1")
    update = {"agentid": server.app.agent_id, "response_code": pressed, "button": {"replace_name": "已接单"}}
    assert (await call(http, server.wecom_url, UPDATE_CARD, update, access_token=token))["errcode"] == 0
    assert "已接单" in server.text_of(server.card("zhangsan", "T1-1"))
    assert "accept" in server.text_of(server.card("lisi", "T1-1"))  # the press code updates the presser only
    assert (await call(http, server.wecom_url, UPDATE_CARD, update, access_token=token))["errcode"] == 40098
    everyone = {"agentid": server.app.agent_id, "response_code": sent["response_code"], "atall": 1,
                "template_card": card("T1-1", title="已由张三接单", keys=("resolve:T1",))}
    assert (await call(http, server.wecom_url, UPDATE_CARD, everyone, access_token=token))["errcode"] == 0
    entry = await server.wait_for_text("wecom:lisi", "已由张三接单")
    assert entry["replace_name"] is None and "resolve" in server.text_of(entry)
    with pytest.raises(AssertionError):
        server.press("wangwu", "T1-1", "resolve:T1")  # never got the card


async def test_members_get_at_most_30_messages_a_minute(http) -> None:
    now = [1000.0]
    async with WxAPIServer(clock=lambda: now[0]) as server:
        token = await wecom_token(server, http)
        server.add_member("zhangsan")
        message = {"touser": "zhangsan", "msgtype": "text", "agentid": server.app.agent_id, "text": {"content": "x"}}
        codes = [(await call(http, server.wecom_url, APP_SEND, message, access_token=token))["errcode"]
                 for _ in range(31)]
        assert codes == [0] * 30 + [45009] and server.rate_limited == ["zhangsan"]
        now[0] += 61
        assert (await call(http, server.wecom_url, APP_SEND, message, access_token=token))["errcode"] == 0


# --------------------------------------------------------------------------- faults


async def test_injected_errcodes_and_statuses_fail_the_next_calls_only(server, http) -> None:
    token = await wechat_token(server, http)
    for openid in ("o1", "o2"):
        server.user_messaged(openid)
    server.faults.add(CUSTOM, -1, times=2)
    server.faults.add(CUSTOM, 45047, to="wechat:o2")
    codes = [(await call(http, server.wechat_url, CUSTOM, text("o1", "x"), access_token=token))["errcode"]
             for _ in range(3)]
    assert codes == [-1, -1, 0]
    assert (await call(http, server.wechat_url, CUSTOM, text("o1", "x"), access_token=token))["errcode"] == 0
    assert (await call(http, server.wechat_url, CUSTOM, text("o2", "x"), access_token=token))["errcode"] == 45047
    server.faults.add(CUSTOM, 502)
    async with http.post(server.wechat_url + CUSTOM, params={"access_token": token},
                         data=json.dumps(text("o1", "x"))) as answer:
        assert answer.status == 502
    assert len(server.sent("o1")) == 2 and len(server.faults.injected) == 4


async def test_a_timeout_delivers_but_never_answers_and_a_drop_delivers_nothing(server, http) -> None:
    token = await wechat_token(server, http)
    server.user_messaged("o1")
    server.faults.add(CUSTOM, "timeout", hold=5)
    server.faults.add(CUSTOM, "drop")
    short = aiohttp.ClientTimeout(total=0.5)
    with pytest.raises(TimeoutError):
        async with http.post(server.wechat_url + CUSTOM, params={"access_token": token},
                             data=json.dumps(text("o1", "超时"), ensure_ascii=False), timeout=short) as answer:
            await answer.read()
    with pytest.raises(aiohttp.ClientError):
        async with http.post(server.wechat_url + CUSTOM, params={"access_token": token},
                             data=json.dumps(text("o1", "断开"), ensure_ascii=False), timeout=short) as answer:
            await answer.read()
    [entry] = server.sent("o1")
    assert server.text_of(entry) == "超时" and entry["answered"] is False
    assert server.internal_errors == []


async def test_random_faults_fail_a_share_of_sends(server, http) -> None:
    token = await wechat_token(server, http)
    server.user_messaged("o1")
    server.custom_quota = 1000
    server.faults.randomly(0.3, errors=(-1, 502), seed=7)
    statuses = []
    for i in range(100):
        async with http.post(server.wechat_url + CUSTOM, params={"access_token": token},
                             data=json.dumps(text("o1", str(i)))) as answer:
            statuses.append(answer.status if answer.status != 200 else (await answer.json())["errcode"])
    failed = [s for s in statuses if s != 0]
    assert 15 <= len(failed) <= 45 and set(failed) == {-1, 502}
    assert len(server.sent("o1")) == 100 - len(failed)
