"""The console's live board over real HTTP: ``/console/events`` tells an account of the tickets in its
scope that change (opened, dispatched, closed), never of others'; its streams are capped like the web
chat's; without a session it is 401."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from bot.channels.console.live import ConsoleListeners
from bot.people.routing import Coverage
from bot.tickets.changes import TicketChange
from tests.console_harness import BY01, PASSWORD, XY02, Console, opened
from tests.telegram_harness import World


async def next_change(response: aiohttp.ClientResponse, timeout: float = 8.0) -> list[str]:
    """The numbers of the next ``change`` event on an open event stream."""
    event = ""
    async with asyncio.timeout(timeout):
        while line := (await response.content.readline()).decode():
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: ") and event == "change":
                return list(json.loads(line[6:])["numbers"])
    raise AssertionError("the stream ended")


async def test_an_account_hears_of_changes_in_its_scope_only(world: World, console: Console) -> None:
    await Accounts(world.service.redis).add("beiyu", Scope(Role.COMMUNITY, "莞城街道", "北隅社区"), PASSWORD)
    await console.login("xiyu")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other_http:
        beiyu = Console(other_http, console.base)
        await beiyu.login("beiyu")
        async with console.http.get(console.base + "/console/events") as xiyu_events, \
                other_http.get(console.base + "/console/events") as beiyu_events:
            assert xiyu_events.status == 200 and xiyu_events.headers["Content-Type"] == "text/event-stream"
            theirs = await opened(world, BY01, "北隅的井盖丢了")
            ours = await opened(world, XY02, "西隅的路灯坏了")
            assert await next_change(xiyu_events) == [ours]  # 北隅's ticket never reaches xiyu
            assert await next_change(beiyu_events) == [theirs]
            await console.page(f"/console/tickets/{ours}")
            await console.post(f"/console/tickets/{ours}/close", {"note": "已修好"})
            assert await next_change(xiyu_events) == [ours]
            await beiyu.page(f"/console/tickets/{theirs}")
            await beiyu.post(f"/console/tickets/{theirs}/dispatch", {"grid": "GC-BY-01", "worker": ""})
            another = await opened(world, XY02, "西隅的垃圾桶满了")
            assert await next_change(xiyu_events) == [another]  # not the dispatch of 北隅's ticket


async def test_event_streams_are_capped_per_session_and_need_a_session(world: World, console: Console) -> None:
    async with console.http.get(console.base + "/console/events") as response:
        assert response.status == 401
    await console.login("xiyu")
    cap = world.service.settings.web_event_streams_per_session
    streams = [await console.http.get(console.base + "/console/events") for _ in range(cap)]
    try:
        assert {s.status for s in streams} == {200}
        async with console.http.get(console.base + "/console/events") as refused:
            assert refused.status == 429
    finally:
        for stream in streams:
            stream.close()


async def test_the_board_shows_its_counts_and_a_list_of_the_grids_in_scope(world: World, console: Console) -> None:
    for text in ("西隅的路灯坏了", "西隅的井盖丢了"):
        await opened(world, XY02, text)
    await opened(world, BY01, "北隅的井盖丢了")
    await console.login("xiyu")
    status, board = await console.page("/console")
    assert status == 200 and '<li data-state="pending">' in board
    assert '待派单 <b>2</b>' in board and '已派单 <b>0</b>' in board
    assert '<option value="GC-XY-01">' in board and '<option value="GC-XY-02">' in board
    assert "GC-BY-01" not in board and "北隅第一网格" not in board
    assert (await console.page("/console?status=bogus"))[0] == 400
    _, pending = await console.page("/console?status=pending&q=井盖")
    assert "西隅的井盖丢了" in pending and "西隅的路灯坏了" not in pending and "北隅" not in pending
    _, filtered = await console.page("/console?grid=GC-XY-02")
    assert 'value="GC-XY-02" selected' in filtered and '<script src="/console/static/live.js" defer>' in filtered


async def test_an_open_stream_ends_when_the_account_is_disabled(world: World, console: Console,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.channels.console.live.KEEP_ALIVE_SECONDS", 0.05)  # a session check every 0.2 s
    await console.login("xiyu")
    async with console.http.get(console.base + "/console/events") as events:
        assert events.status == 200
        await Accounts(world.service.redis).disable("xiyu")
        async with asyncio.timeout(5):
            while await events.content.readline():
                pass  # keep-alives, then the end


def test_listeners_hear_where_a_ticket_was_or_is_and_refresh_after_a_lost_subscription() -> None:
    listeners = ConsoleListeners()
    xiyu = listeners.add(Coverage(Scope(Role.COMMUNITY, "莞城街道", "西隅社区"), places_unplaced=False))
    town = listeners.add(Coverage(Scope(Role.TOWN, "莞城街道"), places_unplaced=False))
    listeners.tell(TicketChange("A", (("北隅社区", "莞城街道"),)))
    listeners.tell(TicketChange("U", ((None, None),)))  # unplaced: the city's only
    assert xiyu.take() is None and town.take() == ["A"]
    listeners.tell(TicketChange("B", (("北隅社区", "莞城街道"), ("西隅社区", "莞城街道"))))  # moved to 北隅
    assert xiyu.take() == ["B"] and town.take() == ["B"]
    listeners.remove(town)
    listeners.tell_all()
    assert xiyu.take() == [] and xiyu.take() is None and not town.woken.is_set()
