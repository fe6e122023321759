"""Notifications to Official Account residents: customer-service messages, the template fallback when
WeChat refuses them (45015, 45047) with a signed link to the ticket's page, retries of a busy WeChat and
of sends without an answer, and an access token revoked while gridbot runs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.infra import keys
from bot.people.directory import telegram_key
from tests.wechat_harness import WeChatWorld, start_wechat_world

pytestmark = pytest.mark.asyncio(loop_scope="session")

LAMP = "西正路8号门口的路灯坏了好几天，晚上黑漆漆的，电话13912345678"
SEND = "/cgi-bin/message/custom/send"
REPEAT_NOTE = "系统恢复后补发"


async def opened(wechat: WeChatWorld) -> str:
    await wechat.says(wechat.resident, LAMP)
    return await wechat.ticket_number(wechat.resident)


async def accept(wechat: WeChatWorld, number: str) -> None:
    assert (await wechat.world.service.domain.tickets.accept(number, telegram_key(wechat.world.worker.id))).ok


async def page(wechat: WeChatWorld, url: str) -> tuple[int, str]:
    """GET a ticket link from gridbot (its public URL names another port in tests)."""
    parts = urlsplit(url)
    local = f"http://127.0.0.1:{wechat.world.service.http_port}{parts.path}?{parts.query}"
    async with wechat.http.get(local) as response:
        return response.status, await response.text()


@pytest.mark.parametrize("refusal", [45015, 45047])
async def test_a_refused_notice_goes_as_a_template_with_a_link_to_the_ticket_page(wechat: WeChatWorld,
                                                                                    refusal: int) -> None:
    number = await opened(wechat)
    wechat.wx.faults.add(SEND, refusal, to=wechat.resident.key)
    await accept(wechat, number)
    notice = await wechat.wx.wait_for(wechat.resident.key, lambda e: e["kind"] == "template")
    data = notice["payload"]["data"]
    assert data["number"]["value"] == number and data["status"]["value"] == "处理中"
    assert notice["payload"]["template_id"] == wechat.account.template_id
    status, body = await page(wechat, notice["payload"]["url"])
    assert status == 200
    assert number in body and "市政设施" in body and "处理中" in body and "已派单" in body
    assert "路灯" not in body and "13912345678" not in body and "1391" not in body  # no words, no phone


async def test_a_tampered_or_foreign_ticket_link_is_404(wechat: WeChatWorld) -> None:
    number = await opened(wechat)
    wechat.wx.outside_window(wechat.resident.openid)
    await accept(wechat, number)
    notice = await wechat.wx.wait_for(wechat.resident.key, lambda e: e["kind"] == "template")
    url = notice["payload"]["url"]
    last = url[-1]
    tampered = [url[:-1] + ("0" if last != "0" else "1"), url.replace(number, "T20261124-9999"),
                url.split("&sig=")[0], url.replace("exp=", "exp=1")]
    for link in tampered:
        status, body = await page(wechat, link)
        assert status == 404 and number not in body, link


async def test_busy_then_success_sends_exactly_one_plain_message(wechat: WeChatWorld) -> None:
    number = await opened(wechat)
    wechat.wx.faults.add(SEND, -1, to=wechat.resident.key)
    await accept(wechat, number)
    await wechat.sees(wechat.resident, number, "已接单")
    await asyncio.sleep(0.5)
    accepted = [text for text in wechat.wx.texts_of(wechat.resident.key) if "已接单" in text]
    assert len(accepted) == 1 and REPEAT_NOTE not in accepted[0]
    assert wechat.wx.faults.injected


async def test_a_send_without_an_answer_is_retried_flagged(bot_api, wx_api, redis, redis_url: str,
                                                         tmp_path: Path, trained_models: Path) -> None:
    wechat = await start_wechat_world(bot_api, wx_api, redis_url, tmp_path / "var", trained_models,
                                      weixin_send_timeout_seconds=0.5)
    try:
        number = await opened(wechat)
        wx_api.faults.add(SEND, "timeout", to=wechat.resident.key, hold=2.0)
        await accept(wechat, number)
        await wechat.sees(wechat.resident, number, "已接单", REPEAT_NOTE)
    finally:
        await wechat.close()


async def test_without_a_template_a_refused_notice_marks_the_resident_unreachable(
        bot_api, wx_api, redis, redis_url: str, tmp_path: Path, trained_models: Path) -> None:
    wechat = await start_wechat_world(bot_api, wx_api, redis_url, tmp_path / "var", trained_models,
                                      wechat_template_id=None)
    try:
        number = await opened(wechat)
        wx_api.outside_window(wechat.resident.openid)
        await accept(wechat, number)
        redis_client = wechat.world.service.redis
        for _ in range(50):
            if await redis_client.hget(keys.resident(wechat.resident.key), "unreachable"):
                break
            await asyncio.sleep(0.1)
        assert await redis_client.hget(keys.resident(wechat.resident.key), "unreachable") == "1"
        assert all(entry["kind"] != "template" for entry in wx_api.sent(wechat.resident.key))
    finally:
        await wechat.close()


async def test_a_token_revoked_midway_is_refreshed_and_the_message_sent(wechat: WeChatWorld) -> None:
    number = await opened(wechat)
    first = wechat.wx.current_token()
    assert first is not None
    wechat.wx.revoke(first)
    await accept(wechat, number)
    await wechat.sees(wechat.resident, number, "已接单")
    assert wechat.wx.current_token().value != first.value
    assert wechat.wx.token_fetches["stable_token"] == 2
    assert len([t for t in wechat.wx.texts_of(wechat.resident.key) if "已接单" in t]) == 1
