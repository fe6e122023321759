"""Early warning (预警) over the production domain on a real Redis: a surge of one category in one grid or
within 300 m warns the community supervisor once; the usual level of a busy grid raises the bar; a
warning ends when it calms down, and a new surge then warns again; its tickets link as one case."""

from __future__ import annotations

import pytest

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts, console_key
from bot.app.config import Settings
from bot.grids.map import Location
from bot.people.directory import Level
from bot.tickets.notifications import Kind, Notification
from bot.tickets.service import NewRequest
from bot.tickets.states import Status
from bot.tickets.sources import Source
from bot.texts.render import render
from bot.warnings.cases import active_for, link_as_one_case, visible
from tests.domain import Domain, build_domain

HD_SUP, HX_SUP = "telegram:3001", "telegram:3002"
HD01 = Location("HD-01", "河东一网格", "河东社区", "新城街道", "point", None)
HD02 = Location("HD-02", "河东二网格", "河东社区", "新城街道", "point", None)
HX01 = Location("HX-01", "河西一网格", "河西社区", "新城街道", "point", None)
WORDS = ["滨河路边垃圾堆了好几天没人收", "小区门口的垃圾桶满出来了很臭", "翠竹花园后门有人乱倒建筑垃圾",
         "路边绿化带里全是塑料袋和饭盒", "垃圾站污水流到人行道上了", "公共厕所好几天没人打扫",
         "河边有一只死狗发臭了", "菜市场后面老鼠很多", "街上落叶和垃圾没人清扫", "垃圾车收运时撒了一路"]
HOUR = 3600.0


@pytest.fixture
async def domain(redis) -> Domain:
    built = await build_domain(redis)
    await built.people.add_supervisor(HD_SUP, Level.COMMUNITY, "河东社区", "陈主任")
    await built.people.add_supervisor(HX_SUP, Level.COMMUNITY, "河西社区", "林主任")
    return built


async def report(domain: Domain, n: int, where: Location = HD01, at: tuple[float, float] | None = None,
                 category: str = "sanitation", source: str = Source.RESIDENT, first: int = 0) -> list[str]:
    """``n`` residents report (each different words), ten minutes apart; the ticket numbers."""
    numbers = []
    for i in range(first, first + n):
        request = NewRequest(resident=f"web:r{i}-{domain.clock.now():.0f}", text=WORDS[i % len(WORDS)] + f"（{i}号）",
                             category=category, location=where, source=source,
                             coordinates=(at[0] + i * 0.0001, at[1]) if at else None)
        numbers.append((await domain.tickets.open(request)).ticket.number)
        domain.clock.advance(600)
    return numbers


async def warnings_told(domain: Domain) -> list[Notification]:
    return [n for n in await domain.outbox() if n.kind == Kind.WARNING]


async def test_five_requests_of_one_category_in_a_grid_warn_its_community_supervisor_once(domain: Domain) -> None:
    numbers = await report(domain, 5)
    result = await domain.warnings.run_pass()
    assert result is not None and len(result.raised) == 1
    told = await warnings_told(domain)
    assert [n.recipient for n in told] == [HD_SUP]
    text = render(told[0]).text
    assert "预警" in text and "环境卫生" in text and "河东一网格" in text and all(n in text for n in numbers)
    await report(domain, 2, first=5)
    again = await domain.warnings.run_pass()
    assert again is not None and not again.raised and len(again.grown) == 1
    assert len(await warnings_told(domain)) == 1
    assert len((await domain.warnings.warnings.active())[0].numbers) == 7


async def test_four_requests_or_other_categories_do_not_warn(domain: Domain) -> None:
    await report(domain, 4)
    await report(domain, 3, category="noise")
    await report(domain, 3, where=HD02)
    result = await domain.warnings.run_pass()
    assert result is not None and not result.raised and not await warnings_told(domain)


async def test_requests_within_300_metres_across_two_grids_warn_once(domain: Domain) -> None:
    # HD-01 and HD-02 meet at longitude 113.71: three reports on each side, all within about 100 m
    west = await report(domain, 3, HD01, at=(23.005, 113.7095))
    east = await report(domain, 3, HD02, at=(23.005, 113.7105), first=3)
    result = await domain.warnings.run_pass()
    assert result is not None and len(result.raised) == 1
    warning = result.raised[0]
    assert warning.nearby and set(warning.numbers) == set(west + east)
    assert "300 米内" in render((await warnings_told(domain))[0]).text


async def test_a_busy_grid_needs_three_times_its_usual_level(domain: Domain) -> None:
    start = domain.clock.now()
    for _day in range(30):  # two a day for 30 days: the usual level is 2 a day, the bar 6
        for number in await report(domain, 2):  # (withdrawn, so that no later request links to them)
            ticket = await domain.tickets.get(number)
            assert ticket is not None and (await domain.tickets.cancel(number, ticket.resident)).ok
        domain.clock.advance(24 * HOUR - 1200)
    await domain.warnings.run_pass()  # the history itself: ended long ago or never raised
    before = len(await warnings_told(domain))
    assert domain.clock.now() - start >= 30 * 24 * HOUR
    domain.clock.advance(24 * HOUR)
    await report(domain, 5, first=2)
    assert not (await domain.warnings.run_pass()).raised  # type: ignore[union-attr]
    await report(domain, 1, first=7)
    assert len((await domain.warnings.run_pass()).raised) == 1  # type: ignore[union-attr]
    assert len(await warnings_told(domain)) == before + 1


async def test_after_it_calms_down_a_new_surge_warns_again(domain: Domain) -> None:
    await report(domain, 5)
    await domain.warnings.run_pass()
    domain.clock.advance(25 * HOUR)
    calm = await domain.warnings.run_pass()
    assert calm is not None and len(calm.ended) == 1 and not await domain.warnings.warnings.active()
    await report(domain, 5, first=5)
    result = await domain.warnings.run_pass()
    assert result is not None and len(result.raised) == 1
    assert len(await warnings_told(domain)) == 2


async def test_a_workers_own_reports_found_on_patrol_do_not_warn(domain: Domain) -> None:
    await report(domain, 6, source=Source.PATROL)
    result = await domain.warnings.run_pass()
    assert result is not None and not result.raised


async def test_the_scheduler_hook_runs_a_pass_as_soon_as_a_ticket_opens(domain: Domain) -> None:
    assert await domain.warnings.tick() is not None  # the first tick always runs
    assert await domain.warnings.tick() is None  # nothing new, interval not over
    await report(domain, 5)
    result = await domain.warnings.tick()
    assert result is not None and len(result.raised) == 1


async def test_linking_a_warning_makes_one_case_within_the_viewers_scope(domain: Domain) -> None:
    numbers = await report(domain, 5)
    [warning] = (await domain.warnings.run_pass()).raised  # type: ignore[union-attr]
    store, tickets = domain.warnings.warnings, domain.tickets
    accounts = Accounts(domain.redis)
    await accounts.add("hexi", Scope(Role.COMMUNITY, "新城街道", "河西社区"), "河西社区的密码很长很长")
    assert await visible(store, tickets, warning.warning_id, console_key("hexi")) is None
    assert await active_for(store, tickets, HX_SUP) == []
    assert [w.warning_id for w in await active_for(store, tickets, HD_SUP) or []] == [warning.warning_id]
    linked = await link_as_one_case(store, tickets, warning, HD_SUP)
    assert linked.into == numbers[0] and linked.linked == 4 and linked.skipped == 0
    for number in numbers[1:]:
        ticket = await tickets.get(number)
        assert ticket is not None and ticket.status == Status.CLOSED
    assert (await store.get(warning.warning_id)).linked_into == numbers[0]  # type: ignore[union-attr]


def test_thresholds_are_configurable() -> None:
    settings = Settings(_env_file=None, warning_min_count=8, warning_ratio=4.5)
    assert (settings.warning_min_count, settings.warning_ratio) == (8, 4.5)
    with pytest.raises(ValueError):
        Settings(_env_file=None, warning_min_count=1)
