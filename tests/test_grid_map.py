"""The grid map: refusing broken GeoJSON whole, and locating requests by point and by place name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.grids.map import GridMap, GridMapError, review_geojson

DEMO_MAP = Path(__file__).resolve().parent.parent / "training_data" / "grids" / "demo.geojson"


# ------------------------------------------------------------------------------------------- helpers


def square(lon: float, lat: float, size: float = 0.01) -> dict[str, Any]:
    """A closed square Polygon with its south-west corner at (lon, lat)."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(grid_id: str = "G-01", geometry: dict[str, Any] | None = None, **properties: Any) -> dict[str, Any]:
    """A valid grid feature unless told otherwise."""
    props = {"grid_id": grid_id, "name": f"{grid_id}网格", "community": "测试社区", "town": "测试镇",
             "aliases": [f"{grid_id}路"], **properties}
    return {"type": "Feature", "properties": props, "geometry": geometry or square(113.0, 23.0)}


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def refusal(data: Any) -> str:
    """The message with which the map refuses ``data``."""
    with pytest.raises(GridMapError) as refused:
        GridMap.from_geojson(data)
    return str(refused.value)


@pytest.fixture(scope="module")
def demo() -> GridMap:
    return GridMap.from_geojson(DEMO_MAP.read_bytes())


@pytest.fixture(scope="module")
def unseen_map() -> GridMap:
    """A map with names the locator was never written for: 南城, two communities, four grids."""
    grids = [
        ("NC-SG-01", "石鼓第一网格", "石鼓社区", ["鸿福路", "鸿福路66号", "元美公园", "宏远大厦"], 0),
        ("NC-SG-02", "石鼓第二网格", "石鼓社区", ["胜和路", "石鼓新村", "黄金花园", "石鼓农贸市场"], 1),
        ("NC-SG-03", "石鼓第三网格", "石鼓社区", ["莞太大道", "宏图路", "雅园小区", "南城体育馆"], 2),
        ("NC-HC-01", "篁村第一网格", "篁村社区", ["篁村小学", "新基路", "绿茵花园", "篁村祠堂"], 3),
    ]
    features = [feature(grid_id, square(113.70 + column * 0.01, 23.00), name=name, community=community,
                        town="南城街道", aliases=aliases)
                for grid_id, name, community, aliases, column in grids]
    return GridMap.from_geojson(collection(*features))


# ---------------------------------------------------------------------------------------- loading


def test_demo_map_loads_twelve_grids_of_four_communities(demo: GridMap) -> None:
    assert len(demo.grids) == 12
    assert demo.towns() == ["莞城街道"]
    assert len(demo.communities("莞城街道")) == 4
    assert all(len(demo.grids_in_community(name)) == 3 for name in demo.communities())
    assert len(demo.grids_in_town("莞城街道")) == 12


def test_demo_grids_have_unique_aliases_of_at_least_three_characters(demo: GridMap) -> None:
    aliases = [alias for grid in demo.grids for alias in grid.aliases]
    assert len(aliases) == len(set(aliases))
    assert all(4 <= len(grid.aliases) <= 8 for grid in demo.grids)
    assert min(len(alias) for alias in aliases) >= 3


def test_demo_grids_do_not_overlap(demo: GridMap) -> None:
    for index, grid in enumerate(demo.grids):
        for other in demo.grids[index + 1:]:
            assert grid.geometry.intersection(other.geometry).area == 0


def test_hierarchy_goes_from_town_to_communities_to_grids(demo: GridMap) -> None:
    hierarchy = demo.hierarchy()
    assert hierarchy["莞城街道"]["东正社区"] == ("GC-DZ-01", "GC-DZ-02", "GC-DZ-03")
    assert demo.get("GC-DZ-02").community == "东正社区"
    assert demo.get("GC-NOPE") is None


def test_map_survives_a_round_trip_through_geojson(demo: GridMap) -> None:
    exported = demo.to_geojson()
    again = GridMap.from_geojson(json.dumps(exported, ensure_ascii=False))
    assert again.grids == demo.grids
    assert again.to_geojson() == exported


# --------------------------------------------------------------------------------------- refusals


def test_text_that_is_not_json_is_refused() -> None:
    assert "not valid JSON" in refusal("{not json")


def test_json_that_is_not_a_feature_collection_is_refused() -> None:
    assert "not a GeoJSON FeatureCollection" in refusal({"type": "Feature"})


def test_collection_without_features_is_refused() -> None:
    assert "no features" in refusal(collection())


def test_feature_without_geometry_is_refused() -> None:
    broken = feature("G-02")
    broken["geometry"] = None
    message = refusal(collection(feature("G-01"), broken))
    assert message == "feature #2 (grid_id 'G-02'): has no geometry"


def test_geometry_other_than_polygon_is_refused() -> None:
    message = refusal(collection(feature(geometry={"type": "Point", "coordinates": [113.0, 23.0]})))
    assert "geometry type 'Point' is not Polygon or MultiPolygon" in message


def test_coordinates_that_are_not_numbers_are_refused() -> None:
    geometry = square(113.0, 23.0)
    geometry["coordinates"][0][1] = ["113.01", 23.0]
    assert "not 2 or 3 numbers" in refusal(collection(feature(geometry=geometry)))


def test_longitude_out_of_range_is_refused() -> None:
    assert "longitude 200.0 outside -180..180" in refusal(collection(feature(geometry=square(200.0, 23.0))))


def test_latitude_out_of_range_is_refused() -> None:
    assert "latitude 95.0 outside -90..90" in refusal(collection(feature(geometry=square(113.0, 95.0))))


def test_ring_that_is_not_closed_is_refused() -> None:
    geometry = square(113.0, 23.0)
    geometry["coordinates"][0][-1] = [113.005, 23.0]
    assert "ring 1 of polygon is not closed" in refusal(collection(feature(geometry=geometry)))


def test_ring_with_fewer_than_four_positions_is_refused() -> None:
    geometry = {"type": "Polygon", "coordinates": [[[113.0, 23.0], [113.01, 23.0], [113.0, 23.0]]]}
    assert "needs at least 4 positions" in refusal(collection(feature(geometry=geometry)))


def test_self_intersecting_polygon_is_refused_with_the_reason() -> None:
    bowtie = [[113.0, 23.0], [113.01, 23.01], [113.01, 23.0], [113.0, 23.01], [113.0, 23.0]]
    message = refusal(collection(feature("G-07", {"type": "Polygon", "coordinates": [bowtie]})))
    assert message.startswith("feature #1 (grid_id 'G-07'): polygon is not valid: Self-intersection")


def test_invalid_part_of_a_multipolygon_is_named() -> None:
    geometry = {"type": "MultiPolygon", "coordinates": [square(113.0, 23.0)["coordinates"], [[[113.1, 23.1]]]]}
    assert "ring 1 of polygon 2 needs at least 4 positions" in refusal(collection(feature(geometry=geometry)))


@pytest.mark.parametrize("key", ["grid_id", "name", "community", "town"])
def test_missing_required_property_is_refused(key: str) -> None:
    broken = feature()
    del broken["properties"][key]
    assert f"property '{key}' is missing" in refusal(collection(broken))


def test_empty_required_property_is_refused() -> None:
    assert "property 'community' is empty" in refusal(collection(feature(community="  ")))


def test_required_property_that_is_not_a_string_is_refused() -> None:
    assert "property 'grid_id' must be a string, not int" in refusal(collection(feature(grid_id=7)))


def test_duplicate_grid_id_is_refused() -> None:
    message = refusal(collection(feature("G-01"), feature("G-01", square(113.1, 23.0))))
    assert message == "feature #2 (grid_id 'G-01'): duplicate grid_id 'G-01' (also feature #1)"


def test_aliases_that_are_not_a_list_are_refused() -> None:
    assert "'aliases' must be a list of non-empty strings" in refusal(collection(feature(aliases="东正路")))


def test_aliases_with_an_empty_name_are_refused() -> None:
    message = refusal(collection(feature(aliases=["东正路", ""])))
    assert "'aliases' must be a list of non-empty strings (item 2 is '')" in message


def test_first_problem_is_reported_even_when_later_features_are_fine() -> None:
    message = refusal(collection(feature("G-01"), feature("G-02", aliases=[3]), feature("G-03", community="")))
    assert message.startswith("feature #2 (grid_id 'G-02'):")


# ------------------------------------------------------------------------------------ by a point


def test_point_inside_each_demo_grid_locates_that_grid(demo: GridMap) -> None:
    for grid in demo.grids:
        inside = grid.geometry.representative_point()
        location = demo.locate_point(inside.y, inside.x)
        assert (location.grid_id, location.method) == (grid.grid_id, "point")
        assert (location.community, location.town) == (grid.community, grid.town)


def test_point_outside_every_grid_locates_nothing(demo: GridMap) -> None:
    location = demo.locate_point(22.0, 113.0)
    assert location.to_dict() == {"grid_id": None, "name": None, "community": None, "town": None,
                                  "method": None, "matched": None}


def test_point_on_a_shared_boundary_goes_to_the_smallest_grid_id() -> None:
    west, east = feature("B-2", square(113.0, 23.0)), feature("A-1", square(113.01, 23.0))
    grid_map = GridMap.from_geojson(collection(west, east))
    assert grid_map.locate_point(23.005, 113.01).grid_id == "A-1"


def test_nearness_is_measured_in_metres_to_the_closest_grid(demo: GridMap) -> None:
    east_edge = 113.77  # the demo map spans 113.74…113.77 E, 23.03…23.06 N
    metres_per_degree_east = 111_320 * 0.9205  # cos(23.045°)
    just_outside = east_edge + 800 / metres_per_degree_east
    assert demo.locate_point(23.045, just_outside).grid_id is None
    assert demo.is_near(23.045, just_outside, 1000) and not demo.is_near(23.045, just_outside, 700)
    north = 23.06 + 1500 / 111_320
    assert demo.is_near(north, 113.75, 1600) and not demo.is_near(north, 113.75, 1400)
    assert demo.is_near(23.045, 113.755, 0)  # inside a grid
    assert not demo.is_near(39.9, 116.4, 100_000)  # Beijing


def test_overlapping_grids_are_named_in_pairs_and_neighbours_are_not() -> None:
    grid_map = GridMap.from_geojson(collection(
        feature("A-1", square(113.0, 23.0)), feature("B-1", square(113.01, 23.0)),  # sharing an edge
        feature("C-1", square(113.005, 23.005)),  # over both
        feature("D-1", square(113.0, 23.0, 0.002)),  # inside A-1
    ))
    assert grid_map.overlapping_pairs() == [("A-1", "C-1"), ("A-1", "D-1"), ("B-1", "C-1")]
    assert GridMap.from_geojson(collection(feature("A-1", square(113.0, 23.0)),
                                           feature("B-1", square(113.01, 23.0)))).overlapping_pairs() == []


# ------------------------------------------------------------------------------------ by the text


def test_every_alias_of_an_unseen_map_locates_its_grid(unseen_map: GridMap) -> None:
    for grid in unseen_map.grids:
        for alias in grid.aliases:
            location = unseen_map.locate_text(f"{alias}附近的井盖丢了，麻烦处理一下")
            assert (location.grid_id, location.method, location.matched) == (grid.grid_id, "alias", alias)


def test_grid_name_locates_the_grid(unseen_map: GridMap) -> None:
    assert unseen_map.locate_text("我是石鼓第二网格的居民").grid_id == "NC-SG-02"


def test_community_with_several_grids_locates_only_the_community(unseen_map: GridMap) -> None:
    location = unseen_map.locate_text("石鼓社区这边垃圾没人收")
    assert (location.grid_id, location.community, location.town) == (None, "石鼓社区", "南城街道")
    assert (location.method, location.matched) == ("alias", "石鼓社区")


def test_community_with_one_grid_locates_that_grid(unseen_map: GridMap) -> None:
    assert unseen_map.locate_text("篁村社区这边垃圾没人收").grid_id == "NC-HC-01"


@pytest.mark.parametrize(("text", "alias"), [
    ("我住在旗峯山庄3栋", "旗峰山庄"),  # substitution
    ("旗锋山庄门口路灯坏了", "旗峰山庄"),  # substitution
    ("运和东一路的井盖不见了", "运河东一路"),  # substitution
    ("迎恩门古城楼下面有人烧垃圾", "迎恩门城楼"),  # insertion
    ("东莞人民医院旧院区门口乱停车", "东莞市人民医院旧院区"),  # deletion
    ("金鹏花小区里面有人养鸡", "金鹏花园"),  # deletion of a character of the ending, then more text
])
def test_alias_with_one_typo_is_found_fuzzily(demo: GridMap, text: str, alias: str) -> None:
    location = demo.locate_text(text)
    expected = next(grid for grid in demo.grids if alias in grid.aliases)
    assert (location.grid_id, location.method, location.matched) == (expected.grid_id, "fuzzy", alias)


@pytest.mark.parametrize("text", [
    "楼下的路灯坏了好几天",
    "老板拖欠工资",
    "今天天气很好",
    "隔壁装修太吵了，晚上十点还在电钻",
    "小区门口有人占道经营卖水果",
    "人民的路灯坏了",
])
def test_unrelated_text_locates_nothing(demo: GridMap, text: str) -> None:
    assert demo.locate_text(text).to_dict()["grid_id"] is None
    assert demo.locate_text(text).method is None


def test_longest_alias_wins_when_two_overlap(demo: GridMap) -> None:
    assert demo.locate_text("光明路小区门口的垃圾桶满了").matched == "光明路小区"
    assert demo.locate_text("光明路小区门口的垃圾桶满了").grid_id == "GC-DZ-03"
    assert demo.locate_text("光明路上的垃圾桶满了").grid_id == "GC-XY-02"


def test_full_width_text_is_read_as_half_width(demo: GridMap) -> None:
    assert demo.locate_text("东正路１２号 门口漏水").matched == "东正路12号"


def test_a_typo_never_changes_a_house_number(demo: GridMap) -> None:
    location = demo.locate_text("东正路13号门口漏水")
    assert (location.matched, location.method) == ("东正路", "alias")


def test_place_names_include_aliases_grid_and_community_names(demo: GridMap) -> None:
    names = demo.place_names()
    assert {"旗峰山庄", "光明路小区", "东正路12号", "东正第二网格", "东正社区"} <= set(names)
    assert "莞城街道" not in names


def test_a_review_lists_every_bad_feature_and_keeps_the_good_ones() -> None:
    bad_ring = {"type": "Polygon", "coordinates": [[[113.7, 23.0], [113.71, 23.0], [113.71, 23.01]]]}
    review = review_geojson(collection(feature("G-01"), feature("G-02", geometry=bad_ring), feature("G-01"),
                                       feature("G-04", name="")))
    assert [grid.grid_id for grid in review.grids] == ["G-01"]
    assert [(p.number, p.label) for p in review.problems] == [
        (2, "feature #2 (grid_id 'G-02')"), (3, "feature #3 (grid_id 'G-01')"), (4, "feature #4 (grid_id 'G-04')")]
    assert "at least 4 positions" in review.problems[0].problem
    assert "duplicate grid_id 'G-01' (also feature #1)" in review.problems[1].problem
    assert "'name' is empty" in review.problems[2].problem
    with pytest.raises(GridMapError, match="feature #2"):  # an import still refuses the file at its first problem
        GridMap.from_geojson(collection(feature("G-01"), feature("G-02", geometry=bad_ring)))
