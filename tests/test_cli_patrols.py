"""`gridbot patrols list`: per grid and day, who patrolled, how long and how much; clear errors."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path

import pytest

from bot.infra.clock import LOCAL_TIME, ManualClock
from bot.patrol.patrols import Patrols
from tests.conftest import run_gridbot_inline
from tests.data_dir import data_dir_domain

DAY = datetime(2026, 11, 30, 9, 0, tzinfo=LOCAL_TIME)


def seed_patrol(data_dir: Path) -> None:
    """李网格 walks GC-XY-01 west → east for 10 minutes on 2026-11-30."""

    async def walk() -> None:
        async with data_dir_domain(data_dir) as domain:
            clock = ManualClock(DAY.timestamp())
            patrols = Patrols(domain.redis, clock)
            await patrols.start("telegram:2001", "李网格")
            for i in range(11):
                await patrols.record("telegram:2001", 23.035, 113.7405 + 0.0006 * i, clock.now())
                clock.advance(60)
            await patrols.end("telegram:2001")

    asyncio.run(walk())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data_dir = tmp_path / "var"
    seed_patrol(data_dir)
    return data_dir


def test_a_days_patrols_per_grid_as_json_and_as_a_table(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_gridbot_inline(["patrols", "list", "--date", "2026-11-30", "--json"], data_dir, monkeypatch)
    assert result.status == 0, result.err
    [grid] = json.loads(result.out)
    assert grid["grid_id"] == "GC-XY-01" and grid["community"] == "西隅社区"
    assert grid["minutes"] == 10.0 and 0.05 < grid["coverage"] < 0.12
    assert [(w["name"], w["minutes"]) for w in grid["workers"]] == [("李网格", 10.0)]
    text = run_gridbot_inline(["patrols", "list", "--date", "2026-11-30"], data_dir, monkeypatch)
    header, row = text.out.splitlines()
    assert header.split() == ["网格", "名称", "覆盖率", "巡查时长", "网格员"]
    assert "GC-XY-01" in row and "10分钟" in row and "李网格" in row and "%" in row


def test_another_day_or_grid_has_none_and_bad_input_is_named(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = run_gridbot_inline(["patrols", "list", "--date", "2026-11-29"], data_dir, monkeypatch)
    assert (other.status, other.out.strip()) == (0, "2026-11-29 没有巡查记录（巡查轨迹保存 90 天）。")
    grid = run_gridbot_inline(["patrols", "list", "--date", "2026-11-30", "--grid", "GC-XY-02", "--json"],
                              data_dir, monkeypatch)
    assert (grid.status, json.loads(grid.out)) == (0, [])
    unknown = run_gridbot_inline(["patrols", "list", "--date", "2026-11-30", "--grid", "NOPE"], data_dir, monkeypatch)
    assert unknown.status == 1 and "unknown grid 'NOPE'" in unknown.err
    bad = run_gridbot_inline(["patrols", "list", "--date", "30/11/2026"], data_dir, monkeypatch)
    assert bad.status == 2 and "not a date: '30/11/2026'" in bad.err
