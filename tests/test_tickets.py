"""The ticket life cycle on a real Redis: transitions, rules of who may act, races, audit, outbox."""

import asyncio
import re

import pytest

from bot.infra import keys
from bot.grids.map import Location
from bot.tickets.notifications import Kind, Notification
from bot.tickets.outcome import Refusal
from bot.people.directory import Level
from bot.tickets.record import NUMBER_PATTERN
from bot.tickets.states import Action, Status, TRANSITIONS
from bot.tickets.service import NewRequest
from tests.domain import Domain, build_domain

RESIDENT, OTHER_RESIDENT = "telegram:1001", "telegram:1002"
WORKER, COLLEAGUE, STRANGER = "telegram:2001", "telegram:2002", "telegram:2999"
COMMUNITY_SUP, TOWN_SUP = "telegram:3001", "telegram:3002"

HD01 = Location("HD-01", "河东一网格", "河东社区", "新城街道", "alias", "滨河路")


@pytest.fixture
async def domain(redis) -> Domain:
    d = await build_domain(redis)
    await d.people.add_worker(WORKER, "HD-01", "李网格")
    await d.people.add_worker(COLLEAGUE, "HD-01", "王网格")
    await d.people.add_worker(STRANGER, "HX-01", "赵网格")
    await d.people.add_supervisor(COMMUNITY_SUP, Level.COMMUNITY, "河东社区", "陈主任")
    await d.people.add_supervisor(TOWN_SUP, Level.TOWN, "新城街道", "周科长")
    return d


async def outbox(domain: Domain) -> list[Notification]:
    return await domain.outbox()


def request(text: str = "滨河路的路灯坏了三天", category: str = "municipal", location: Location | None = HD01,
            resident: str = RESIDENT, urgent: bool = False) -> NewRequest:
    return NewRequest(resident=resident, text=text, category=category, confidence=0.9, urgent=urgent, location=location)


async def test_ticket_numbers_follow_the_spec_and_are_unique(domain: Domain) -> None:
    numbers = [(await domain.tickets.open(request(f"第{i}个不同的问题：路灯{i}号杆不亮", location=None))).ticket.number
               for i in range(3)]
    assert all(re.fullmatch(NUMBER_PATTERN, n) for n in numbers)
    assert numbers == ["T20261124-0001", "T20261124-0002", "T20261124-0003"]


async def test_located_request_is_assigned_and_its_workers_and_resident_are_told(domain: Domain) -> None:
    ticket = (await domain.tickets.open(request())).ticket
    assert ticket.status == Status.ASSIGNED and ticket.grid_id == "HD-01"
    assert ticket.deadline_at == ticket.created_at + 72 * 3600
    sent = {(n.recipient, n.kind) for n in await outbox(domain)}
    assert sent == {(RESIDENT, Kind.TICKET_OPENED), (WORKER, Kind.NEW_TICKET), (COLLEAGUE, Kind.NEW_TICKET)}


async def test_unlocated_request_stays_pending_for_the_supervisors(domain: Domain) -> None:
    ticket = (await domain.tickets.open(request(location=None))).ticket
    assert ticket.status == Status.PENDING
    sent = {(n.recipient, n.kind) for n in await outbox(domain)}
    assert (TOWN_SUP, Kind.NEEDS_DISPATCH) in sent and (RESIDENT, Kind.TICKET_OPENED) in sent


async def test_urgent_request_has_two_hours_and_alerts_the_supervisor_at_once(domain: Domain) -> None:
    ticket = (await domain.tickets.open(request("滨河路有栋楼着火了", "safety", urgent=True))).ticket
    assert ticket.deadline_at - ticket.created_at == 2 * 3600
    sent = {(n.recipient, n.kind) for n in await outbox(domain)}
    assert {(WORKER, Kind.NEW_TICKET), (COMMUNITY_SUP, Kind.URGENT_ALERT)} <= sent


async def test_full_life_cycle_is_recorded_in_the_audit_trail(domain: Domain) -> None:
    number = (await domain.tickets.open(request())).ticket.number
    assert (await domain.tickets.accept(number, WORKER)).ok
    domain.clock.advance(3600)
    assert (await domain.tickets.resolve(number, WORKER, "已更换灯泡")).ok
    closed = await domain.tickets.rate(number, RESIDENT, 5)
    assert closed.ok and closed.ticket.status == Status.CLOSED and closed.ticket.rating == 5
    trail = await domain.store.audit(number)
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in trail] == [
        ("open", None, "assigned", RESIDENT),
        ("accept", "assigned", "accepted", WORKER),
        ("resolve", "accepted", "resolved", WORKER),
        ("close", "resolved", "closed", RESIDENT),
    ]
    assert trail[2].note == "已更换灯泡" and trail[2].at == trail[1].at + 3600
    kinds_to_resident = [n.kind for n in await outbox(domain) if n.recipient == RESIDENT]
    assert kinds_to_resident == [Kind.TICKET_OPENED, Kind.STATUS_CHANGED, Kind.RESOLVED, Kind.STATUS_CHANGED]


async def test_poor_rating_reopens_for_the_grid(domain: Domain) -> None:
    number = (await domain.tickets.open(request())).ticket.number
    await domain.tickets.accept(number, WORKER)
    await domain.tickets.resolve(number, WORKER, "处理好了")
    reopened = await domain.tickets.rate(number, RESIDENT, 2)
    assert reopened.ok and reopened.ticket.status == Status.ASSIGNED and reopened.ticket.worker is None
    told = {(n.recipient, n.kind) for n in await outbox(domain)}
    assert {(WORKER, Kind.REOPENED), (COLLEAGUE, Kind.REOPENED)} <= told
    assert (await domain.tickets.accept(number, COLLEAGUE)).ok


@pytest.mark.parametrize("stars", [0, 6, -1])
async def test_rating_outside_1_to_5_changes_nothing(domain: Domain, stars: int) -> None:
    number = (await domain.tickets.open(request())).ticket.number
    await domain.tickets.accept(number, WORKER)
    await domain.tickets.resolve(number, WORKER, "好了")
    outcome = await domain.tickets.rate(number, RESIDENT, stars)
    assert outcome.refusal == Refusal.BAD_INPUT
    assert (await domain.tickets.get(number)).status == Status.RESOLVED


async def test_second_worker_cannot_accept_taken_ticket(domain: Domain) -> None:
    number = (await domain.tickets.open(request())).ticket.number
    assert (await domain.tickets.accept(number, WORKER)).ok
    late = await domain.tickets.accept(number, COLLEAGUE)
    assert late.refusal == Refusal.TAKEN and late.detail == "李网格"


async def test_worker_of_another_grid_cannot_accept(domain: Domain) -> None:
    number = (await domain.tickets.open(request())).ticket.number
    outcome = await domain.tickets.accept(number, STRANGER)
    assert outcome.refusal == Refusal.NOT_ALLOWED
    assert (await domain.tickets.get(number)).status == Status.ASSIGNED


async def test_hundred_simultaneous_accepts_have_exactly_one_winner(domain: Domain) -> None:
    number = (await domain.tickets.open(request())).ticket.number
    workers = [f"telegram:{5000 + i}" for i in range(100)]
    for key in workers:
        await domain.people.add_worker(key, "HD-01", f"网格员{key[-3:]}")
    outcomes = await asyncio.gather(*(domain.tickets.accept(number, key) for key in workers))
    winners = [key for key, outcome in zip(workers, outcomes) if outcome.ok]
    assert len(winners) == 1
    winner_name = f"网格员{winners[0][-3:]}"
    assert all(o.refusal == Refusal.TAKEN and o.detail == winner_name for o in outcomes if not o.ok)
    assert (await domain.tickets.get(number)).worker == winners[0]
    assert len([e for e in await domain.store.audit(number) if e.action == "accept"]) == 1


async def test_return_needs_a_reason_and_goes_back_to_the_supervisors(domain: Domain) -> None:
    number = (await domain.tickets.open(request())).ticket.number
    assert (await domain.tickets.return_to_supervisor(number, WORKER, "  ")).refusal == Refusal.BAD_INPUT
    returned = await domain.tickets.return_to_supervisor(number, WORKER, "不属于本网格")
    assert returned.ok and returned.ticket.status == Status.PENDING
    told = [n for n in await outbox(domain) if n.kind == Kind.NEEDS_DISPATCH]
    assert [n.recipient for n in told] == [COMMUNITY_SUP] and told[0].data["reason"] == "不属于本网格"


async def test_supervisor_dispatches_a_returned_ticket_to_another_grid(domain: Domain) -> None:
    await domain.people.add_worker("telegram:2003", "HD-02", "孙网格")
    number = (await domain.tickets.open(request())).ticket.number
    await domain.tickets.return_to_supervisor(number, WORKER, "在学府路那边")
    assert (await domain.tickets.dispatch(number, STRANGER, "HD-02")).refusal == Refusal.NOT_ALLOWED
    assert (await domain.tickets.dispatch(number, COMMUNITY_SUP, "HX-01")).refusal == Refusal.NOT_ALLOWED
    assert (await domain.tickets.dispatch(number, COMMUNITY_SUP, "NOPE")).refusal == Refusal.BAD_INPUT
    dispatched = await domain.tickets.dispatch(number, COMMUNITY_SUP, "HD-02")
    assert dispatched.ok and dispatched.ticket.grid_id == "HD-02" and dispatched.ticket.status == Status.ASSIGNED
    assert ("telegram:2003", Kind.NEW_TICKET) in {(n.recipient, n.kind) for n in await outbox(domain)}


async def test_a_supervisor_takes_an_accepted_ticket_from_its_worker_and_sends_it_elsewhere(domain: Domain) -> None:
    await domain.people.add_worker("telegram:2003", "HD-02", "孙网格")
    number = (await domain.tickets.open(request())).ticket.number
    assert (await domain.tickets.accept(number, WORKER)).ok
    before = len(await outbox(domain))
    moved = await domain.tickets.dispatch(number, COMMUNITY_SUP, "HD-02")
    assert moved.ok and moved.ticket.status == Status.ASSIGNED
    assert moved.ticket.grid_id == "HD-02" and moved.ticket.worker is None
    told = {(n.recipient, n.kind) for n in (await outbox(domain))[before:]}
    assert {("telegram:2003", Kind.NEW_TICKET), (WORKER, Kind.REDISPATCHED)} <= told
    assert (await domain.tickets.resolve(number, WORKER, "已处理")).refusal == Refusal.NOT_ALLOWED
    assert (await domain.tickets.accept(number, "telegram:2003")).ok
    assert [e.action for e in await domain.tickets.store.audit(number)][-2:] == ["assign", "accept"]


async def test_dispatch_to_a_grid_without_workers_is_refused(domain: Domain) -> None:
    number = (await domain.tickets.open(request(location=None))).ticket.number
    outcome = await domain.tickets.dispatch(number, TOWN_SUP, "HD-02")
    assert outcome.refusal == Refusal.NO_WORKERS
    assert (await domain.tickets.get(number)).status == Status.PENDING


async def test_recategorisation_is_kept_as_a_training_label(domain: Domain) -> None:
    number = (await domain.tickets.open(request("滨河路垃圾桶满了没人收", "municipal"))).ticket.number
    assert (await domain.tickets.recategorise(number, COMMUNITY_SUP, "nonsense")).refusal == Refusal.BAD_INPUT
    assert (await domain.tickets.recategorise(number, WORKER, "sanitation")).refusal == Refusal.NOT_ALLOWED
    assert (await domain.tickets.recategorise(number, COMMUNITY_SUP, "sanitation")).ok
    import json
    label = json.loads(await domain.redis.hget(keys.corrections(), number))
    assert label == {"text": "滨河路垃圾桶满了没人收", "label": "sanitation", "by": COMMUNITY_SUP,
                     "at": label["at"], "number": number, "urgent": False}


async def test_only_the_resident_may_cancel_and_only_while_open(domain: Domain) -> None:
    number = (await domain.tickets.open(request())).ticket.number
    assert (await domain.tickets.cancel(number, OTHER_RESIDENT)).refusal == Refusal.NOT_FOUND  # not theirs: unknown
    assert (await domain.tickets.cancel(number, RESIDENT)).ticket.status == Status.CANCELLED
    assert (await domain.tickets.cancel(number, RESIDENT)).refusal == Refusal.WRONG_STATE
    assert (await domain.tickets.accept(number, WORKER)).refusal == Refusal.WRONG_STATE
    assert ({(WORKER, Kind.CANCELLED), (COLLEAGUE, Kind.CANCELLED)}
            <= {(n.recipient, n.kind) for n in await outbox(domain)})


async def test_unknown_ticket_is_not_found(domain: Domain) -> None:
    assert (await domain.tickets.accept("T20990101-0001", WORKER)).refusal == Refusal.NOT_FOUND


async def _ticket_in(domain: Domain, status: Status) -> str:
    """A ticket brought to ``status`` through legal steps."""
    number = (await domain.tickets.open(request(location=None if status == Status.PENDING else HD01))).ticket.number
    steps = {
        Status.PENDING: [], Status.ASSIGNED: [],
        Status.ACCEPTED: [("accept",)], Status.RESOLVED: [("accept",), ("resolve",)],
        Status.CLOSED: [("accept",), ("resolve",), ("close",)], Status.CANCELLED: [("cancel",)],
    }[status]
    for (step,) in steps:
        await _act(domain, Action(step), number)
    assert (await domain.tickets.get(number)).status == status
    return number


async def _act(domain: Domain, action: Action, number: str):
    t = domain.tickets
    return await {
        Action.ASSIGN: lambda: t.dispatch(number, COMMUNITY_SUP, "HD-01"),
        Action.ACCEPT: lambda: t.accept(number, WORKER),
        Action.RETURN: lambda: t.return_to_supervisor(number, WORKER, "原因"),
        Action.RESOLVE: lambda: t.resolve(number, WORKER, "已处理"),
        Action.REOPEN: lambda: t.rate(number, RESIDENT, 1),
        Action.CLOSE: lambda: t.rate(number, RESIDENT, 4),
        Action.CANCEL: lambda: t.cancel(number, RESIDENT),
        Action.CONCLUDE: lambda: t.close_with_note(number, COMMUNITY_SUP, "已结案"),
    }[action]()


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
async def test_every_action_from_every_state_follows_the_transition_table(
    domain: Domain, status: Status, action: Action
) -> None:
    number = await _ticket_in(domain, status)
    outcome = await _act(domain, action, number)
    sources, target = TRANSITIONS[action]
    after = await domain.tickets.get(number)
    if status in sources:
        assert outcome.ok, outcome
        assert after.status == target
    else:
        assert not outcome.ok
        assert after.status == status
