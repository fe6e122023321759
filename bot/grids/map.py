"""The grid map (网格): grids loaded from GeoJSON, and locating a resident's request in them.

A request is located by a shared point (point in polygon) or, failing that, by a place named in its text:
a grid's aliases, the grid's name and its community's name. Exact names win over typo-tolerant ones.

A place name shared by several grids (a community name, a road listed in two grids) does not pick one of
them: the location is narrowed only as far as the grids agree — their community, else their town, else
nothing — so a supervisor of that level can dispatch the request.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import shapely
from shapely import STRtree
from shapely.errors import ShapelyError
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from bot.grids.place_index import Method, PlaceIndex


REQUIRED_PROPERTIES = ("grid_id", "name", "community", "town")
POLYGON_TYPES = ("Polygon", "MultiPolygon")
METRES_PER_DEGREE = 111_320.0  # along a meridian, and along the equator


class GridMapError(ValueError):
    """A grid map that cannot be used; the message names the problem and the feature."""


class _FeatureProblem(Exception):
    """A problem inside one feature; the caller prefixes the feature's label."""


@dataclass(frozen=True)
class Grid:
    """One grid: its id, names, place of the hierarchy, aliases and area (WGS84 lon/lat)."""

    grid_id: str
    name: str
    community: str
    town: str
    aliases: tuple[str, ...]
    geometry: BaseGeometry


@dataclass(frozen=True)
class Location:
    """Where a request belongs; every field None when it could not be located."""

    grid_id: str | None = None
    name: str | None = None
    community: str | None = None
    town: str | None = None
    method: Method | None = None
    matched: str | None = None

    @classmethod
    def of_grid(cls, grid: Grid, method: Method, matched: str | None = None) -> Location:
        """The location of one whole grid."""
        return cls(grid.grid_id, grid.name, grid.community, grid.town, method, matched)

    def to_dict(self) -> dict[str, str | None]:
        """The fields as a JSON-ready dict (grid_id, name, community, town, method, matched)."""
        return asdict(self)


# --------------------------------------------------------------------------------------------- GeoJSON


def _parse_document(data: dict[str, Any] | str | bytes) -> list[Any]:
    """The features of a GeoJSON FeatureCollection, refusing anything else."""
    if isinstance(data, (str, bytes, bytearray)):
        try:
            data = json.loads(data.lstrip("\ufeff") if isinstance(data, str) else data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise GridMapError(f"grid map is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GridMapError("grid map is not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise GridMapError("grid map FeatureCollection has no 'features' list")
    if not features:
        raise GridMapError("grid map has no features")
    return features


def _feature_label(number: int, feature: Any) -> str:
    """'feature #3' or 'feature #3 (grid_id 'G-07')' for error messages."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    grid_id = props.get("grid_id") if isinstance(props, dict) else None
    return f"feature #{number} (grid_id {grid_id!r})" if isinstance(grid_id, str) else f"feature #{number}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_position(position: Any, where: str) -> None:
    if not isinstance(position, (list, tuple)) or len(position) not in (2, 3) \
            or not all(_is_number(value) for value in position):
        raise _FeatureProblem(f"{where} has a position that is not 2 or 3 numbers: {position!r}")
    lon, lat = position[0], position[1]
    if not -180 <= lon <= 180:
        raise _FeatureProblem(f"{where} has longitude {lon} outside -180..180 (positions are [lon, lat])")
    if not -90 <= lat <= 90:
        raise _FeatureProblem(f"{where} has latitude {lat} outside -90..90 (positions are [lon, lat])")


def _check_ring(ring: Any, where: str) -> None:
    if not isinstance(ring, (list, tuple)) or len(ring) < 4:
        raise _FeatureProblem(f"{where} needs at least 4 positions")
    for position in ring:
        _check_position(position, where)
    if list(ring[0]) != list(ring[-1]):
        raise _FeatureProblem(f"{where} is not closed (its first and last positions differ)")


def _check_polygon(rings: Any, where: str) -> None:
    if not isinstance(rings, (list, tuple)) or not rings:
        raise _FeatureProblem(f"{where} has no rings")
    for number, ring in enumerate(rings, 1):
        _check_ring(ring, f"ring {number} of {where}")


def _read_geometry(feature: dict[str, Any]) -> BaseGeometry:
    """The feature's Polygon or MultiPolygon, checked position by position, then for validity."""
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise _FeatureProblem("has no geometry")
    kind = geometry.get("type")
    if kind not in POLYGON_TYPES:
        raise _FeatureProblem(f"geometry type {kind!r} is not Polygon or MultiPolygon")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        _check_polygon(coordinates, "polygon")
    else:
        if not isinstance(coordinates, (list, tuple)) or not coordinates:
            raise _FeatureProblem("multipolygon has no polygons")
        for number, rings in enumerate(coordinates, 1):
            _check_polygon(rings, f"polygon {number}")
    try:
        area = shape(geometry)
    except (ShapelyError, ValueError, TypeError) as exc:
        raise _FeatureProblem(f"{kind.lower()} cannot be built: {exc}") from None
    if not area.is_valid:
        raise _FeatureProblem(f"{kind.lower()} is not valid: {explain_validity(area)}")
    return area


def _read_properties(feature: dict[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The required text properties (stripped) and the aliases."""
    props = feature.get("properties")
    if props is None:
        props = {}
    if not isinstance(props, dict):
        raise _FeatureProblem("properties is not an object")
    required: dict[str, str] = {}
    for key in REQUIRED_PROPERTIES:
        value = props.get(key)
        if value is None:
            raise _FeatureProblem(f"property {key!r} is missing")
        if not isinstance(value, str):
            raise _FeatureProblem(f"property {key!r} must be a string, not {type(value).__name__}")
        if not value.strip():
            raise _FeatureProblem(f"property {key!r} is empty")
        required[key] = value.strip()
    return required, _read_aliases(props.get("aliases"))


def _read_aliases(aliases: Any) -> tuple[str, ...]:
    if aliases is None:
        return ()
    if not isinstance(aliases, list):
        raise _FeatureProblem("property 'aliases' must be a list of non-empty strings")
    for number, alias in enumerate(aliases, 1):
        if not isinstance(alias, str) or not alias.strip():
            raise _FeatureProblem(
                f"property 'aliases' must be a list of non-empty strings (item {number} is {alias!r})")
    return tuple(alias.strip() for alias in aliases)


def _read_grid(feature: Any) -> Grid:
    if not isinstance(feature, dict) or feature.get("type", "Feature") != "Feature":
        raise _FeatureProblem("is not a GeoJSON Feature")
    area = _read_geometry(feature)
    props, aliases = _read_properties(feature)
    return Grid(props["grid_id"], props["name"], props["community"], props["town"], aliases, area)


def _json_coordinates(value: Any) -> Any:
    """shapely's nested tuples as JSON lists."""
    return [_json_coordinates(item) for item in value] if isinstance(value, (list, tuple)) else value


@dataclass(frozen=True)
class FeatureProblem:
    """What is wrong with one feature of a file, for a preview that lists them all."""

    number: int  # 1-based, in file order
    label: str  # 'feature #3 (grid_id 'G-07')'
    problem: str

    def __str__(self) -> str:
        return f"{self.label}: {self.problem}"


@dataclass(frozen=True)
class MapReview:
    """A GeoJSON file read feature by feature: the grids that are fine, and every problem of the rest
    (a file with any problem is refused whole; the review says all that must be fixed at once)."""

    grids: list[Grid]
    problems: list[FeatureProblem]


def review_geojson(data: dict[str, Any] | str | bytes) -> MapReview:
    """Every feature of a FeatureCollection checked; a file that is no FeatureCollection at all raises
    :class:`GridMapError`."""
    grids: list[Grid] = []
    problems: list[FeatureProblem] = []
    seen: dict[str, int] = {}
    for number, feature in enumerate(_parse_document(data), 1):
        try:
            grid = _read_grid(feature)
            if grid.grid_id in seen:
                raise _FeatureProblem(f"duplicate grid_id {grid.grid_id!r} (also feature #{seen[grid.grid_id]})")
        except _FeatureProblem as problem:
            problems.append(FeatureProblem(number, _feature_label(number, feature), str(problem)))
            continue
        seen[grid.grid_id] = number
        grids.append(grid)
    return MapReview(grids, problems)


# ------------------------------------------------------------------------------------------ the map


class GridMap:
    """An immutable set of grids with a point index and a place-name index, both built once."""

    def __init__(self, grids: Iterable[Grid]) -> None:
        self._grids = tuple(grids)
        self._by_id = {grid.grid_id: grid for grid in self._grids}
        if len(self._by_id) != len(self._grids):
            raise GridMapError("grid map has duplicate grid_id values")
        self._tree = STRtree([grid.geometry for grid in self._grids])
        self._hierarchy: dict[str, dict[str, list[Grid]]] = defaultdict(lambda: defaultdict(list))
        for grid in self._grids:
            self._hierarchy[grid.town][grid.community].append(grid)
        self._places = PlaceIndex(self._place_grids())

    @classmethod
    def from_geojson(cls, data: dict[str, Any] | str | bytes) -> GridMap:
        """Read a GeoJSON FeatureCollection; the whole input is checked, the first problem raised."""
        review = review_geojson(data)
        if review.problems:
            raise GridMapError(str(review.problems[0]))
        return cls(review.grids)

    def to_geojson(self) -> dict[str, Any]:
        """The map as a GeoJSON FeatureCollection that ``from_geojson`` reads back unchanged."""
        return {"type": "FeatureCollection", "features": [_grid_feature(grid) for grid in self._grids]}

    @property
    def grids(self) -> tuple[Grid, ...]:
        """All grids, in file order."""
        return self._grids

    def get(self, grid_id: str) -> Grid | None:
        """The grid with this id, or None."""
        return self._by_id.get(grid_id)

    def towns(self) -> list[str]:
        """Town (镇街) names, sorted."""
        return sorted(self._hierarchy)

    def communities(self, town: str | None = None) -> list[str]:
        """Community (村社区) names, sorted: of one town, or of all towns."""
        towns = [town] if town is not None else list(self._hierarchy)
        return sorted({name for each in towns for name in self._hierarchy.get(each, {})})

    def grids_in_town(self, town: str) -> tuple[Grid, ...]:
        """The grids of a town, in file order."""
        return tuple(grid for grid in self._grids if grid.town == town)

    def grids_in_community(self, community: str, town: str | None = None) -> tuple[Grid, ...]:
        """The grids of a community (in one town, if given — community names can repeat across towns)."""
        return tuple(grid for grid in self._grids
                     if grid.community == community and (town is None or grid.town == town))

    def hierarchy(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """town → community → grid ids, each level sorted."""
        return {town: {community: tuple(sorted(grid.grid_id for grid in grids))
                       for community, grids in sorted(communities.items())}
                for town, communities in sorted(self._hierarchy.items())}

    def place_names(self) -> list[str]:
        """Every alias, grid name and community name, sorted (e.g. for a word segmenter's dictionary)."""
        names = {name for grid in self._grids for name in (*grid.aliases, grid.name, grid.community)}
        return sorted(names)

    def locate_point(self, lat: float, lon: float) -> Location:
        """The grid containing the point; on a shared boundary, the smallest grid_id; else nowhere."""
        hits = self._tree.query(Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return Location()
        grid = min((self._grids[index] for index in hits), key=lambda each: each.grid_id)
        return Location.of_grid(grid, "point")

    def is_near(self, lat: float, lon: float, metres: float) -> bool:
        """Whether some grid lies within ``metres`` of the point (inside one counts as near)."""
        scale = METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01)  # metres per degree of longitude
        # A degree of longitude is the shorter one, so this reach in degrees finds every grid in reach.
        candidates = self._tree.query(Point(lon, lat), predicate="dwithin", distance=metres / scale)
        origin = Point(0.0, 0.0)
        for index in candidates:  # in metres east and north of the point, to measure the true distance
            area = shapely.transform(self._grids[index].geometry, lambda xy: (xy - (lon, lat)) * (scale, METRES_PER_DEGREE))
            if area.distance(origin) <= metres:
                return True
        return False

    def overlapping_pairs(self) -> list[tuple[str, str]]:
        """Pairs of grid ids whose areas overlap (a shared boundary is no overlap), sorted."""
        pairs: set[tuple[str, str]] = set()
        for index, grid in enumerate(self._grids):
            for other in self._tree.query(grid.geometry, predicate="intersects"):
                # DE-9IM "T********": the two interiors meet
                if other != index and grid.geometry.relate_pattern(self._grids[other].geometry, "T********"):
                    first, second = sorted((grid.grid_id, self._grids[other].grid_id))
                    pairs.add((first, second))
        return sorted(pairs)

    def locate_text(self, text: str) -> Location:
        """The grid (or community, or town) of a place named in ``text``; see ``PlaceIndex.find``."""
        found = self._places.find(text)
        if found is None:
            return Location()
        grid_ids, method, matched = found
        return self._narrow([self._by_id[grid_id] for grid_id in sorted(grid_ids)], method, matched)

    def _place_grids(self) -> dict[str, set[str]]:
        """Place name → the grids it names: aliases and grid names one grid, a community all of its grids."""
        place_grids: dict[str, set[str]] = defaultdict(set)
        for grid in self._grids:
            for name in (*grid.aliases, grid.name):
                place_grids[name].add(grid.grid_id)
            place_grids[grid.community].update(g.grid_id for g in self._hierarchy[grid.town][grid.community])
        return place_grids

    @staticmethod
    def _narrow(grids: list[Grid], method: Method, matched: str) -> Location:
        """One grid; else the community or town all the grids share; else nowhere."""
        if len(grids) == 1:
            return Location.of_grid(grids[0], method, matched)
        first = grids[0]
        if all(grid.town == first.town and grid.community == first.community for grid in grids):
            return Location(community=first.community, town=first.town, method=method, matched=matched)
        if all(grid.town == first.town for grid in grids):
            return Location(town=first.town, method=method, matched=matched)
        return Location()


def _grid_feature(grid: Grid) -> dict[str, Any]:
    properties = {"grid_id": grid.grid_id, "name": grid.name, "community": grid.community,
                  "town": grid.town, "aliases": list(grid.aliases)}
    geometry = mapping(grid.geometry)
    geometry = {"type": geometry["type"], "coordinates": _json_coordinates(geometry["coordinates"])}
    return {"type": "Feature", "properties": properties, "geometry": geometry}
