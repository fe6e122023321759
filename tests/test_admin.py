"""Admins: /stats, and /retrain switching every running process to the new model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.admin_helpers import free_port, health, wait_for
from tests.conftest import ROOT
from tests.telegram_harness import World

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_stats_counts_todays_tickets(world: World) -> None:
    await world.says(world.resident, "西正路8号门口的路灯坏了好几天")
    await world.ticket_number(world.resident)
    await world.says(world.admin, "/stats")
    stats = await world.sees(world.admin, "今天", "共 1 件")
    assert "municipal 1" in stats["text"] and "GC-XY-01 1" in stats["text"]
    await world.says(world.resident, "/stats")
    await world.sees(world.resident, "仅限管理员")


@pytest.mark.slow
async def test_retrain_switches_a_second_running_process(world: World, redis_url: str) -> None:
    port = free_port()
    env = {**os.environ, "GRIDBOT_REDIS_URL": redis_url, "GRIDBOT_DATA_DIR": str(world.service.settings.data_dir),
           "GRIDBOT_HTTP_PORT": str(port)}
    env.pop("GRIDBOT_BOT_TOKEN", None)
    second = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        before = world.service.models.metadata.version
        wait_for(lambda: health(port)["model"] == before, 60, "the second process to serve")
        await world.says(world.admin, "/retrain")
        await world.sees(world.admin, "开始训练")
        result = await world.sees(world.admin, "新模型", timeout=120)
        assert "已上线" in result["text"], result["text"]
        after = world.service.models.metadata.version
        assert after != before and after in result["text"]
        wait_for(lambda: health(port)["model"] == after, 30, "the second process to switch")
        assert (Path(world.service.settings.data_dir) / "models" / "CURRENT").read_text().strip() == after
    finally:
        second.terminate()
        second.wait(20)
