"""WeCom's per-member limit (30 messages a minute): a burst of notifications to one member is spread out.

The limiter and the API server share a shortened minute (1.5 s), so the test takes seconds; the API
server refuses (45009) any member sent over 30 in one of its minutes, as WeCom does.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.channels.delivery import OutboxDelivery
from bot.channels.wecom.channel import WeComChannel
from bot.channels.wecom.client import WeComClient
from bot.channels.wecom.limits import wecom_limits
from bot.channels.wecom.state import CardCodes
from bot.channels.weixin.api import WeixinApi, wecom_token_fetcher
from bot.channels.weixin.tokens import AccessTokens
from bot.infra import keys
from bot.photos.links import PhotoLinks
from bot.tickets.notifications import Kind, Notification
from tests.wxapi.server import WxAPIServer

pytestmark = pytest.mark.asyncio(loop_scope="session")
MINUTE = 1.5  # seconds, for the limiter and the API server alike
BURST = 40


async def test_a_burst_of_40_to_one_member_goes_out_over_more_than_a_minute(redis: Redis) -> None:
    started = time.time()
    scaled = lambda: started + (time.time() - started) * 60 / MINUTE  # noqa: E731  (the server's clock)
    async with WxAPIServer(clock=scaled) as wx, aiohttp.ClientSession() as session:
        wx.add_member("lisi")
        app = wx.app
        tokens = AccessTokens(redis, "wecom", wecom_token_fetcher(session, wx.wecom_url, app.corp_id, app.secret))
        limits = wecom_limits(redis, minute_seconds=MINUTE)
        client = WeComClient(WeixinApi(session, wx.wecom_url, tokens), app.agent_id, limits)
        channel = WeComChannel(client, CardCodes(redis), PhotoLinks(b"k" * 32, "http://127.0.0.1:8080"))
        delivery = OutboxDelivery(redis, channel, "test", limits=limits)
        for i in range(BURST):
            note = Notification("wecom:lisi", Kind.PRAISED, f"T20261124-{i + 1:04d}")
            await redis.xadd(keys.outbox("wecom"), note.to_fields(1))
        begun, stop = time.monotonic(), asyncio.Event()
        running = asyncio.create_task(delivery.run(stop))
        try:
            await wx.wait_until(lambda: len(wx.sent("wecom:lisi")) >= BURST, timeout=10 * MINUTE, what="all sent")
            took = time.monotonic() - begun
        finally:
            stop.set()
            await running
    assert wx.rate_limited == []  # never over 30 in one of the server's minutes
    assert took > MINUTE  # 13 at once, then 16 a minute: 40 take about two minutes
    times = sorted(entry["time"] for entry in wx.sent("wecom:lisi"))
    assert max(sum(1 for t in times if start <= t < start + 60) for start in times) <= 30
    assert [wx.text_of(e) for e in wx.sent("wecom:lisi")][:2] == [
        "🌟 居民对工单 T20261124-0001 表示感谢，辛苦了！", "🌟 居民对工单 T20261124-0002 表示感谢，辛苦了！"]
