"""grids / workers / supervisors / tickets commands against the embedded Redis of a data dir.

The map is imported by a real `gridbot` process; the other commands run in this process (each
`gridbot` process spends seconds importing the model's libraries, which these commands never use)."""

import json
from pathlib import Path

import pytest

from tests.conftest import CliResult, run_gridbot, run_gridbot_inline
from tests.data_dir import data_dir_domain
from tests.domain import two_community_map


def gridbot(args: list[str], data_dir: Path) -> CliResult:
    """``gridbot ARGS`` on ``data_dir``, run in this process."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("GRIDBOT_REDIS_URL", raising=False)
        return run_gridbot_inline(args, data_dir, monkeypatch)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-domain")


@pytest.fixture(scope="module")
def imported(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("maps") / "map.geojson"
    path.write_text(json.dumps(two_community_map(), ensure_ascii=False), encoding="utf-8")
    result = run_gridbot(["grids", "import", str(path), "--json"], data_dir)
    assert result.status == 0, result.err
    assert json.loads(result.out)["grids"] == 3
    return path


def test_demo_map_is_used_when_none_was_imported(tmp_path: Path) -> None:
    result = gridbot(["grids", "list", "--json"], tmp_path)
    grids = json.loads(result.out)
    assert len(grids) >= 9 and {g["town"] for g in grids} == {"莞城街道"}


def test_locate_by_alias_with_a_typo_and_by_point(data_dir: Path, imported: Path) -> None:
    by_text = json.loads(gridbot(["grids", "locate", "--text", "翠竹花园门口路灯坏了", "--json"], data_dir).out)
    assert by_text == {"grid_id": "HD-01", "name": "河东一网格", "community": "河东社区", "town": "新城街道",
                       "method": "alias", "matched": "翠竹花园"}
    typo = json.loads(gridbot(["grids", "locate", "--text", "西湖大导那边井盖没了", "--json"], data_dir).out)
    assert (typo["grid_id"], typo["method"], typo["matched"]) == ("HX-01", "fuzzy", "西湖大道")
    point = json.loads(gridbot(["grids", "locate", "--lat", "23.005", "--lon", "113.715", "--json"], data_dir).out)
    assert (point["grid_id"], point["method"]) == ("HD-02", "point")
    nowhere = json.loads(gridbot(["grids", "locate", "--text", "老板拖欠工资", "--json"], data_dir).out)
    assert nowhere["grid_id"] is None


def test_bad_map_is_refused_whole_and_the_previous_map_stays(data_dir: Path, imported: Path, tmp_path: Path) -> None:
    bad = json.loads(imported.read_text(encoding="utf-8"))
    bad["features"][2]["properties"]["grid_id"] = "HD-01"
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = gridbot(["grids", "import", str(path)], data_dir)
    assert result.status == 1
    assert len(result.err.strip().splitlines()) == 1 and "bad.geojson" in result.err and "HD-01" in result.err
    grids = json.loads(gridbot(["grids", "list", "--json"], data_dir).out)
    assert [g["grid_id"] for g in grids] == ["HD-01", "HD-02", "HX-01"]


def test_broken_json_names_file_and_line(data_dir: Path, imported: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [\n}', encoding="utf-8")
    result = gridbot(["grids", "import", str(path)], data_dir)
    assert result.status == 1 and "broken.geojson" in result.err and "line 3" in result.err


def test_workers_and_supervisors_are_checked_against_the_map(data_dir: Path, imported: Path) -> None:
    assert gridbot(["workers", "add", "--grid", "NOPE", "--telegram-id", "7"], data_dir).status == 1
    added = gridbot(["workers", "add", "--grid", "HD-01", "--telegram-id", "7", "--name", "李网格", "--json"],
                    data_dir)
    assert json.loads(added.out) == {"telegram_id": 7, "name": "李网格", "grids": ["HD-01"]}
    listed = json.loads(gridbot(["workers", "list", "--json"], data_dir).out)
    assert {"telegram_id": 7, "name": "李网格", "grids": ["HD-01"]} in listed
    bad_id = gridbot(["workers", "add", "--grid", "HD-01", "--telegram-id", "x7"], data_dir)
    assert bad_id.status == 2 and "not a Telegram user id" in bad_id.err
    unknown_area = gridbot(["supervisors", "add", "--community", "月球社区", "--telegram-id", "8"], data_dir)
    assert unknown_area.status == 1 and "月球社区" in unknown_area.err
    assert gridbot(["supervisors", "add", "--community", "河东社区", "--telegram-id", "8"], data_dir).status == 0
    code = json.loads(gridbot(["workers", "invite", "--grid", "HD-02", "--json"], data_dir).out)["code"]
    assert len(code) == 8
    assert gridbot(["workers", "remove", "--telegram-id", "99"], data_dir).status == 1


def test_unknown_ticket_is_a_one_line_error(data_dir: Path, imported: Path) -> None:
    result = gridbot(["tickets", "show", "T20260101-0001"], data_dir)
    assert result.status == 1 and result.err.strip() == "gridbot: error: unknown ticket 'T20260101-0001'"


def test_tickets_list_and_show_with_the_audit_trail(data_dir: Path, imported: Path) -> None:
    import asyncio

    from bot.grids.map import Location
    from bot.tickets.service import NewRequest

    async def open_one() -> str:
        async with data_dir_domain(data_dir) as domain:
            location = Location("HD-01", "河东一网格", "河东社区", "新城街道", "alias", "滨河路")
            opened = await domain.tickets.open(NewRequest("telegram:1", "滨河路路灯不亮", "municipal", location=location))
            await domain.tickets.accept(opened.ticket.number, "telegram:7")
            return opened.ticket.number

    number = asyncio.run(open_one())
    listed = json.loads(gridbot(["tickets", "list", "--status", "accepted", "--json"], data_dir).out)
    assert [t["number"] for t in listed] == [number]
    shown = json.loads(gridbot(["tickets", "show", number, "--json"], data_dir).out)
    assert shown["status"] == "accepted" and shown["worker"] == "telegram:7"
    assert [(a["action"], a["from"], a["to"]) for a in shown["audit"]] == [
        ("open", None, "assigned"), ("accept", "assigned", "accepted")]
    human = gridbot(["tickets", "show", number], data_dir).out
    assert "处理中" in human and "accept" in human
