"""Which tickets a supervisor may act on, and which grids and categories they are offered: one rule in the
domain (bot.tickets.supervision, bot.people.routing.Coverage), on a real Redis."""

import pytest

from bot.grids.map import Location
from bot.people.directory import Level
from bot.tickets.outcome import Refusal
from bot.tickets.service import NewRequest
from tests.domain import Domain, build_domain

ADMIN_ID = 9001
RESIDENT, ADMIN, STRANGER = "telegram:1001", f"telegram:{ADMIN_ID}", "telegram:2999"
HEDONG_SUP, HEXI_SUP, TOWN_SUP = "telegram:3001", "telegram:3003", "telegram:3002"
WORKERS = {"HD-01": "telegram:2001", "HD-02": "telegram:2002", "HX-01": "telegram:2003"}
HX01 = Location("HX-01", "河西一网格", "河西社区", "新城街道", "alias", "西湖大道")


@pytest.fixture
async def domain(redis) -> Domain:
    d = await build_domain(redis, admin_ids=[ADMIN_ID])
    for grid_id, worker in WORKERS.items():
        await d.people.add_worker(worker, grid_id, "网格员")
    await d.people.add_supervisor(HEDONG_SUP, Level.COMMUNITY, "河东社区", "陈主任")
    await d.people.add_supervisor(HEXI_SUP, Level.COMMUNITY, "河西社区", "何主任")
    await d.people.add_supervisor(TOWN_SUP, Level.TOWN, "新城街道", "周科长")
    return d


async def opened(domain: Domain, location: Location | None = None) -> str:
    request = NewRequest(resident=RESIDENT, text="路灯坏了三天", category="municipal", location=location)
    return (await domain.tickets.open(request)).ticket.number


def grid_ids(options: tuple[tuple[str, str], ...]) -> list[str]:
    return [grid_id for grid_id, _ in options]


async def test_a_community_supervisor_is_offered_the_grids_of_their_community(domain: Domain) -> None:
    number = await opened(domain)  # unplaced: every supervisor's to place
    choices = await domain.tickets.dispatch_choices(number, HEDONG_SUP)
    assert choices.outcome.ok and choices.options == (("HD-01", "河东一网格"), ("HD-02", "河东二网格"))
    assert grid_ids((await domain.tickets.dispatch_choices(number, HEXI_SUP)).options) == ["HX-01"]


async def test_a_town_supervisor_and_an_admin_are_offered_every_grid_of_their_area(domain: Domain) -> None:
    number = await opened(domain)
    for key in (TOWN_SUP, ADMIN):
        assert grid_ids((await domain.tickets.dispatch_choices(number, key)).options) == ["HD-01", "HD-02", "HX-01"]


async def test_a_ticket_of_another_community_is_not_the_supervisors_to_act_on(domain: Domain) -> None:
    number = await opened(domain, HX01)
    assert (await domain.tickets.may_supervise(number, HEXI_SUP)).ok
    assert (await domain.tickets.may_supervise(number, TOWN_SUP)).ok
    assert (await domain.tickets.may_supervise(number, HEDONG_SUP)).refusal == Refusal.NOT_ALLOWED
    for choices in (await domain.tickets.dispatch_choices(number, HEDONG_SUP),
                    await domain.tickets.category_choices(number, HEDONG_SUP)):
        assert choices.outcome.refusal == Refusal.NOT_ALLOWED and choices.options == ()


async def test_nobody_but_supervisors_and_admins_may_supervise(domain: Domain) -> None:
    number = await opened(domain)
    for key in (STRANGER, WORKERS["HD-01"], RESIDENT):
        assert (await domain.tickets.may_supervise(number, key)).refusal == Refusal.NOT_ALLOWED
    assert (await domain.tickets.dispatch_choices("T20990101-0001", TOWN_SUP)).outcome.refusal == Refusal.NOT_FOUND


async def test_the_grids_offered_are_exactly_those_dispatch_accepts(domain: Domain) -> None:
    for supervisor in (HEDONG_SUP, HEXI_SUP, TOWN_SUP, ADMIN, STRANGER):
        offered = set(grid_ids((await domain.tickets.dispatch_choices(await opened(domain), supervisor)).options))
        for grid_id in WORKERS:
            outcome = await domain.tickets.dispatch(await opened(domain), supervisor, grid_id)
            assert outcome.ok == (grid_id in offered), (supervisor, grid_id, outcome)


async def test_the_categories_offered_are_all_but_the_tickets_own(domain: Domain) -> None:
    number = await opened(domain, HX01)
    choices = await domain.tickets.category_choices(number, HEXI_SUP)
    codes = [code for code, _ in choices.options]
    assert choices.outcome.ok and "municipal" not in codes
    assert sorted(codes + ["municipal"]) == sorted(domain.tickets.taxonomy.codes)
    assert ("sanitation", "环境卫生") in choices.options


async def test_admins_are_known_to_the_routing(domain: Domain) -> None:
    assert domain.tickets.routing.is_admin(ADMIN) and not domain.tickets.routing.is_admin(TOWN_SUP)


async def test_only_the_resident_who_opened_a_ticket_may_withdraw_it_while_it_is_open(domain: Domain) -> None:
    number = await opened(domain, HX01)
    ticket = await domain.tickets.get(number)
    assert ticket.may_be_cancelled_by(RESIDENT) and not ticket.may_be_cancelled_by("telegram:1002")
    await domain.tickets.cancel(number, RESIDENT)
    assert not (await domain.tickets.get(number)).may_be_cancelled_by(RESIDENT)
