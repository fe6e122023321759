"""Bad input to train / eval / classify: one line naming file and line, non-zero exit, nothing written."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_gridbot_inline


def _train(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | str, name: str = "bad.csv"):
    data = tmp_path / name
    data.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    result = run_gridbot_inline(["train", "--data", str(data)], tmp_path / "var", monkeypatch)
    return result, data


def _assert_one_line_error(result, *fragments: str) -> None:
    assert result.status == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("gridbot: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_gridbot_inline(["train", "--data", str(tmp_path / "nope.csv")], tmp_path / "var", monkeypatch)
    _assert_one_line_error(result, "nope.csv", "file not found")
    assert not (tmp_path / "var").exists()


def test_wrong_encoding_names_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = "text,label\n路灯坏了,municipal\n".encode() + "噪音太大,noise\n".encode("gbk")
    result, data = _train(tmp_path, monkeypatch, content)
    _assert_one_line_error(result, f"{data}:3", "not UTF-8")


def test_missing_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, data = _train(tmp_path, monkeypatch, "message,category\n路灯坏了,municipal\n")
    _assert_one_line_error(result, f"{data}:1", "missing column text, label")


def test_empty_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, data = _train(tmp_path, monkeypatch, "text,label\n路灯坏了,municipal\n  ,noise\n")
    _assert_one_line_error(result, f"{data}:3", "empty text")


def test_empty_label(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, data = _train(tmp_path, monkeypatch, "text,label\n路灯坏了,municipal\n楼上好吵,\n")
    _assert_one_line_error(result, f"{data}:3", "empty label")


def _rows(label: str, count: int, text: str = "路灯坏了") -> str:
    return "".join(f"{text}{number},{label}\n" for number in range(count))


def test_label_with_a_single_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "text,label\n" + _rows("municipal", 12) + "楼上好吵,noise\n"
    result, data = _train(tmp_path, monkeypatch, rows)
    _assert_one_line_error(result, f"{data}:14", "needs at least 10 rows per category", "got 1 for 'noise' (line 14)")


def test_a_handful_of_rows_is_refused_naming_each_thin_category(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "text,label\n" + _rows("municipal", 3) + _rows("noise", 12, "楼上好吵") + _rows("traffic", 4, "乱停车")
    result, data = _train(tmp_path, monkeypatch, rows)
    _assert_one_line_error(result, f"{data}:2: needs at least 10 rows per category, got 3 for 'municipal' (line 2), "
                                   "4 for 'traffic' (line 17)")
    assert not (tmp_path / "var").exists()


def test_labels_outside_the_taxonomy_are_named_with_their_first_line(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "text,label\n" + _rows("municipal", 12) + _rows("快递", 12, "快递没到") + _rows("Noise", 12, "楼上好吵")
    result, data = _train(tmp_path, monkeypatch, rows)
    _assert_one_line_error(result, f"{data}:14: 2 labels not in ", "categories.yaml",
                           "'快递' (first on line 14), 'Noise' (first on line 26)", "the categories are: sanitation, noise")
    assert not (tmp_path / "var").exists()


def test_eval_refuses_labels_outside_the_taxonomy_before_loading_a_model(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "labelled.csv"
    data.write_text("text,label\n路灯坏了,municipal\n楼上好吵,noize\n", encoding="utf-8")
    result = run_gridbot_inline(["eval", "--data", str(data)], tmp_path / "var", monkeypatch)
    _assert_one_line_error(result, f"{data}:3: 1 label not in ", "'noize' (first on line 3)")
    assert not (tmp_path / "var").exists()


def test_fewer_than_two_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, data = _train(tmp_path, monkeypatch, "text,label\n路灯坏了,municipal\n井盖丢了,municipal\n")
    _assert_one_line_error(result, str(data), "at least 2 different labels")


def test_ragged_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, data = _train(tmp_path, monkeypatch, "text,label\n路灯坏了,municipal,extra\n井盖丢了,municipal\n")
    _assert_one_line_error(result, f"{data}:2", "wrong number of fields")


def test_header_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, data = _train(tmp_path, monkeypatch, "text,label\n")
    _assert_one_line_error(result, str(data), "no rows")


def test_bad_urgent_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, data = _train(tmp_path, monkeypatch, "text,label,urgent\n路灯坏了,municipal,maybe\n")
    _assert_one_line_error(result, f"{data}:2", "urgent must be 0 or 1")


def test_eval_needs_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_gridbot_inline(["eval"], tmp_path / "var", monkeypatch)
    assert result.status == 2
    assert "--data" in result.err


def test_classify_without_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_gridbot_inline(["classify"], tmp_path / "var", monkeypatch)
    _assert_one_line_error(result, "nothing to classify")
    assert not (tmp_path / "var").exists()


def test_classify_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_gridbot_inline(["classify", "--file", str(tmp_path / "x.txt")], tmp_path / "var", monkeypatch)
    _assert_one_line_error(result, "x.txt", "file not found")


def test_model_dir_that_is_not_a_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_gridbot_inline(["classify", "--model", str(tmp_path), "路灯坏了"], tmp_path / "var", monkeypatch)
    _assert_one_line_error(result, str(tmp_path), "not a model directory")


def test_bad_admin_ids_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDBOT_ADMIN_IDS", "12,abc")
    result = run_gridbot_inline(["classify", "路灯坏了"], tmp_path / "var", monkeypatch)
    _assert_one_line_error(result, "GRIDBOT_ADMIN_IDS", "'abc'")


def test_bad_sentinel_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDBOT_REDIS_SENTINELS", "10.0.0.1:26379,sentinel-two")
    result = run_gridbot_inline(["tickets", "list"], tmp_path / "var", monkeypatch)
    _assert_one_line_error(result, "GRIDBOT_REDIS_SENTINELS", "'sentinel-two' is not host:port")


def _classify_bytes(tmp_path: Path, args: list[bytes], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """``gridbot classify`` given raw bytes (as a shell passes them), with its own empty data dir."""
    env = {**os.environ, "GRIDBOT_DATA_DIR": str(tmp_path / "var")}
    env.pop("GRIDBOT_REDIS_URL", None)
    return subprocess.run([sys.executable, "-m", "bot.cli", "classify", *args], input=stdin, capture_output=True,
                          env=env, cwd=ROOT, timeout=120, check=False)


@pytest.mark.parametrize("where", ["argument", "stdin"])
def test_classify_refuses_bytes_that_are_not_utf8(tmp_path: Path, where: str) -> None:
    gbk = "路灯坏了".encode("gbk")
    done = (_classify_bytes(tmp_path, [gbk]) if where == "argument"
            else _classify_bytes(tmp_path, [b"--file", b"-"], stdin=gbk + b"\n"))
    err = done.stderr.decode()
    assert done.returncode == 1 and done.stdout == b""
    assert err.strip().splitlines() == [
        "gridbot: error: message 1 is not UTF-8 text" if where == "argument"
        else "gridbot: error: standard input: not UTF-8 text"], err
    assert not (tmp_path / "var" / "models").exists()  # refused before any model was trained
