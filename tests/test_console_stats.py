"""The console's statistics: figures of a seeded set of tickets against hand-computed values (per day,
category, grid; on-time rate and handling time per community and category; ratings), both from the
daily counters and counted ticket by ticket, the account's scope, and the page over real HTTP (its SVG
charts carry the same figures). tests/test_stats_counters.py compares the two ways on random tickets."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from bot.infra.clock import LOCAL_TIME
from bot.tickets.record import Ticket
from bot.tickets.states import Status
from bot.tickets.daily_read import counted_figures
from bot.tickets.stats import Figures, Sees, figures_by_ticket
from bot.tickets.store import Commit, TicketStore
from tests.domain import START
from tests.telegram_harness import World
from tests.test_console_web import PASSWORD, Console

HOUR = 3600.0
GRID_NAMES = {"GC-XY-01": "西隅第一网格", "GC-XY-02": "西隅第二网格", "GC-BY-01": "北隅第一网格"}
XIYU, BEIYU, TOWN = "西隅社区", "北隅社区", "莞城街道"
FIRST, LAST = date(2026, 11, 20), date(2026, 11, 23)  # START is 2026-11-24 09:00 local


def at(day: int, hour: int) -> float:
    return datetime(2026, 11, day, hour, tzinfo=LOCAL_TIME).timestamp()


# number, opened, category, grid, community, status, deadline (h after opening), handled (h), rating
SEEDED = [
    ("T20261120-0001", at(20, 10), "municipal", "GC-XY-01", XIYU, Status.CLOSED, 24, 4, 5),
    ("T20261120-0002", at(20, 12), "municipal", "GC-XY-01", XIYU, Status.CLOSED, 24, 30, 3),
    ("T20261121-0001", at(21, 9), "environment", "GC-BY-01", BEIYU, Status.ACCEPTED, 24, None, None),  # overdue
    ("T20261122-0001", at(22, 8), "environment", "GC-XY-02", XIYU, Status.PENDING, 72, None, None),  # not due
    ("T20261122-0002", at(22, 20), "municipal", "GC-BY-01", BEIYU, Status.RESOLVED, 24, 2, None),
    ("T20261119-0001", at(19, 23), "municipal", "GC-XY-01", XIYU, Status.CLOSED, 24, 1, 1),  # before the range
    ("T20261123-0001", at(23, 15), "security", None, None, Status.CANCELLED, 24, None, None),  # unplaced
]


Counting = Callable[[TicketStore, Sees, date, date, float], Awaitable[Figures]]


async def _from_counters(store: TicketStore, sees: Sees, first: date, last: date, now: float) -> Figures:
    return await counted_figures(store.redis, sees, first, last, now)


@pytest.fixture(params=["counters", "by_ticket"])
def figures(request: pytest.FixtureRequest) -> Counting:
    """The statistics from the daily counters (what the page reads) and counted ticket by ticket."""
    return _from_counters if request.param == "counters" else figures_by_ticket


async def seed(store: TicketStore) -> None:
    for number, opened, category, grid, community, status, deadline, handled, rating in SEEDED:
        ticket = Ticket(number=number, status=status, category=category, text="路灯坏了", resident="telegram:1",
                        created_at=opened, deadline_at=opened + deadline * HOUR, grid_id=grid,
                        grid_name=GRID_NAMES.get(grid or ""), community=community,
                        town=TOWN if community else None, rating=rating,
                        handled_at=opened + handled * HOUR if handled is not None else None)
        assert await store.commit(None, Commit(ticket)) is not None


async def test_figures_of_a_seeded_range_are_the_hand_computed_ones(redis: Redis, figures: Counting) -> None:
    store = TicketStore(redis)
    await seed(store)
    found = await figures(store, lambda community, town: True, FIRST, LAST, START)
    assert found.days == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    assert found.total == 6
    assert dict(found.per_day) == {"2026-11-20": 2, "2026-11-21": 1, "2026-11-22": 2, "2026-11-23": 1}
    assert dict(found.by_category) == {"municipal": 3, "environment": 2, "security": 1}
    assert dict(found.by_grid) == {"GC-XY-01": 2, "GC-BY-01": 2, "GC-XY-02": 1, "": 1}
    assert found.hot_spots() == [("GC-XY-01", 2), ("GC-BY-01", 2), ("GC-XY-02", 1)]
    xiyu, beiyu = found.by_community[XIYU], found.by_community[BEIYU]
    assert (xiyu.due, xiyu.on_time, xiyu.handled, xiyu.mean_hours) == (2, 1, 2, 17.0)  # the pending one is not due
    assert (beiyu.due, beiyu.on_time, beiyu.handled, beiyu.mean_hours) == (2, 1, 1, 2.0)  # overdue counts as late
    assert xiyu.on_time_rate == 0.5 and set(found.by_community) == {XIYU, BEIYU}  # cancelled: no on-time figure
    municipal, environment = found.handling_by_category["municipal"], found.handling_by_category["environment"]
    assert (municipal.due, municipal.on_time, municipal.mean_hours) == (3, 2, 12.0)
    assert (environment.due, environment.on_time, environment.mean_hours) == (1, 0, None)
    assert dict(found.ratings) == {5: 1, 3: 1} and found.mean_rating == 4.0


async def test_a_community_scope_counts_its_own_tickets_only(redis: Redis, figures: Counting) -> None:
    store = TicketStore(redis)
    await seed(store)
    scope = Scope(Role.COMMUNITY, TOWN, XIYU)
    found = await figures(store, scope.sees, FIRST, LAST, START)
    assert found.total == 3 and dict(found.per_day) == {"2026-11-20": 2, "2026-11-22": 1}
    assert set(found.by_community) == {XIYU} and "GC-BY-01" not in found.by_grid


async def test_resolving_records_when_the_ticket_was_handled(world: World) -> None:
    from bot.grids.map import Location
    from bot.people.directory import telegram_key
    from tests.test_console_web import opened

    assert world.service.domain is not None
    tickets, worker = world.service.domain.tickets, telegram_key(world.worker.id)
    number = await opened(world, Location("GC-XY-01", "西隅第一网格", XIYU, TOWN, "alias", "西隅"))
    assert (await tickets.accept(number, worker)).ok and (await tickets.get(number)).handled_at is None
    world.clock.advance(2 * HOUR)
    assert (await tickets.resolve(number, worker, "已修好")).ok
    assert (await tickets.get(number)).handled_at == START + 2 * HOUR


@pytest.fixture
async def stats_console(world: World) -> AsyncIterator[Console]:
    accounts = Accounts(world.service.redis)
    await accounts.add("xiyu", Scope(Role.COMMUNITY, TOWN, XIYU), PASSWORD)
    await accounts.add("city", Scope(Role.CITY), PASSWORD)
    assert world.service.domain is not None
    await seed(world.service.domain.store)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield Console(http, f"http://127.0.0.1:{world.service.http_port}")


def marks(html: str, title: str) -> dict[str, str]:
    """The data-label → data-value of the marks of the chart named ``title``."""
    chart = html.split(f'aria-label="{title}"', 1)[1].split("</svg>", 1)[0]
    return dict(re.findall(r'data-label="([^"]*)" data-value="([^"]*)"', chart))


async def test_the_page_draws_the_scoped_figures_as_svg(stats_console: Console) -> None:
    await stats_console.login("city")
    status, html = await stats_console.page("/console/stats?from=2026-11-20&to=2026-11-23")
    assert status == 200 and html.count("<svg") >= 8
    assert marks(html, "每日诉求量") == {"11-20": "2", "11-21": "1", "11-22": "2", "11-23": "1"}
    assert marks(html, "各类别诉求量") == {"市政设施": "3", "生态环境": "2", "社会治安": "1"}
    assert marks(html, "各村社区按时办结率（%）") == {XIYU: "50", BEIYU: "50"}
    assert marks(html, "满意度评价分布")["5 星"] == "1" and "4.00 星（2 条评价）" in html
    assert "西隅第一网格" in html and "66.7%" in html  # municipal: 2 of 3 on time


async def test_a_community_account_sees_none_of_another_communitys_figures(stats_console: Console) -> None:
    await stats_console.login("xiyu")
    status, html = await stats_console.page("/console/stats?from=2026-11-20&to=2026-11-23&community=北隅社区")
    assert status == 200 and marks(html, "每日诉求量") == {"11-20": "0", "11-21": "0", "11-22": "0", "11-23": "0"}
    status, html = await stats_console.page("/console/stats?from=2026-11-20&to=2026-11-23")
    assert marks(html, "每日诉求量") == {"11-20": "2", "11-21": "0", "11-22": "1", "11-23": "0"}
    assert BEIYU not in html and "北隅第一网格" not in html


async def test_the_default_range_is_the_last_30_days(stats_console: Console) -> None:
    await stats_console.login("city")
    status, html = await stats_console.page("/console/stats?from=not-a-date")
    assert status == 200 and 'value="2026-10-26"' in html and 'value="2026-11-24"' in html
    assert len(marks(html, "每日诉求量")) == 30
