"""``/wechat``: WeChat's URL check, and messages posted in plain, encrypted and compatible mode; forged
signatures, bad XML and WeChat's retries change nothing."""

from __future__ import annotations

import pytest

from bot.channels.weixin.crypto import signature
from bot.infra import keys
from tests.wechat_harness import WeChatWorld, wechat, wx_api  # noqa: F401  (fixtures)

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
    posted = await wechat.post(wechat.message(wechat.resident, "text", Content=LAMP), mode)
    assert (posted.status, posted.text) == (200, "success")
    number = await wechat.ticket_number(wechat.resident)
    ticket = await wechat.world.service.domain.tickets.get(number)
    assert ticket.resident == wechat.resident.key and ticket.grid_id == "GC-XY-01"
