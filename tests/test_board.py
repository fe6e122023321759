"""The console board's queries: scope, each filter, search, sort, pages and counts (bot/tickets/board.py)."""

import pytest

from bot.tickets.board import BoardFilter, Sort
from bot.tickets.states import OPEN_STATUSES, Status
from tests.board_fixtures import CITY, HEDONG, HEXI, OTHER_TOWN, TOWN, WORKER, City, seed_city


@pytest.fixture
async def city(redis) -> City:
    return await seed_city(redis)


async def numbers(city: City, scope=CITY, sort: Sort = Sort.OLDEST, **conditions) -> list[str]:
    page = await city.board.page(scope, BoardFilter(**conditions), sort, 1, 200)
    assert page.total == len(page.rows)
    return [row.number for row in page.rows]


async def test_each_scope_sees_its_own_tickets_only(city: City) -> None:
    t = city.numbers
    assert await numbers(city, CITY) == t
    assert await numbers(city, TOWN) == [t[0], t[1], t[2], t[4]]  # not the unplaced one
    assert await numbers(city, HEDONG) == [t[0], t[1], t[4]]
    assert await numbers(city, HEXI) == [t[2]]
    assert await numbers(city, OTHER_TOWN) == []


async def test_filters_cannot_widen_a_scope(city: City) -> None:
    assert await numbers(city, HEDONG, community="河西社区") == []
    assert await numbers(city, HEDONG, grid_id="HX-01") == []
    assert await numbers(city, HEXI, text="垃圾") == []
    assert await numbers(city, HEDONG, text=city.numbers[2]) == []
    assert (await city.board.page(HEXI, BoardFilter())).counts[Status.ASSIGNED] == 1


async def test_each_filter(city: City) -> None:
    t = city.numbers
    assert await numbers(city, statuses=frozenset({Status.PENDING})) == [t[3]]
    assert await numbers(city, statuses=OPEN_STATUSES) == t
    assert await numbers(city, statuses=frozenset({Status.PENDING, Status.ASSIGNED})) == t
    assert await numbers(city, statuses=frozenset({Status.CLOSED})) == []
    assert await numbers(city, category="sanitation") == [t[1], t[3]]
    assert await numbers(city, grid_id="HD-01") == [t[0], t[4]]
    assert await numbers(city, community="河西社区") == [t[2]]
    assert await numbers(city, town="新城街道") == [t[0], t[1], t[2], t[4]]
    assert await numbers(city, urgent=True) == [t[4]]
    start = (await city.domain.tickets.get(t[1])).created_at  # type: ignore[union-attr]
    assert await numbers(city, created_from=start, created_to=start + 2 * 3600) == [t[1], t[2]]
    assert await numbers(city, created_from=start + 3 * 3600) == [t[4]]
    assert await numbers(city, created_to=start) == [t[0]]
    assert await numbers(city, category="sanitation", community="河东社区") == [t[1]]
    assert await numbers(city, statuses=frozenset({Status.CLOSED, Status.PENDING})) == [t[3]]
    # a date range inside a scope (the range is cut from the scope's tickets, or the scope from the range)
    assert await numbers(city, HEDONG, created_from=start) == [t[1], t[4]]
    assert await numbers(city, HEDONG, created_from=start, created_to=start + 3600) == [t[1]]
    assert await numbers(city, HEDONG, sort=Sort.DEADLINE, created_to=start + 3600) == [t[1], t[0]]


async def test_overdue_is_open_and_past_its_deadline(city: City) -> None:
    t = city.numbers
    assert await numbers(city, overdue=True) == []
    city.domain.clock.advance(2 * 3600)  # the urgent one (2 h) is late
    assert await numbers(city, overdue=True) == [t[4]]
    city.domain.clock.advance(24 * 3600)  # and the 24-hour ones: sanitation, noise, safety
    assert await numbers(city, overdue=True) == [t[1], t[2], t[3], t[4]]
    page = await city.board.page(HEDONG, BoardFilter(overdue=True))
    assert page.overdue == 2 and all(row.overdue for row in page.rows)
    assert (await city.board.page(CITY, BoardFilter(grid_id="HD-01"))).overdue == 1


async def test_chinese_search_finds_words_inside_the_text(city: City) -> None:
    t = city.numbers
    assert await numbers(city, text="路灯") == [t[0]]
    assert await numbers(city, text="垃圾") == [t[1], t[3]]
    assert await numbers(city, HEDONG, text="垃圾") == [t[1]]
    assert await numbers(city, text="滨河路 着火") == [t[4]]
    assert await numbers(city, text="路灯 着火") == []
    assert await numbers(city, text="噪音") == [t[2]]
    assert await numbers(city, text=t[2].lower()) == [t[2]]
    assert await numbers(city, text="的") == []  # a function word alone matches nothing
    assert await numbers(city, text="  ") == t  # a blank search is no search


async def test_sorts_and_pages(city: City) -> None:
    t = city.numbers
    assert await numbers(city, sort=Sort.NEWEST) == t[::-1]
    # deadlines: urgent 2 h after t4's opening; sanitation/noise 24 h; municipal 72 h
    assert await numbers(city, sort=Sort.DEADLINE) == [t[4], t[1], t[2], t[3], t[0]]
    assert await numbers(city, sort=Sort.DEADLINE_LATEST) == [t[0], t[3], t[2], t[1], t[4]]
    pages = [await city.board.page(CITY, BoardFilter(), Sort.OLDEST, n, 2) for n in (1, 2, 3, 4)]
    assert [[r.number for r in p.rows] for p in pages] == [t[0:2], t[2:4], t[4:5], []]
    assert {p.total for p in pages} == {5}


async def test_counts_per_state_ignore_the_state_filter(city: City) -> None:
    assert (await city.domain.tickets.accept(city.numbers[0], WORKER)).ok
    page = await city.board.page(CITY, BoardFilter(statuses=frozenset({Status.ACCEPTED})))
    assert page.total == 1 and [r.number for r in page.rows] == [city.numbers[0]]
    assert page.counts == {Status.PENDING: 1, Status.ASSIGNED: 3, Status.ACCEPTED: 1, Status.RESOLVED: 0,
                           Status.CLOSED: 0, Status.CANCELLED: 0}
    hedong = await city.board.page(HEDONG, BoardFilter(category="municipal"))
    assert hedong.counts[Status.ACCEPTED] == 1 and hedong.counts[Status.ASSIGNED] == 0 and hedong.total == 1


async def test_rows_carry_what_the_board_shows_and_no_resident(city: City) -> None:
    assert (await city.domain.tickets.accept(city.numbers[4], WORKER)).ok
    row = (await city.board.page(CITY, BoardFilter(urgent=True))).rows[0]
    assert (row.status, row.category, row.category_name, row.grid_id, row.grid_name) == (
        Status.ACCEPTED, "safety", "安全隐患", "HD-01", "河东一网格")
    assert (row.worker, row.worker_name, row.urgent, row.community, row.town) == (
        WORKER, "李网格", True, "河东社区", "新城街道")
    assert row.deadline_at - row.created_at == 2 * 3600 and not row.overdue
    assert not hasattr(row, "resident")


async def test_export_rows_are_every_match_in_order_and_leave_no_snapshot(city: City) -> None:
    rows = [row.number async for row in city.board.rows(TOWN, BoardFilter(), Sort.NEWEST)]
    assert rows == [city.numbers[i] for i in (4, 2, 1, 0)]
    assert await city.domain.redis.keys("gb:board:*") == []


async def test_search_does_not_depend_on_how_a_sentence_is_segmented(city: City) -> None:
    from bot.tickets.service import NewRequest
    from tests.board_fixtures import HD01, RESIDENT

    dark = (await city.domain.tickets.open(NewRequest(RESIDENT, "小区门口路灯不亮", "municipal", 0.9, False, HD01))).ticket
    assert await numbers(city, text="路灯") == [city.numbers[0], dark.number]  # 路灯不亮 segments as 路 / 灯不亮
    assert await numbers(city, text="不亮") == [dark.number]  # single characters: looked for in the text
    assert await numbers(city, text="灯 黑") == [city.numbers[0]]
    assert await numbers(city, HEXI, text="亮") == []
    assert await numbers(city, text="路灯 火") == []
    page = await city.board.page(HEDONG, BoardFilter(text="亮"))
    assert page.total == 1 and page.counts[Status.ASSIGNED] == 1
