"""`gridbot grids import` as an operator adding a town: merging by town, never silently dropping grids that
are still in use, overlap warnings, and maps drawn in GCJ-02 (Tencent/AMap) coordinates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.grids.coordinates import wgs84_to_gcj02
from tests.conftest import CliResult, run_gridbot_inline
from tests.data_dir import Request, open_tickets
from tests.domain import feature, square

SHILONG = [("SL-XS-01", "西湖第一网格", "西湖社区", 113.85), ("SL-XS-02", "西湖第二网格", "西湖社区", 113.86),
           ("SL-HZ-01", "黄洲第一网格", "黄洲社区", 113.87)]


def shilong_map() -> dict[str, Any]:
    """Three grids of 石龙镇, a town the demo map (twelve grids of 莞城街道) does not have."""
    return {"type": "FeatureCollection", "features": [
        feature(grid_id, name, community, "石龙镇", lon, 23.11, [f"{name}路"])
        for grid_id, name, community, lon in SHILONG]}


def write_map(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def grid_ids(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    listed = run_gridbot_inline(["grids", "list", "--json"], data_dir, monkeypatch)
    return sorted(grid["grid_id"] for grid in json.loads(listed.out))


@pytest.fixture
def town_in_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir on the demo map of 莞城街道 with a worker on GC-XY-01 and an open ticket in GC-XY-02."""
    data_dir = tmp_path / "var"
    added = run_gridbot_inline(["workers", "add", "--grid", "GC-XY-01", "--telegram-id", "7001"], data_dir, monkeypatch)
    assert added.status == 0, added.err
    open_tickets(data_dir, Request("GC-XY-02", "光明路的路灯不亮"))
    return data_dir


def import_map(data_dir: Path, monkeypatch: pytest.MonkeyPatch, path: Path, *options: str) -> CliResult:
    return run_gridbot_inline(["grids", "import", str(path), *options], data_dir, monkeypatch)


def test_importing_a_new_town_whole_refuses_to_drop_grids_in_use(town_in_use: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    before = grid_ids(town_in_use, monkeypatch)
    result = import_map(town_in_use, monkeypatch, write_map(tmp_path / "shilong.geojson", shilong_map()))
    assert result.status == 1
    [line] = result.err.strip().splitlines()
    assert line.startswith("gridbot: error: ") and "shilong.geojson" in line
    assert "GC-XY-01 (1 worker)" in line and "GC-XY-02 (1 open ticket)" in line
    assert "--merge" in line and "--force" in line
    assert grid_ids(town_in_use, monkeypatch) == before and len(before) == 12


def test_merge_adds_the_town_and_keeps_the_others(town_in_use: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    before = grid_ids(town_in_use, monkeypatch)
    result = import_map(town_in_use, monkeypatch, write_map(tmp_path / "shilong.geojson", shilong_map()),
                        "--merge", "--json")
    assert result.status == 0, result.err
    summary = json.loads(result.out)
    assert (summary["imported"], summary["grids"], summary["towns"], summary["dropped"]) == (3, 15, 2, [])
    assert grid_ids(town_in_use, monkeypatch) == sorted(before + [grid_id for grid_id, *_ in SHILONG])
    # importing the town again with one grid fewer replaces only that town, and guards its grids in use too
    assert run_gridbot_inline(["workers", "add", "--grid", "SL-HZ-01", "--telegram-id", "7002"], town_in_use,
                              monkeypatch).status == 0
    smaller = shilong_map()
    del smaller["features"][2]
    smaller_path = write_map(tmp_path / "smaller.geojson", smaller)
    refused = import_map(town_in_use, monkeypatch, smaller_path, "--merge")
    assert refused.status == 1 and "1 grid not in the new map still has workers or open tickets: SL-HZ-01 (1 worker)" \
        in refused.err and "--merge" not in refused.err.split("stays.")[1]
    again = import_map(town_in_use, monkeypatch, smaller_path, "--merge", "--force")
    assert again.status == 0, again.err
    assert "dropped 1 grid: SL-HZ-01" in again.out
    assert grid_ids(town_in_use, monkeypatch) == sorted(before + ["SL-XS-01", "SL-XS-02"])


def test_force_drops_grids_in_use_and_says_so(town_in_use: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    result = import_map(town_in_use, monkeypatch, write_map(tmp_path / "shilong.geojson", shilong_map()), "--force")
    assert result.status == 0, result.err
    assert "GC-XY-01 (1 worker)" in result.err and result.err.startswith("gridbot: warning: ")
    assert grid_ids(town_in_use, monkeypatch) == sorted(grid_id for grid_id, *_ in SHILONG)


def test_merge_refuses_a_grid_id_another_town_already_has(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clash = shilong_map()
    clash["features"][0]["properties"]["grid_id"] = "GC-BY-02"
    result = import_map(tmp_path / "var", monkeypatch, write_map(tmp_path / "clash.geojson", clash), "--merge")
    assert result.status == 1
    assert "clash.geojson" in result.err and "'GC-BY-02'" in result.err and "莞城街道" in result.err
    assert len(grid_ids(tmp_path / "var", monkeypatch)) == 12


def test_overlapping_grids_are_imported_with_a_warning_naming_them(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    overlapping = shilong_map()
    overlapping["features"][1]["geometry"]["coordinates"] = square(113.855, 23.11)  # half over SL-XS-01
    result = import_map(tmp_path / "var", monkeypatch, write_map(tmp_path / "o.geojson", overlapping), "--force")
    assert result.status == 0, result.err
    warnings = [line for line in result.err.splitlines() if "overlap" in line]
    assert warnings == ["gridbot: warning: grids SL-XS-01 and SL-XS-02 overlap; a point in both goes to SL-XS-01"]


def test_help_says_what_a_feature_needs_and_which_coordinates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_gridbot_inline(["grids", "import", "--help"], tmp_path / "var", monkeypatch)
    assert result.status == 0
    for needed in ("grid_id", "name", "community", "town", "aliases", "WGS84", "--crs", "gcj02", "--merge",
                   "--force"):
        assert needed in result.out, needed


def test_a_map_drawn_in_gcj02_is_converted_to_wgs84(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tencent and AMap show positions shifted by some 500 m: a grid copied from them is drawn shifted."""
    drawn = shilong_map()
    for grid in drawn["features"]:
        ring = grid["geometry"]["coordinates"][0]
        grid["geometry"]["coordinates"] = [[list(wgs84_to_gcj02(lon, lat)) for lon, lat in ring]]
    path = write_map(tmp_path / "amap.geojson", drawn)
    resident = ["grids", "locate", "--lat", "23.119", "--lon", "113.851", "--json"]  # GPS, inside SL-XS-01

    as_is = tmp_path / "as-is"
    assert import_map(as_is, monkeypatch, path, "--force").status == 0
    assert json.loads(run_gridbot_inline(resident, as_is, monkeypatch).out)["grid_id"] is None

    converted = tmp_path / "converted"
    assert import_map(converted, monkeypatch, path, "--force", "--crs", "gcj02").status == 0
    assert json.loads(run_gridbot_inline(resident, converted, monkeypatch).out)["grid_id"] == "SL-XS-01"
