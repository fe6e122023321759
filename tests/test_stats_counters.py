"""The statistics' daily counters (bot/tickets/daily.py) against the per-ticket count they replace: random
tickets moved through random changes by the store's commits (states, places, categories, ratings,
handling), then compared in every kind of scope and range; the rebuild (``gridbot tickets reindex``)
gives the same, also while tickets change under it; and a single-character board search finds
exactly the tickets whose text holds the character, from the index alone."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from redis.asyncio import Redis

from nlp.normalize import normalize

from bot.accounts.scope import Role, Scope
from bot.infra import keys
from bot.infra.clock import LOCAL_TIME
from bot.people.routing import Coverage
from bot.tickets.board import Board, BoardFilter
from bot.tickets.daily_read import counted_figures
from bot.tickets.daily_rebuild import rebuild_counters
from bot.tickets.record import Ticket
from bot.tickets.reindex import reindex
from bot.tickets.states import Status
from bot.tickets.stats import Figures, Sees, figures_by_ticket
from bot.tickets.store import Commit, TicketStore

HOUR = 3600.0
FIRST_DAY = date(2026, 11, 1)
PLACES = [("GA-1", "甲社区", "东街道"), ("GA-2", "甲社区", "东街道"), ("GB-1", "乙社区", "东街道"),
          ("GC-1", "丙社区", "西街道"), ("GC-2", "甲社区", "西街道"), (None, None, None)]
CATEGORIES = ("municipal", "sanitation", "noise", "environment")
TEXTS = ("路灯坏了不亮", "垃圾桶满了很臭", "晚上装修噪音很大", "下水道堵了发臭", "小区门口积水", "楼道灯坏")


def _ticket(rng: random.Random, n: int) -> Ticket:
    created = datetime(2026, 11, 1, tzinfo=LOCAL_TIME).timestamp() + rng.uniform(0, 20 * 24 * HOUR)
    grid, community, town = rng.choice(PLACES)
    return Ticket(number=f"T2026110{n % 9 + 1}-{n:04d}", status=Status.ASSIGNED if grid else Status.PENDING,
                  category=rng.choice(CATEGORIES), text=rng.choice(TEXTS), resident="telegram:1",
                  created_at=created, deadline_at=created + rng.choice((4, 24, 72)) * HOUR, grid_id=grid,
                  grid_name=f"{grid}网格" if grid else None, community=community, town=town)


def _changed(rng: random.Random, ticket: Ticket) -> Ticket:
    """One random step: a state, a place, a category, handling, a rating or a reopening."""
    later = ticket.created_at + rng.uniform(0, 96 * HOUR)
    roll = rng.random()
    if roll < 0.3:
        return replace(ticket, status=Status.RESOLVED, handled_at=later)
    if roll < 0.45:
        return replace(ticket, status=Status.CLOSED, handled_at=ticket.handled_at or later, rating=rng.randint(1, 5))
    if roll < 0.55:
        return replace(ticket, status=Status.ASSIGNED, rating=rng.choice((1, 2)), deadline_at=later + 24 * HOUR)
    if roll < 0.65:
        grid, community, town = rng.choice(PLACES)
        return replace(ticket, grid_id=grid, grid_name=f"{grid}网格" if grid else None, community=community, town=town)
    if roll < 0.75:
        return replace(ticket, category=rng.choice(CATEGORIES))
    if roll < 0.85:
        return replace(ticket, status=rng.choice((Status.ACCEPTED, Status.CANCELLED, Status.PENDING)))
    return replace(ticket, text=rng.choice(TEXTS))


async def _seed(store: TicketStore, count: int = 160, steps: int = 300, seed: int = 16) -> list[Ticket]:
    rng = random.Random(seed)
    tickets = []
    for n in range(count):
        committed = await store.commit(None, Commit(_ticket(rng, n)))
        assert committed is not None
        tickets.append(committed)
    for _ in range(steps):
        i = rng.randrange(count)
        committed = await store.commit(tickets[i], Commit(_changed(rng, tickets[i])))
        assert committed is not None
        tickets[i] = committed
    return tickets


def _comparable(found: Figures) -> dict[str, object]:
    def handling(groups: dict) -> dict:
        return {k: (h.due, h.on_time, h.handled) for k, h in groups.items()}

    return {"days": found.days, "total": found.total, "per_day": dict(+found.per_day),
            "by_category": dict(+found.by_category), "by_grid": dict(+found.by_grid), "grid_names": found.grid_names,
            "by_community": handling(found.by_community), "by_category_handling": handling(found.handling_by_category),
            "ratings": dict(+found.ratings)}


def _views() -> dict[str, Sees]:
    """Every kind of scope the page is read in: accounts of each level, supervisors (who also see the
    unplaced), a community named in two towns, and the page's own town / community filters."""
    town = Scope(Role.TOWN, town="东街道")
    return {
        "city": Coverage(Scope(Role.CITY), places_unplaced=False).covers,
        "town": Coverage(town, places_unplaced=False).covers,
        "town supervisor": Coverage(town).covers,
        "community": Coverage(Scope(Role.COMMUNITY, town="东街道", community="甲社区"), places_unplaced=False).covers,
        "community in any town": Coverage(Scope(Role.COMMUNITY, community="甲社区")).covers,
        "city, one community": lambda c, t: c == "乙社区",
        "nothing": lambda c, t: False,
    }


async def _assert_equal(store: TicketStore) -> None:
    base = datetime(2026, 11, 1, tzinfo=LOCAL_TIME).timestamp()
    for name, sees in _views().items():
        for first, last in ((FIRST_DAY, FIRST_DAY + timedelta(days=29)), (date(2026, 11, 5), date(2026, 11, 9))):
            for now in (base + 3 * 24 * HOUR, base + 40 * 24 * HOUR):
                counted = await counted_figures(store.redis, sees, first, last, now)
                one_by_one = await figures_by_ticket(store, sees, first, last, now)
                assert _comparable(counted) == _comparable(one_by_one), (name, first, last, now)
                for mine, theirs in ((counted.by_community, one_by_one.by_community),
                                     (counted.handling_by_category, one_by_one.handling_by_category)):
                    for group, handling in theirs.items():  # the counters keep whole milliseconds
                        assert mine[group].seconds == pytest.approx(handling.seconds, abs=0.0005 * handling.handled + 1e-9)


async def test_the_counters_equal_the_per_ticket_count_after_random_changes(redis: Redis) -> None:
    store = TicketStore(redis)
    await _seed(store)
    assert (await figures_by_ticket(store, lambda c, t: True, FIRST_DAY, FIRST_DAY + timedelta(days=29), 0.0)).total == 160
    await _assert_equal(store)


async def test_the_rebuild_gives_the_same_counters(redis: Redis) -> None:
    store = TicketStore(redis)
    await _seed(store)
    before = {key: await redis.hgetall(key) async for key in redis.scan_iter(match=keys.STATS_DAY_PATTERN)}
    async for key in redis.scan_iter(match=keys.STATS_DAY_PATTERN):
        await redis.hincrby(key, "n", 7)  # spoilt
    assert await rebuild_counters(store) == 20
    after = {key: await redis.hgetall(key) async for key in redis.scan_iter(match=keys.STATS_DAY_PATTERN)}
    strip = lambda hashes: {k: {f: v for f, v in h.items() if v != "0"} for k, h in hashes.items()}  # noqa: E731
    assert {k: v for k, v in strip(after).items() if v} == {k: v for k, v in strip(before).items() if v}
    await _assert_equal(store)


async def test_a_rebuild_while_tickets_change_ends_right(redis: Redis) -> None:
    store = TicketStore(redis)
    tickets = await _seed(store, steps=50)
    rng = random.Random(7)

    async def keep_changing() -> None:
        for _ in range(200):
            i = rng.randrange(len(tickets))
            committed = await store.commit(tickets[i], Commit(_changed(rng, tickets[i])))
            assert committed is not None
            tickets[i] = committed
            await asyncio.sleep(0)

    await asyncio.gather(reindex(store), keep_changing())
    await _assert_equal(store)


@pytest.mark.parametrize("char", ["灯", "臭", "坏", "水", "噪"])
async def test_a_single_character_is_found_in_exactly_the_texts_that_hold_it(redis: Redis, char: str) -> None:
    store = TicketStore(redis)
    tickets = await _seed(store)
    board = Board(redis)
    page = await board.page(Scope(Role.CITY), BoardFilter(text=char), page=1, per_page=200)
    holding = {t.number for t in tickets if char in normalize(t.text)}
    assert holding and {row.number for row in page.rows} == holding and page.total == len(holding)


async def test_a_filtered_boards_counts_and_overdue_are_those_of_its_tickets(redis: Redis) -> None:
    """The general query's counts per state and overdue count (one intersection with the tickets scored
    by state and deadline) against the tickets themselves, for random states, categories and times."""
    store = TicketStore(redis)
    tickets = await _seed(store)
    rng = random.Random(3)
    base = datetime(2026, 11, 1, tzinfo=LOCAL_TIME).timestamp()
    for _ in range(12):
        category, now = rng.choice(CATEGORIES), base + rng.uniform(0, 30 * 24 * HOUR)
        states = frozenset(rng.sample(list(Status), rng.randint(0, 3)))
        overdue = rng.random() < 0.5
        board = Board(redis, clock=_Fixed(now))
        page = await board.page(Scope(Role.CITY), BoardFilter(statuses=states, category=category, overdue=overdue),
                                per_page=200)
        late = lambda t, now=now: t.is_open and t.deadline_at < now  # noqa: E731
        matching = [t for t in tickets if t.category == category and (late(t) or not overdue)]
        assert page.counts == {s: sum(1 for t in matching if t.status is s) for s in Status}
        assert page.overdue == sum(1 for t in matching if late(t))
        assert {r.number for r in page.rows} == {t.number for t in matching if not states or t.status in states}


class _Fixed:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now
