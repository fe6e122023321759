"""`gridbot workers` / `supervisors` given a phone number where a Telegram user id belongs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_gridbot_inline


def test_a_phone_number_is_not_taken_for_a_workers_telegram_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "var"
    result = run_gridbot_inline(["workers", "add", "--grid", "GC-XY-01", "--telegram-id", "13800138000"],
                                data_dir, monkeypatch)
    assert result.status == 1
    [line] = result.err.strip().splitlines()
    assert line.startswith("gridbot: error: 13800138000 looks like a mobile phone number, not a Telegram user id")
    assert "@userinfobot" in line and "gridbot workers invite --grid GC-XY-01" in line
    assert json.loads(run_gridbot_inline(["workers", "list", "--json"], data_dir, monkeypatch).out) == []


def test_a_phone_number_is_not_taken_for_a_supervisors_telegram_id(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "var"
    result = run_gridbot_inline(["supervisors", "add", "--town", "莞城街道", "--telegram-id", "19912345678"],
                                data_dir, monkeypatch)
    assert result.status == 1 and "looks like a mobile phone number" in result.err and "@userinfobot" in result.err
    assert json.loads(run_gridbot_inline(["supervisors", "list", "--json"], data_dir, monkeypatch).out) == []


@pytest.mark.parametrize("telegram_id", ["7001", "5123456789", "12345678901", "23800138000"])
def test_real_telegram_ids_are_still_accepted(telegram_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_gridbot_inline(["workers", "add", "--grid", "GC-XY-01", "--telegram-id", telegram_id, "--json"],
                                tmp_path / "var", monkeypatch)
    assert result.status == 0, result.err
    assert json.loads(result.out)["telegram_id"] == int(telegram_id)
