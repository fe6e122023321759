"""Console accounts as actors (``console:USERNAME``) in the ticket service: one scope rule with the
Telegram/WeCom supervisors', out-of-scope tickets not found, each step in the audit under the account."""

import pytest

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts, console_key
from bot.grids.map import Location
from bot.people.directory import Level
from bot.tickets.notifications import Kind
from bot.tickets.outcome import Refusal
from bot.tickets.service import NewRequest
from bot.tickets.states import Status
from tests.domain import Domain, build_domain

RESIDENT, NEIGHBOUR = "telegram:1001", "telegram:1002"
HEDONG_SUP = "telegram:3001"
WORKERS = {"HD-01": "telegram:2001", "HD-02": "telegram:2002", "HX-01": "telegram:2003"}
HD01 = Location("HD-01", "河东一网格", "河东社区", "新城街道", "alias", "滨河路")
HX01 = Location("HX-01", "河西一网格", "河西社区", "新城街道", "alias", "西湖大道")
EAST, WEST, TOWN, CITY = console_key("east"), console_key("west"), console_key("town"), console_key("city")
PASSWORD = "a long enough password"


@pytest.fixture
async def domain(redis) -> Domain:
    d = await build_domain(redis)
    for grid_id, worker in WORKERS.items():
        await d.people.add_worker(worker, grid_id, "网格员")
    await d.people.add_supervisor(HEDONG_SUP, Level.COMMUNITY, "河东社区", "陈主任")
    accounts = Accounts(redis)
    await accounts.add("east", Scope(Role.COMMUNITY, "新城街道", "河东社区"), PASSWORD)
    await accounts.add("west", Scope(Role.COMMUNITY, "新城街道", "河西社区"), PASSWORD)
    await accounts.add("town", Scope(Role.TOWN, "新城街道"), PASSWORD)
    await accounts.add("city", Scope(Role.CITY), PASSWORD)
    return d


async def opened(domain: Domain, location: Location | None, text: str = "路灯坏了三天", resident: str = RESIDENT) -> str:
    request = NewRequest(resident=resident, text=text, category="municipal", location=location)
    return (await domain.tickets.open(request)).ticket.number


async def test_a_community_account_neither_reads_nor_steers_another_communitys_ticket(domain: Domain) -> None:
    number = await opened(domain, HX01)
    t = domain.tickets
    assert await t.visible(number, EAST) is None
    assert (await t.visible(number, WEST)).number == number and await t.visible(number, TOWN) is not None
    for outcome in (await t.recategorise(number, EAST, "sanitation"), await t.escalate(number, EAST),
                    await t.close_with_note(number, EAST, "已处理"), await t.may_supervise(number, EAST)):
        assert outcome.refusal == Refusal.NOT_FOUND and outcome.ticket is None
    assert (await t.get(number)).status == Status.ASSIGNED and (await t.get(number)).category == "municipal"


async def test_unplaced_tickets_are_the_citys_on_the_console_and_every_supervisors_on_telegram(domain: Domain) -> None:
    number = await opened(domain, None)
    assert await domain.tickets.visible(number, TOWN) is None and await domain.tickets.visible(number, EAST) is None
    assert await domain.tickets.visible(number, CITY) is not None
    assert (await domain.tickets.dispatch(number, EAST, "HD-01")).refusal == Refusal.NOT_FOUND
    assert (await domain.tickets.may_supervise(number, HEDONG_SUP)).ok  # routing sent it to them to place


async def test_a_city_account_dispatches_to_one_worker_and_the_audit_names_the_account(domain: Domain) -> None:
    number = await opened(domain, None)
    outcome = await domain.tickets.dispatch(number, CITY, "HD-01", worker=WORKERS["HD-01"])
    assert outcome.ok and outcome.ticket.status == Status.ASSIGNED and outcome.ticket.grid_id == "HD-01"
    [*_, entry] = await domain.store.audit(number)
    assert entry.actor == CITY and entry.action == "assign" and "HD-01" in entry.note
    told = [(n.recipient, n.kind) for n in await domain.outbox() if n.number == number]
    assert (WORKERS["HD-01"], Kind.NEW_TICKET) in told and (RESIDENT, Kind.STATUS_CHANGED) in told
    bad = await domain.tickets.dispatch(await opened(domain, None, "另一件事"), CITY, "HD-01", worker=WORKERS["HX-01"])
    assert bad.refusal == Refusal.BAD_INPUT and bad.detail == "worker"


async def test_a_community_account_dispatches_only_into_its_own_grids(domain: Domain) -> None:
    number = await opened(domain, HD01)
    await domain.tickets.return_to_supervisor(number, WORKERS["HD-01"], "不归我管")
    assert (await domain.tickets.dispatch(number, EAST, "HX-01")).refusal == Refusal.NOT_ALLOWED
    assert (await domain.tickets.dispatch(number, EAST, "HD-02")).ok


async def test_recategorise_escalate_close_and_link_from_the_console(domain: Domain) -> None:
    t = domain.tickets
    first = await opened(domain, HD01)
    again = await opened(domain, HD01, "学府路的井盖丢了", NEIGHBOUR)
    assert (await t.recategorise(first, EAST, "sanitation")).ok
    escalated = await t.escalate(first, EAST, "拖了很久")
    assert escalated.ok and escalated.ticket.escalation_level >= 1
    linked = await t.link_duplicate(again, EAST, first)
    assert linked.ok and linked.ticket.status == Status.CLOSED
    assert NEIGHBOUR in await domain.redis.smembers(f"gb:ticket:{first}:followers")
    assert (await t.close_with_note(first, EAST, "  ")).refusal == Refusal.BAD_INPUT
    closed = await t.close_with_note(first, EAST, "已协调处理")
    assert closed.ok and closed.ticket.status == Status.CLOSED and closed.ticket.result_note == "已协调处理"
    actions = [(e.actor, e.action) for e in await domain.store.audit(first)]
    assert [(EAST, "recategorise"), (EAST, "escalate"), (EAST, "conclude")] == [a for a in actions if a[0] == EAST]


async def test_a_disabled_account_may_do_nothing(domain: Domain) -> None:
    number = await opened(domain, HD01)
    await Accounts(domain.redis).disable("east")
    assert await domain.tickets.visible(number, EAST) is None
    assert (await domain.tickets.recategorise(number, EAST, "sanitation")).refusal == Refusal.NOT_FOUND
