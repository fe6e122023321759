"""The board's indexes follow every step of a ticket's life, and `gridbot tickets reindex` rebuilds them."""

import pytest

from bot.infra import keys
from bot.tickets.board import BoardFilter, Sort
from bot.tickets.reindex import reindex
from bot.tickets.states import Status
from tests.board_fixtures import CITY, HEDONG, HEXI, HX01, RESIDENT, TOWN, TOWN_SUP, WORKER, City, seed_city


@pytest.fixture
async def city(redis) -> City:
    return await seed_city(redis)


async def found(city: City, scope=CITY, **conditions) -> list[str]:
    page = await city.board.page(scope, BoardFilter(**conditions), Sort.OLDEST, 1, 200)
    return [row.number for row in page.rows]


async def board_keys(city: City) -> dict[str, object]:
    """Every board index with its members (and scores), to compare a rebuild with the live indexes."""
    redis, dump = city.domain.redis, {}
    patterns = [*keys.BOARD_INDEX_PATTERNS, keys.urgent_tickets(), keys.by_deadline(), keys.open_by_deadline()]
    for pattern in patterns:
        async for key in redis.scan_iter(match=pattern):
            kind = await redis.type(key)
            if kind == "hash":  # a scope's state counters: zero counts are the same as none
                dump[key] = {k: v for k, v in (await redis.hgetall(key)).items() if v != "0"}
            else:
                dump[key] = sorted(await redis.smembers(key)) if kind == "set" else await redis.zrange(key, 0, -1, withscores=True)
    return dump


async def test_accept_resolve_and_close_leave_the_open_tickets(city: City) -> None:
    number, tickets = city.numbers[0], city.domain.tickets
    assert (await tickets.accept(number, WORKER)).ok
    assert await found(city, statuses=frozenset({Status.ACCEPTED})) == [number]
    assert (await tickets.resolve(number, WORKER, "已修好")).ok
    assert await found(city, statuses=frozenset({Status.RESOLVED})) == [number]
    city.domain.clock.advance(100 * 3600)  # long past its deadline, but no longer open
    assert number not in await found(city, overdue=True)
    assert (await tickets.rate(number, RESIDENT, 5)).ok
    assert await found(city, statuses=frozenset({Status.CLOSED}), text="路灯") == [number]
    assert await city.domain.redis.zscore(keys.open_by_deadline(), number) is None


async def test_reopening_makes_a_ticket_open_and_overdue_again(city: City) -> None:
    number, tickets = city.numbers[1], city.domain.tickets
    assert (await tickets.accept(number, "telegram:2002")).ok
    assert (await tickets.resolve(number, "telegram:2002", "已清理")).ok
    assert (await tickets.rate(number, RESIDENT, 1)).ok  # reopened: assigned again
    city.domain.clock.advance(100 * 3600)
    assert number in await found(city, overdue=True, statuses=frozenset({Status.ASSIGNED}))


async def test_cancel_and_return(city: City) -> None:
    tickets, (first, second) = city.domain.tickets, city.numbers[:2]
    assert (await tickets.cancel(first, RESIDENT)).ok
    assert await found(city, statuses=frozenset({Status.CANCELLED})) == [first]
    assert first not in await found(city, statuses=frozenset({Status.PENDING, Status.ASSIGNED, Status.ACCEPTED}))
    assert (await tickets.return_to_supervisor(second, "telegram:2002", "不归我管")).ok
    assert second in await found(city, HEDONG, statuses=frozenset({Status.PENDING}))


async def test_dispatching_an_unplaced_ticket_brings_it_into_the_grids_community(city: City) -> None:
    unplaced = city.numbers[3]
    assert unplaced not in await found(city, TOWN)
    assert (await city.domain.tickets.dispatch(unplaced, TOWN_SUP, HX01.grid_id or "")).ok
    assert await found(city, HEXI) == [city.numbers[2], unplaced]
    assert unplaced in await found(city, TOWN, grid_id="HX-01", statuses=frozenset({Status.ASSIGNED}))
    assert unplaced not in await found(city, HEDONG)


async def test_recategorising_moves_a_ticket_between_categories(city: City) -> None:
    number = city.numbers[2]
    assert (await city.domain.tickets.recategorise(number, TOWN_SUP, "construction")).ok
    assert await found(city, category="construction") == [number]
    assert await found(city, category="noise") == []


async def test_reindex_rebuilds_exactly_the_live_indexes(city: City) -> None:
    tickets = city.domain.tickets
    assert (await tickets.accept(city.numbers[0], WORKER)).ok
    assert (await tickets.dispatch(city.numbers[3], TOWN_SUP, "HX-01")).ok
    assert (await tickets.recategorise(city.numbers[2], TOWN_SUP, "construction")).ok
    live = await board_keys(city)
    for key in live:
        await city.domain.redis.delete(key)
    await city.domain.redis.sadd(keys.by_word("陈旧"), city.numbers[0])  # a stale entry is dropped
    assert await reindex(city.domain.store, batch=2) == 5
    assert await board_keys(city) == live
    assert await reindex(city.domain.store) == 5 and await board_keys(city) == live  # idempotent


def test_reindex_command(tmp_path, monkeypatch) -> None:
    """`gridbot tickets reindex` on a data dir: the words of its tickets are found again afterwards."""
    import asyncio

    from bot.accounts.scope import Role, Scope
    from bot.tickets.board import Board
    from tests.conftest import run_gridbot_inline
    from tests.data_dir import Request, data_dir_domain, open_tickets

    data_dir = tmp_path / "var"
    lamp, _ = open_tickets(data_dir, Request("GC-XY-01", "西正路的路灯坏了"), Request("GC-XY-02", "楼道里燃气味很重"))

    async def lamp_search(drop: bool) -> list[str]:
        async with data_dir_domain(data_dir) as domain:
            if drop:
                for key in await domain.redis.keys(keys.by_word("*")):
                    await domain.redis.delete(key)
            page = await Board(domain.redis).page(Scope(Role.CITY), BoardFilter(text="路灯"))
            return [row.number for row in page.rows]

    assert asyncio.run(lamp_search(drop=True)) == []
    result = run_gridbot_inline(["tickets", "reindex"], data_dir, monkeypatch)
    assert result.status == 0 and result.out.strip() == "已重建指挥调度台的工单索引：2 张工单。"
    assert asyncio.run(lamp_search(drop=False)) == [lamp]


async def test_the_scopes_own_views_agree_with_the_general_query(city: City) -> None:
    """The default view (open tickets, in any order) and the overdue ones by deadline are read from each
    scope's own views and counters: after every kind of step they give what the general query over the
    indexes gives."""
    from bot.tickets.board_views import ScopeViews
    from bot.tickets.states import OPEN_STATUSES

    t, tickets = city.numbers, city.domain.tickets
    assert (await tickets.accept(t[0], WORKER)).ok and (await tickets.resolve(t[0], WORKER, "好了")).ok
    assert (await tickets.rate(t[0], RESIDENT, 1)).ok  # reopened
    assert (await tickets.cancel(t[1], RESIDENT)).ok
    assert (await tickets.dispatch(t[3], TOWN_SUP, "HX-01")).ok
    assert (await tickets.recategorise(t[2], TOWN_SUP, "construction")).ok
    city.domain.clock.advance(30 * 3600)
    for scope in (CITY, TOWN, HEDONG, HEXI):
        for board_filter, sort in ((BoardFilter(statuses=OPEN_STATUSES), Sort.NEWEST),
                                   (BoardFilter(statuses=OPEN_STATUSES), Sort.OLDEST),
                                   (BoardFilter(statuses=OPEN_STATUSES), Sort.DEADLINE),
                                   (BoardFilter(statuses=OPEN_STATUSES), Sort.DEADLINE_LATEST),
                                   (BoardFilter(overdue=True), Sort.DEADLINE),
                                   (BoardFilter(overdue=True, statuses=OPEN_STATUSES), Sort.DEADLINE_LATEST),
                                   (BoardFilter(overdue=True, statuses=frozenset({Status.ASSIGNED})), Sort.DEADLINE),
                                   (BoardFilter(overdue=True, statuses=frozenset({Status.CLOSED})), Sort.DEADLINE)):
            views = ScopeViews(city.domain.redis)
            assert await views.page(scope, board_filter, sort, 0, 50, city.domain.clock.now()) is not None
            fast = await city.board.page(scope, board_filter, sort, 1, 50)
            plan = await city.board._plan(scope, board_filter, sort)
            plan.count = 50
            general = await city.board._query.run(plan)
            assert [r.number for r in fast.rows] == general.numbers and fast.total == general.total
            assert list(fast.counts.values()) == general.counts and fast.overdue == general.overdue
