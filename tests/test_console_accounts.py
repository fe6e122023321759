"""`gridbot accounts add | list | disable`: console accounts on the demo map, passwords from stdin only."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.conftest import CliResult, run_gridbot_inline

GOOD = "correct horse battery"


def accounts(args: list[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> CliResult:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return run_gridbot_inline(["accounts", *args], data_dir, monkeypatch)


def test_accounts_of_every_level_are_added_and_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "var"
    for args in (["--username", "Boss", "--role", "admin"], ["--username", "city1", "--role", "city"],
                 ["--username", "town1", "--role", "town", "--town", "莞城街道"],
                 ["--username", "east", "--role", "community", "--community", "东正社区"]):
        result = accounts(["add", *args, "--password-stdin"], data, monkeypatch, GOOD + "\n")
        assert result.status == 0, result.err
        assert GOOD not in result.out + result.err
    listed = json.loads(accounts(["list", "--json"], data, monkeypatch).out)
    assert [row["username"] for row in listed] == ["boss", "city1", "east", "town1"]
    east = next(row for row in listed if row["username"] == "east")
    assert east == {"username": "east", "role": "community", "town": "莞城街道", "community": "东正社区",
                    "disabled": False}
    assert GOOD not in json.dumps(listed)


@pytest.mark.parametrize(("args", "password", "says"), [
    (["--username", "a", "--role", "town", "--town", "不存在镇"], GOOD, "unknown town '不存在镇'"),
    (["--username", "a", "--role", "community", "--community", "火星社区"], GOOD, "unknown community '火星社区'"),
    (["--username", "a", "--role", "town"], GOOD, "a town account needs --town"),
    (["--username", "a", "--role", "city", "--town", "莞城街道"], GOOD, "leave out --town"),
    (["--username", "a", "--role", "admin"], "short", "at least 10 characters"),
    (["--username", "a b", "--role", "admin"], GOOD, "not a username"),
])
def test_bad_input_is_one_line_and_exit_1(args: list[str], password: str, says: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    result = accounts(["add", *args, "--password-stdin"], tmp_path / "var", monkeypatch, password + "\n")
    assert result.status == 1
    [line] = result.err.strip().splitlines()
    assert line.startswith("gridbot: error: ") and says in line, line
    assert password not in result.out + result.err


def test_a_taken_username_is_refused_and_disable_ends_the_account(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "var"
    assert accounts(["add", "--username", "x1", "--role", "city", "--password-stdin"], data, monkeypatch, GOOD).status == 0
    again = accounts(["add", "--username", "X1", "--role", "city", "--password-stdin"], data, monkeypatch, GOOD)
    assert again.status == 1 and "exists already" in again.err
    assert accounts(["disable", "--username", "x1"], data, monkeypatch).status == 0
    assert json.loads(accounts(["list", "--json"], data, monkeypatch).out)[0]["disabled"] is True
    missing = accounts(["disable", "--username", "nobody"], data, monkeypatch)
    assert missing.status == 1 and "no account 'nobody'" in missing.err
