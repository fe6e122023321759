"""Webhook mode: updates arrive over HTTP, with Telegram's secret token checked."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest

from tests.admin_helpers import free_port
from tests.botapi.client import User
from tests.telegram_harness import start_world

pytestmark = pytest.mark.asyncio(loop_scope="session")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


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
                                     headers={SECRET_HEADER: "wrong"})
            assert forged.status == 403
    finally:
        await world.service.stop()


def _command_update(update_id: int, user: User, command: str) -> dict[str, Any]:
    """An update as Telegram would post it: ``user`` sends ``command`` in their private chat."""
    sender = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "from": sender, "chat": {**sender, "type": "private"},
        "text": command, "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}]}}


async def test_a_post_without_the_secret_cannot_pose_as_an_admin(bot_api, redis, redis_url, tmp_path, trained_models):
    port = free_port()
    webhook = f"http://127.0.0.1:{port}/telegram/webhook"
    world = await start_world(bot_api, redis_url, tmp_path / "var", trained_models, bot_mode="webhook",
                              webhook_url=webhook, webhook_secret="s3cret-token", http_port=port)
    try:
        async with aiohttp.ClientSession() as http:
            for update_id, headers in enumerate(({}, {SECRET_HEADER: ""}, {SECRET_HEADER: "s3cret-tokenX"},
                                                 {SECRET_HEADER: "S3CRET-TOKEN"}), start=990_001):
                async with http.post(webhook, json=_command_update(update_id, world.admin, "/stats"),
                                     headers=headers) as forged:
                    assert forged.status == 403, headers
            # The same update with Telegram's secret is handled: so the forged ones were refused for the
            # secret alone. Updates of one chat are handled in order, so by the time this one is
            # answered, any forged one taken before it would have been answered too.
            async with http.post(webhook, json=_command_update(990_009, world.admin, "/stats"),
                                 headers={SECRET_HEADER: "s3cret-token"}) as genuine:
                assert genuine.status == 200
        await world.sees(world.admin, "今天", "共 0 件")
        assert len([m for m in bot_api.messages_to(world.admin.id) if "今天" in m["text"]]) == 1
    finally:
        await world.service.stop()
