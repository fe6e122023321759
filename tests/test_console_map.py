"""The console map over real HTTP: the grids in the account's scope as SVG polygons (others not drawn),
its open tickets as markers coloured by state linking to their pages, a shared point drawn inside its
grid; a closed ticket and another community's are not on it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from bot.grids.map import Location
from bot.tickets.service import NewRequest
from tests.console_harness import BY01, XY02, Console, opened
from tests.telegram_harness import World

SVG = "{http://www.w3.org/2000/svg}"
XY01 = Location("GC-XY-01", "西隅第一网格", "西隅社区", "莞城街道", "point", None)


def drawn(page: str) -> ElementTree.Element:
    """The page's map (it must be well-formed SVG)."""
    return ElementTree.fromstring(re.search(r"<svg .*?</svg>", page, re.S).group(0))  # type: ignore[union-attr]


def box(path: ElementTree.Element) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", path.get("d", ""))]
    xs, ys = numbers[::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


async def test_the_map_draws_the_grids_and_open_tickets_in_scope_only(world: World, console: Console) -> None:
    assert world.service.domain is not None
    tickets = world.service.domain.tickets
    pending = await opened(world, XY02, "西隅第二网格的垃圾堆了好几天")  # no worker there: pending
    request = NewRequest(resident=f"telegram:{world.resident.id}", text="这里的路灯坏了", category="municipal",
                         location=XY01, coordinates=(23.035, 113.744))
    at_point = (await tickets.open(request)).ticket.number  # GC-XY-01 has workers: assigned
    theirs = await opened(world, BY01, "北隅的井盖丢了")
    closed = await opened(world, XY02, "西隅的噪音")
    await console.login("xiyu")
    await console.page(f"/console/tickets/{closed}")
    await console.post(f"/console/tickets/{closed}/close", {"note": "已处理"})
    status, page = await console.page("/console/map")
    assert status == 200 and '<script src="/console/static/live.js" defer>' in page
    svg = drawn(page)
    grids = {a.get("data-grid"): a for a in svg.iter(f"{SVG}a") if a.get("data-grid")}
    assert set(grids) == {"GC-XY-01", "GC-XY-02", "GC-XY-03"}
    markers = {a.get("data-number"): a.find(f"{SVG}circle") for a in svg.iter(f"{SVG}a") if a.get("data-number")}
    assert set(markers) == {pending, at_point} and theirs not in page and closed not in page
    assert markers[pending].get("class") == "marker state-pending"  # type: ignore[union-attr]
    assert markers[at_point].get("class") == "marker state-assigned"  # type: ignore[union-attr]
    link = next(a for a in svg.iter(f"{SVG}a") if a.get("data-number") == at_point)
    assert link.get("href") == f"/console/tickets/{at_point}"
    west, north, east, south = box(grids["GC-XY-01"].find(f"{SVG}path"))  # type: ignore[arg-type]
    x, y = float(markers[at_point].get("cx", "")), float(markers[at_point].get("cy", ""))  # type: ignore[union-attr]
    assert west < x < east and north < y < south
    assert "北隅" not in page


async def test_the_city_sees_every_grid(world: World, console: Console) -> None:
    await console.login("city")
    status, page = await console.page("/console/map")
    assert status == 200 and len([a for a in drawn(page).iter(f"{SVG}a") if a.get("data-grid")]) == 12
