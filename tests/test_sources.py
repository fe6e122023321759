"""Every ticket's source (resident, patrol, open311, console) where staff read tickets: the board's filter,
the statistics' figure of workers' reports against residents' per grid, and /stats."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.grids.map import Location
from bot.infra.clock import LOCAL_TIME
from bot.people.directory import telegram_key
from bot.tickets.board import BoardFilter, Sort
from bot.tickets.service import NewRequest
from bot.tickets.sources import Source, filer_key
from bot.tickets.daily_read import counted_figures
from bot.tickets.stats import figures_by_ticket
from tests.board_fixtures import CITY, HD01, HEDONG, WORKER, City, seed_city
from tests.console_harness import XY01, XY02, console_for, opened
from tests.telegram_harness import World

pytestmark = pytest.mark.asyncio(loop_scope="session")


def patrol_report(worker: str, place: Location, text: str = "巡查发现滨河路井盖松动") -> NewRequest:
    return NewRequest(filer_key(worker), text, "municipal", location=place, source=Source.PATROL)


@pytest.fixture
async def city(redis) -> City:
    return await seed_city(redis)


async def test_the_board_filters_by_source(city: City) -> None:
    report = (await city.domain.tickets.open(patrol_report(WORKER, HD01))).ticket.number

    async def numbers(scope=CITY, **conditions) -> list[str]:
        page = await city.board.page(scope, BoardFilter(**conditions), Sort.OLDEST, 1, 200)
        return [row.number for row in page.rows]

    assert await numbers(source="patrol") == [report]
    assert await numbers(source="resident") == city.numbers
    assert await numbers(HEDONG, source="patrol", grid_id="HD-01") == [report]
    assert await numbers(source="open311") == []


async def test_figures_count_each_grids_reports_by_source(city: City) -> None:
    await city.domain.tickets.open(patrol_report(WORKER, HD01))
    day = datetime.fromtimestamp(city.domain.clock.now(), LOCAL_TIME).date()
    for found in (await figures_by_ticket(city.domain.store, lambda community, town: True, day.replace(day=1), day,
                                          city.domain.clock.now()),
                  await counted_figures(city.domain.redis, lambda community, town: True, day.replace(day=1), day,
                                        city.domain.clock.now())):  # the page's daily counters agree
        assert dict(found.sources_by_grid["HD-01"]) == {"resident": 2, "patrol": 1}
        assert dict(found.sources_by_grid["HX-01"]) == {"resident": 1}


async def report_and_resident(world: World) -> tuple[str, str]:
    """A field report of the worker in their grid, and a resident's request in the next grid."""
    assert world.service.domain is not None
    worker = telegram_key(world.worker.id)
    report = (await world.service.domain.tickets.open(patrol_report(worker, XY01, "西正路8号井盖松动"))).ticket
    return report.number, await opened(world, XY02)


async def test_the_console_board_and_statistics_show_the_source(world: World) -> None:
    report, resident = await report_and_resident(world)
    async with console_for(world) as console:
        await console.login("xiyu")
        status, html = await console.page("/console?status=open&source=patrol")
        assert status == 200 and report in html and resident not in html
        assert '<select name="source">' in html and '<option value="patrol" selected>巡查上报</option>' in html
        assert (await console.page("/console?source=robot"))[0] == 400
        status, html = await console.page("/console/stats")
        assert status == 200 and "各网格巡查上报与居民反映" in html
        assert sources_row(html, "GC-XY-01") == ["西隅第一网格", "0", "1", "0", "0", "1", "100.0%"]
        assert sources_row(html, "GC-XY-02") == ["西隅第二网格", "1", "0", "0", "0", "1", "0.0%"]


def sources_row(html: str, grid_id: str) -> list[str]:
    import re

    row = html.split(f'<tr data-grid="{grid_id}">', 1)[1].split("</tr>", 1)[0]
    return re.findall(r"<td>([^<]*)</td>", row)


async def test_stats_counts_tickets_by_source(world: World) -> None:
    await report_and_resident(world)
    await world.says(world.admin, "/stats")
    await world.sees(world.admin, "按来源", "居民 1", "巡查上报 1")



async def test_a_field_reports_timeline_names_its_reporter(city: City) -> None:
    from bot.tickets.timeline import ActorKind, timeline

    report = (await city.domain.tickets.open(patrol_report(WORKER, HD01))).ticket.number
    steps = await timeline(city.domain.tickets.routing, await city.domain.store.audit(report))
    assert [(s.entry.action, s.actor.kind, s.actor.name) for s in steps] == [
        ("open", ActorKind.WORKER, "李网格"), ("accept", ActorKind.WORKER, "李网格")]
