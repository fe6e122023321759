"""Deadlines with a controllable clock: reminders, escalation up the hierarchy, exactly once."""

import asyncio

import pytest

from bot.grids.map import Location
from bot.tickets.notifications import Kind
from bot.people.directory import Level
from bot.tickets.states import Status
from bot.tickets.service import NewRequest
from tests.domain import Domain, build_domain

RESIDENT, WORKER = "telegram:1001", "telegram:2001"
COMMUNITY_SUP, TOWN_SUP = "telegram:3001", "telegram:3002"
HD01 = Location("HD-01", "河东一网格", "河东社区", "新城街道", "alias", "滨河路")
HOUR = 3600


@pytest.fixture
async def domain(redis) -> Domain:
    d = await build_domain(redis)
    await d.people.add_worker(WORKER, "HD-01", "李网格")
    await d.people.add_supervisor(COMMUNITY_SUP, Level.COMMUNITY, "河东社区", "陈主任")
    await d.people.add_supervisor(TOWN_SUP, Level.TOWN, "新城街道", "周科长")
    return d


async def sent(domain: Domain, kind: Kind) -> list[str]:
    return [n.recipient for n in await domain.outbox() if n.kind == kind]


async def open_noise_ticket(domain: Domain) -> str:  # noise: 24 h
    request = NewRequest(RESIDENT, "滨河路酒吧每晚唱到凌晨两点", "noise", location=HD01)
    return (await domain.tickets.open(request)).ticket.number


async def test_worker_is_reminded_once_before_the_deadline(domain: Domain) -> None:
    number = await open_noise_ticket(domain)
    scheduler = domain.scheduler()
    domain.clock.advance(19 * HOUR)
    assert await scheduler.run_once() == 0
    domain.clock.advance(1 * HOUR)  # 80% of 24 h = 19.2 h
    assert await scheduler.run_once() == 1
    assert await scheduler.run_once() == 0
    assert await sent(domain, Kind.REMINDER) == [WORKER]
    assert (await domain.tickets.get(number)).reminded


async def test_overdue_ticket_escalates_to_community_then_town(domain: Domain) -> None:
    number = await open_noise_ticket(domain)
    scheduler = domain.scheduler()
    domain.clock.advance(24 * HOUR + 1)
    await scheduler.run_once()
    assert await sent(domain, Kind.ESCALATED) == [COMMUNITY_SUP]
    assert (await domain.tickets.get(number)).escalation_level == 1
    domain.clock.advance(11 * HOUR)  # next step after half the span (12 h)
    await scheduler.run_once()
    assert await sent(domain, Kind.ESCALATED) == [COMMUNITY_SUP]
    domain.clock.advance(1 * HOUR)
    await scheduler.run_once()
    assert await sent(domain, Kind.ESCALATED) == [COMMUNITY_SUP, TOWN_SUP]
    assert await sent(domain, Kind.OVERDUE) == [WORKER, WORKER]
    domain.clock.advance(100 * HOUR)
    assert await scheduler.run_once() == 0  # the top of the hierarchy: no further step
    notes = [e.note for e in await domain.store.audit(number) if e.action == "escalate"]
    assert notes == ["overdue: escalated to community supervisor", "overdue: escalated to town supervisor"]


async def test_resolved_ticket_does_not_escalate(domain: Domain) -> None:
    number = await open_noise_ticket(domain)
    await domain.tickets.accept(number, WORKER)
    await domain.tickets.resolve(number, WORKER, "已劝停")
    domain.clock.advance(30 * HOUR)
    await domain.scheduler().run_once()
    assert await sent(domain, Kind.ESCALATED) == []


async def test_unrated_resolved_ticket_closes_after_seven_days(domain: Domain) -> None:
    number = await open_noise_ticket(domain)
    await domain.tickets.accept(number, WORKER)
    await domain.tickets.resolve(number, WORKER, "已劝停")
    domain.clock.advance(7 * 24 * HOUR + 1)
    await domain.scheduler().run_once()
    assert (await domain.tickets.get(number)).status == Status.CLOSED


async def test_two_schedulers_handle_each_due_item_exactly_once(domain: Domain) -> None:
    complaints = [  # different problems, so none is linked to another as a duplicate
        "酒吧唱歌到凌晨", "广场舞音响太大", "工地半夜打桩", "楼上天天装修电钻", "狗整夜叫个不停", "烧烤摊喇叭叫卖",
        "KTV门口有人吼", "空调外机嗡嗡响", "货车凌晨卸货砰砰", "健身房音乐震天", "麻将馆吵到两点", "发电机轰隆隆",
        "菜市场四点开始吆喝", "摩托车轰油门", "教堂钟声太早", "商场促销大喇叭", "隔壁厂房机器声", "夜宵店划拳",
        "洒水车音乐循环", "学校广播太响",
    ]
    for i, text in enumerate(complaints):
        await domain.tickets.open(NewRequest(f"telegram:{9000 + i}", f"滨河路{text}", "noise", location=HD01))
    first, second = domain.scheduler(), domain.scheduler()
    domain.clock.advance(20 * HOUR)
    handled = await asyncio.gather(first.run_once(), second.run_once(), first.run_once(), second.run_once())
    assert sum(handled) == 20
    assert len(await sent(domain, Kind.REMINDER)) == 20
    domain.clock.advance(5 * HOUR)
    handled = await asyncio.gather(first.run_once(), second.run_once())
    assert sum(handled) == 20
    assert len(await sent(domain, Kind.ESCALATED)) == 20
