"""Webhook mode: updates arrive over HTTP, with Telegram's secret token checked."""

from __future__ import annotations

import aiohttp
import pytest

from tests.admin_helpers import free_port
from tests.telegram_harness import start_world

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_webhook_mode_takes_updates_and_checks_the_secret(bot_api, redis, redis_url, tmp_path, trained_models):
    port = free_port()
    world = await start_world(bot_api, redis_url, tmp_path / "var", trained_models, bot_mode="webhook",
                              webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
                              webhook_secret="s3cret-token", http_port=port)
    try:
        assert bot_api.webhook_url.endswith("/telegram/webhook") and bot_api.webhook_secret == "s3cret-token"
        await world.says(world.resident, "西正路8号门口的路灯坏了好几天")
        number = await world.ticket_number(world.resident)
        await world.sees(world.worker, "新工单", number)
        async with aiohttp.ClientSession() as http:
            forged = await http.post(f"http://127.0.0.1:{port}/telegram/webhook", json={"update_id": 1},
                                     headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            assert forged.status == 401
    finally:
        await world.service.stop()
