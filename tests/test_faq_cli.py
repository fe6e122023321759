"""`gridbot faq list | add | edit | remove`: the base seeded from faq.yaml, edited, and refusals that
change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_gridbot_inline


def listed(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict]:
    result = run_gridbot_inline(["faq", "list", "--json"], data_dir, monkeypatch)
    assert result.status == 0, result.err
    return {entry["id"]: entry for entry in json.loads(result.out)}


def test_the_base_is_seeded_from_the_file_and_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = listed(tmp_path / "var", monkeypatch)
    assert len(entries) == 36 and not any(entry["reviewed"] for entry in entries.values())
    assert "居住证" in entries["residence_permit_apply"]["question"]
    assert all(6 <= len(entry["examples"]) <= 10 for entry in entries.values())
    plain = run_gridbot_inline(["faq", "list"], tmp_path / "var", monkeypatch)
    assert plain.status == 0 and "garbage_sorting\t" in plain.out and "未核实" in plain.out


def test_add_edit_and_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "var"
    added = run_gridbot_inline(["faq", "add", "--id", "library_hours", "--question", "社区图书室几点开门？",
                                "--answer", "社区图书室每天9:00–21:00开放。", "--example", "图书室开到几点"],
                               data_dir, monkeypatch)
    assert added.status == 0, added.err
    edited = run_gridbot_inline(["faq", "edit", "library_hours", "--add-example", "周末能去看书吗", "--reviewed"],
                                data_dir, monkeypatch)
    assert edited.status == 0, edited.err
    entry = listed(data_dir, monkeypatch)["library_hours"]
    assert entry["examples"] == ["图书室开到几点", "周末能去看书吗"] and entry["reviewed"] is True
    assert entry["answer"] == "社区图书室每天9:00–21:00开放。"
    assert run_gridbot_inline(["faq", "remove", "library_hours"], data_dir, monkeypatch).status == 0
    assert "library_hours" not in listed(data_dir, monkeypatch)
    removed_seed = run_gridbot_inline(["faq", "remove", "dog_licence"], data_dir, monkeypatch)
    assert removed_seed.status == 0
    assert "dog_licence" not in listed(data_dir, monkeypatch)  # the file does not bring it back


@pytest.mark.parametrize(("args", "says"), [
    (["faq", "add", "--id", "garbage_sorting", "--question", "问", "--answer", "答"], "exists already"),
    (["faq", "add", "--id", "Bad-Id", "--question", "问", "--answer", "答"], "bad id 'Bad-Id'"),
    (["faq", "add", "--id", "empty_answer", "--question", "问", "--answer", "  "], "the answer must be"),
    (["faq", "edit", "no_such_entry", "--answer", "答"], "unknown FAQ entry 'no_such_entry'"),
    (["faq", "edit", "garbage_sorting", "--example", ""], "every example must be"),
    (["faq", "remove", "no_such_entry"], "unknown FAQ entry 'no_such_entry'"),
])
def test_bad_input_is_one_line_and_changes_nothing(args: list[str], says: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "var"
    before = listed(data_dir, monkeypatch)
    result = run_gridbot_inline(args, data_dir, monkeypatch)
    assert result.status == 1
    [line] = result.err.strip().splitlines()
    assert line.startswith("gridbot: error: ") and says in line, line
    assert listed(data_dir, monkeypatch) == before
