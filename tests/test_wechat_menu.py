"""``gridbot wechat menu``: the Official Account's menu from training_data/wechat_menu.json, created on
the local WeChat API server; a bad file is one line and exit 1, and the menu stays as it was."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.conftest import TRAINING_DIR, CliResult, run_gridbot
from tests.wxapi import WxAPIServer

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def menu_command(args: list[str], data_dir: Path) -> CliResult:
    return await asyncio.to_thread(run_gridbot, ["wechat", "menu", *args], data_dir)


@pytest.fixture
def configured(wx_api: WxAPIServer, monkeypatch: pytest.MonkeyPatch) -> WxAPIServer:
    for name, value in wx_api.account.env(wx_api.wechat_url).items():
        monkeypatch.setenv(name, value)
    return wx_api


async def test_the_shipped_menu_is_created(configured: WxAPIServer, tmp_path: Path) -> None:
    result = await menu_command([], tmp_path)
    assert result.status == 0, result.err
    assert "我要反映" in result.out
    shipped = json.loads((TRAINING_DIR / "wechat_menu.json").read_text(encoding="utf-8"))
    assert configured.menu == shipped
    assert [(b["name"], b["key"]) for b in shipped["button"]] == [
        ("我要反映", "report"), ("我的工单", "my_tickets"), ("使用说明", "help")]


@pytest.mark.parametrize("content", [
    "{not json", '{"button": []}', '{"button": [{"type": "click", "name": "我要反映"}]}',
    '{"button": [{"type": "click", "name": "我要反映", "key": "unknown"}]}',
    '{"button": [{"type": "click", "name": "这是一个超过十六个字节的名字", "key": "report"}]}',
], ids=["not-json", "no-buttons", "no-key", "unknown-key", "long-name"])
async def test_a_bad_file_is_one_line_and_changes_nothing(configured: WxAPIServer, tmp_path: Path,
                                                          content: str) -> None:
    menu = tmp_path / "menu.json"
    menu.write_text(content, encoding="utf-8")
    result = await menu_command(["--file", str(menu)], tmp_path)
    assert result.status == 1 and result.err.startswith("gridbot: error: ") and result.err.count("\n") == 1
    assert str(menu) in result.err
    assert configured.menu is None and configured.calls["wechat /cgi-bin/menu/create"] == 0


async def test_a_missing_file_and_a_missing_account_are_one_line(wx_api: WxAPIServer, tmp_path: Path) -> None:
    missing = await menu_command(["--file", str(tmp_path / "nope.json")], tmp_path)
    assert missing.status == 1 and "nope.json" in missing.err
    unconfigured = await menu_command([], tmp_path)
    assert unconfigured.status == 1 and "GRIDBOT_WECHAT_TOKEN" in unconfigured.err
