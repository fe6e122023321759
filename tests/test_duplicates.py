"""A new request very like an open ticket of the same grid joins it instead of opening another."""

import pytest

from bot.texts.render import render
from bot.grids.map import Location
from bot.tickets.notifications import Kind
from bot.tickets.service import NewRequest
from tests.domain import Domain, build_domain

WORKER = "telegram:2001"
HD01 = Location("HD-01", "河东一网格", "河东社区", "新城街道", "alias", "滨河路")
HD02 = Location("HD-02", "河东二网格", "河东社区", "新城街道", "alias", "学府路")


@pytest.fixture
async def domain(redis) -> Domain:
    d = await build_domain(redis)
    await d.people.add_worker(WORKER, "HD-01", "李网格")
    return d


def request(resident: str, text: str, location: Location = HD01, category: str = "municipal") -> NewRequest:
    return NewRequest(resident, text, category, location=location)


async def test_similar_request_in_same_grid_is_linked_and_follows_updates(domain: Domain) -> None:
    first = await domain.tickets.open(request("telegram:1", "滨河路18号门口的路灯坏了，晚上很黑"))
    second = await domain.tickets.open(request("telegram:2", "滨河路18号门口路灯坏了好几天，晚上黑"))
    assert second.linked and second.ticket.number == first.ticket.number
    await domain.tickets.accept(first.ticket.number, WORKER)
    told = [(n.recipient, n.kind) for n in await domain.outbox() if n.recipient == "telegram:2"]
    assert told == [("telegram:2", Kind.LINKED), ("telegram:2", Kind.STATUS_CHANGED)]
    mine = await domain.store.list(resident="telegram:2")
    assert [t.number for t in mine] == [first.ticket.number]


async def test_only_the_resident_who_opened_it_is_asked_to_rate(domain: Domain) -> None:
    first = await domain.tickets.open(request("telegram:1", "滨河路18号门口的路灯坏了，晚上很黑"))
    await domain.tickets.open(request("telegram:2", "滨河路18号门口路灯坏了好几天，晚上黑"))
    number = first.ticket.number
    await domain.tickets.accept(number, WORKER)
    assert (await domain.tickets.resolve(number, WORKER, "已更换灯泡")).ok
    resolved = {n.recipient: render(n) for n in await domain.outbox() if n.kind == Kind.RESOLVED}
    assert resolved["telegram:1"].buttons and "打分" in resolved["telegram:1"].text
    assert not resolved["telegram:2"].buttons and "已更换灯泡" in resolved["telegram:2"].text
    assert "打分" not in resolved["telegram:2"].text


async def test_different_problem_in_same_grid_opens_its_own_ticket(domain: Domain) -> None:
    first = await domain.tickets.open(request("telegram:1", "滨河路18号门口的路灯坏了，晚上很黑"))
    second = await domain.tickets.open(request("telegram:2", "滨河路的井盖被偷了，很危险"))
    assert not second.linked and second.ticket.number != first.ticket.number


async def test_same_text_in_another_grid_is_not_linked(domain: Domain) -> None:
    await domain.tickets.open(request("telegram:1", "小区门口的路灯坏了，晚上很黑"))
    second = await domain.tickets.open(request("telegram:2", "小区门口的路灯坏了，晚上很黑", HD02))
    assert not second.linked


async def test_closed_or_old_tickets_are_not_joined(domain: Domain) -> None:
    first = await domain.tickets.open(request("telegram:1", "滨河路18号门口的路灯坏了，晚上很黑"))
    await domain.tickets.cancel(first.ticket.number, "telegram:1")
    assert not (await domain.tickets.open(request("telegram:2", "滨河路18号门口的路灯坏了，晚上很黑"))).linked
    domain.clock.advance(73 * 3600)
    assert not (await domain.tickets.open(request("telegram:3", "滨河路18号门口的路灯坏了，晚上很黑"))).linked
