"""A small city for the board's tests: five tickets over three grids of two communities, and one unplaced."""

from __future__ import annotations

from dataclasses import dataclass

from bot.accounts.scope import Role, Scope
from bot.grids.map import Location
from bot.people.directory import Level
from bot.tickets.board import Board
from bot.tickets.service import NewRequest
from tests.domain import Domain, build_domain

RESIDENT = "telegram:1001"
WORKER, WORKER_2, WORKER_X = "telegram:2001", "telegram:2002", "telegram:2003"
TOWN_SUP = "telegram:3002"
HD01 = Location("HD-01", "河东一网格", "河东社区", "新城街道", "alias", "滨河路")
HD02 = Location("HD-02", "河东二网格", "河东社区", "新城街道", "alias", "学府路")
HX01 = Location("HX-01", "河西一网格", "河西社区", "新城街道", "alias", "金沙湾小区")

CITY = Scope(Role.CITY)
TOWN = Scope(Role.TOWN, town="新城街道")
OTHER_TOWN = Scope(Role.TOWN, town="旧城街道")
HEDONG = Scope(Role.COMMUNITY, town="新城街道", community="河东社区")
HEXI = Scope(Role.COMMUNITY, town="新城街道", community="河西社区")

# (text, category, place, urgent, nature), opened an hour apart in this order
SEED = [
    ("滨河路的路灯坏了三天，晚上很黑", "municipal", HD01, False, "help"),
    ("学府路的垃圾桶满了没人清理，电话13812345678", "sanitation", HD02, False, "complaint"),
    ("金沙湾小区晚上装修噪音很大", "noise", HX01, False, "complaint"),
    ("有人在路边乱扔垃圾", "sanitation", None, False, "report"),
    ("滨河路有栋楼着火了", "safety", HD01, True, "help"),
]


@dataclass
class City:
    domain: Domain
    board: Board
    numbers: list[str]  # of SEED, in order


async def seed_city(redis: object) -> City:
    domain = await build_domain(redis)  # type: ignore[arg-type]
    await domain.people.add_worker(WORKER, "HD-01", "李网格")
    await domain.people.add_worker(WORKER_2, "HD-02", "王网格")
    await domain.people.add_worker(WORKER_X, "HX-01", "赵网格")
    await domain.people.add_supervisor(TOWN_SUP, Level.TOWN, "新城街道", "周科长")
    numbers = []
    for text, category, place, urgent, nature in SEED:
        opened = await domain.tickets.open(NewRequest(RESIDENT, text, category, 0.9, urgent, place, nature=nature))
        numbers.append(opened.ticket.number)
        domain.clock.advance(3600)
    return City(domain, Board(domain.redis, domain.taxonomy, domain.clock), numbers)
