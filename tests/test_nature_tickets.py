"""The nature (诉求性质) on tickets: kept by the ticket, in the board's filter and column, in /stats and the
console's statistics, and through a reindex."""

from __future__ import annotations

from datetime import datetime, timedelta

from redis.asyncio import Redis

from bot.accounts.scope import Role, Scope
from bot.grids.map import Location
from bot.infra import keys
from bot.infra.clock import LOCAL_TIME
from bot.tickets.board import Board, BoardFilter
from bot.tickets.reindex import reindex
from bot.tickets.daily_read import counted_figures
from bot.tickets.stats import collect, figures_by_ticket
from bot.texts import admin as admin_texts
from bot.texts import staff as staff_texts
from bot.tickets.service import NewRequest
from tests.domain import Domain, build_domain

HD01 = Location("HD-01", "河东一网格", "河东社区", "新城街道", "alias", "滨河路")
CITY = Scope(Role.CITY)
# (text, category, nature), in the order opened
OPENED = [
    ("滨河路的路灯坏了三天，晚上很黑", "municipal", "help"),
    ("投诉滨河路的烧烤摊天天吵到凌晨", "noise", "complaint"),
    ("举报滨河路有人偷倒建筑垃圾", "sanitation", "report"),
    ("滨河路垃圾桶满了没人管，投诉了好几次", "sanitation", "complaint"),
    ("滨河路井盖丢了", "municipal", None),  # a model without natures
]


async def open_all(domain: Domain) -> list[str]:
    numbers = []
    for text, category, nature in OPENED:
        request = NewRequest("telegram:1001", text, category, 0.9, location=HD01, nature=nature)
        numbers.append((await domain.tickets.open(request)).ticket.number)
        domain.clock.advance(600)
    return numbers


async def test_the_ticket_keeps_the_nature_it_opened_with(redis: Redis) -> None:
    domain = await build_domain(redis)
    numbers = await open_all(domain)
    assert [(await domain.tickets.get(n)).nature for n in numbers] == [nature for _, _, nature in OPENED]


async def test_the_board_filters_by_nature_and_shows_it(redis: Redis) -> None:
    domain = await build_domain(redis)
    numbers = await open_all(domain)
    board = Board(domain.redis, domain.taxonomy, domain.clock)
    complaints = await board.page(CITY, BoardFilter(nature="complaint"), per_page=50)
    assert sorted(row.number for row in complaints.rows) == [numbers[1], numbers[3]]
    assert {row.nature for row in complaints.rows} == {"complaint"}
    both = await board.page(CITY, BoardFilter(nature="complaint", category="sanitation"))
    assert [row.number for row in both.rows] == [numbers[3]]
    assert (await board.page(CITY, BoardFilter(nature="praise"))).total == 0
    everything = await board.page(CITY, BoardFilter())
    assert {row.number: row.nature for row in everything.rows}[numbers[4]] is None


async def test_the_nature_index_is_rebuilt_by_a_reindex(redis: Redis) -> None:
    domain = await build_domain(redis)
    numbers = await open_all(domain)
    await redis.delete(*[key async for key in redis.scan_iter(keys.by_nature("*"))])
    board = Board(domain.redis, domain.taxonomy, domain.clock)
    assert (await board.page(CITY, BoardFilter(nature="report"))).total == 0
    await reindex(domain.store)
    assert [row.number for row in (await board.page(CITY, BoardFilter(nature="report"))).rows] == [numbers[2]]


async def test_stats_count_tickets_per_nature(redis: Redis) -> None:
    domain = await build_domain(redis)
    await open_all(domain)
    stats = await collect(domain.store, domain.clock)
    assert stats.today.by_nature == {"help": 1, "complaint": 2, "report": 1, "": 1}
    text = admin_texts.stats(stats)
    assert "按性质：投诉 2、求助 1、举报 1、未识别 1" in text
    today = datetime.fromtimestamp(domain.clock.now(), LOCAL_TIME).date()
    everywhere = lambda community, town: True  # noqa: E731
    for found in (await figures_by_ticket(domain.store, everywhere, today - timedelta(days=1), today, domain.clock.now()),
                  await counted_figures(domain.redis, everywhere, today - timedelta(days=1), today, domain.clock.now())):
        assert found.by_nature == {"help": 1, "complaint": 2, "report": 1, "": 1}  # the console's counters agree


def test_workers_and_supervisors_read_the_nature_after_the_category() -> None:
    data = {"category_name": "噪音扰民", "nature_name": "投诉", "text": "太吵了", "deadline_at": 0.0}
    assert "类别：噪音扰民\n性质：投诉\n内容：太吵了" in staff_texts.new_ticket("T20261124-0001", data)
    assert "性质：投诉" in staff_texts.needs_dispatch("T20261124-0001", data)
    assert "性质：投诉" in staff_texts.escalated("T20261124-0001", data)
    assert "性质" not in staff_texts.new_ticket("T20261124-0001", {**data, "nature_name": ""})
