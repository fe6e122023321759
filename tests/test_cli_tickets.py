"""`gridbot tickets list` read by an operator: a header, Chinese names, urgent marks, one line per ticket,
and clear errors for an unknown grid or state."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import run_gridbot_inline
from tests.data_dir import Request, open_tickets

LONG = "光明路18号门口的路灯坏了三天了，\n晚上很黑，老人小孩走路都不方便，之前也反映过一次，希望尽快派人来修一下"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The demo map with two open tickets: an urgent gas leak and a long lamp complaint over two lines."""
    data_dir = tmp_path / "var"
    open_tickets(data_dir, Request("GC-XY-01", "西正路8号楼道里燃气味很重", "safety", urgent=True),
                 Request("GC-XY-02", LONG))
    return data_dir


def columns_before(line: str, cell: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line[: line.index(cell)])


def tickets_list(data_dir: Path, monkeypatch: pytest.MonkeyPatch, *options: str):
    return run_gridbot_inline(["tickets", "list", *options], data_dir, monkeypatch)


def test_the_list_has_a_header_chinese_names_and_one_line_per_ticket(data_dir: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    result = tickets_list(data_dir, monkeypatch)
    assert result.status == 0, result.err
    header, lamp, gas = result.out.splitlines()  # newest first
    assert header.split() == ["工单号", "状态", "紧急", "类别", "网格", "办理时限", "内容"]
    assert "待派单" in gas and "安全隐患" in gas and "🚨" in gas and "GC-XY-01" in gas and "燃气味很重" in gas
    assert "待派单" in lamp and "市政设施" in lamp and "🚨" not in lamp and "GC-XY-02" in lamp
    assert "光明路18号门口的路灯坏了三天了， 晚上很黑" in lamp and lamp.endswith("…") and "希望尽快" not in lamp
    assert "municipal" not in result.out and "pending" not in result.out
    # the columns line up on a terminal, where a Chinese character or an emoji takes two columns
    assert columns_before(lamp, "市政设施") == columns_before(gas, "安全隐患") == columns_before(header, "类别")
    assert columns_before(lamp, "光明路") == columns_before(gas, "西正路") == columns_before(header, "内容")


def test_an_unknown_grid_is_an_error_naming_it(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = tickets_list(data_dir, monkeypatch, "--grid", "NOPE")
    assert result.status == 1
    assert result.err.strip() == "gridbot: error: unknown grid 'NOPE'; see `gridbot grids list`"
    quiet = tickets_list(data_dir, monkeypatch, "--grid", "GC-XY-03")
    assert (quiet.status, quiet.out.strip()) == (0, "没有符合条件的工单。")


def test_a_state_is_given_by_code_or_chinese_name_and_a_bad_one_lists_them(data_dir: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tickets_list(data_dir, monkeypatch, "--status", "open")
    assert bad.status == 2
    assert "unknown status 'open'" in bad.err and "pending (待派单)" in bad.err and "accepted (处理中)" in bad.err
    by_name = tickets_list(data_dir, monkeypatch, "--status", "待派单", "--grid", "GC-XY-01")
    assert len(by_name.out.splitlines()) == 2 and "燃气味很重" in by_name.out
    assert tickets_list(data_dir, monkeypatch, "--status", "accepted").out.strip() == "没有符合条件的工单。"


def test_json_keeps_its_fields(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = json.loads(tickets_list(data_dir, monkeypatch, "--json").out)
    assert [(t["category"], t["status"], t["status_label"], t["urgent"], t["text"]) for t in listed] == [
        ("municipal", "pending", "待派单", False, LONG), ("safety", "pending", "待派单", True, "西正路8号楼道里燃气味很重")]


def test_the_list_and_show_carry_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "var"
    lamp, manhole = open_tickets(data_dir, Request("GC-XY-01", "西正路8号的路灯坏了"),
                                 Request("GC-XY-02", "光明路18号井盖丢了", source="patrol"))
    patrol = json.loads(tickets_list(data_dir, monkeypatch, "--source", "patrol", "--json").out)
    assert [(t["number"], t["source"]) for t in patrol] == [(manhole, "patrol")]
    residents = tickets_list(data_dir, monkeypatch, "--source", "resident")
    assert lamp in residents.out and manhole not in residents.out
    bad = tickets_list(data_dir, monkeypatch, "--source", "robot")
    assert bad.status == 2 and "patrol" in bad.err
    shown = run_gridbot_inline(["tickets", "show", manhole, "--json"], data_dir, monkeypatch)
    assert json.loads(shown.out)["source"] == "patrol"
    text = run_gridbot_inline(["tickets", "show", manhole], data_dir, monkeypatch).out
    assert "source: patrol (巡查上报)" in text
