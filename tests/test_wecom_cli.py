"""`gridbot workers add --wecom-id` / `supervisors add --wecom-id`: WeCom members as staff, listed by channel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_gridbot_inline


def test_a_wecom_member_becomes_a_worker_and_is_listed_with_their_channel(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "var"
    added = run_gridbot_inline(["workers", "add", "--grid", "GC-XY-01", "--wecom-id", "LiSi", "--name", "李四",
                                "--json"], data_dir, monkeypatch)
    assert added.status == 0, added.err
    assert json.loads(added.out) == {"wecom_id": "lisi", "name": "李四", "grids": ["GC-XY-01"]}
    run_gridbot_inline(["workers", "add", "--grid", "GC-XY-01", "--telegram-id", "7001"], data_dir, monkeypatch)
    listed = json.loads(run_gridbot_inline(["workers", "list", "--json"], data_dir, monkeypatch).out)
    assert {"wecom_id": "lisi", "name": "李四", "grids": ["GC-XY-01"]} in listed
    assert {"telegram_id": 7001, "name": "", "grids": ["GC-XY-01"]} in listed
    lines = run_gridbot_inline(["workers", "list"], data_dir, monkeypatch).out.splitlines()
    assert "wecom:lisi\t李四\tGC-XY-01" in lines and "telegram:7001\t\tGC-XY-01" in lines
    removed = run_gridbot_inline(["workers", "remove", "--wecom-id", "lisi"], data_dir, monkeypatch)
    assert removed.status == 0 and "wecom:lisi removed" in removed.out


def test_a_wecom_member_becomes_a_supervisor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "var"
    added = run_gridbot_inline(["supervisors", "add", "--town", "莞城街道", "--wecom-id", "chen.zhuren",
                                "--json"], data_dir, monkeypatch)
    assert added.status == 0, added.err
    assert json.loads(added.out)["wecom_id"] == "chen.zhuren"
    lines = run_gridbot_inline(["supervisors", "list"], data_dir, monkeypatch).out.splitlines()
    assert lines == ["wecom:chen.zhuren\t\ttown\t莞城街道"]


@pytest.mark.parametrize("args", [
    ["--telegram-id", "7001", "--wecom-id", "lisi"],  # both
    [],  # neither
    ["--wecom-id", "李四"],  # not an account WeCom can have
    ["--wecom-id", "a" * 65],
])
def test_exactly_one_account_and_a_well_formed_one(args: list[str], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_gridbot_inline(["workers", "add", "--grid", "GC-XY-01", *args], tmp_path / "var", monkeypatch)
    assert result.status == 2, result.out
    assert "--telegram-id" in result.err or "WeCom account" in result.err
