"""The console's live board over real HTTP: ``/console/events`` tells an account of the tickets in its
scope that change (opened, dispatched, closed), never of others'; its streams are capped like the web
chat's; without a session it is 401."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
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
    _, filtered = await console.page("/console?grid=GC-XY-02")
    assert 'value="GC-XY-02" selected' in filtered and '<script src="/console/static/live.js" defer>' in filtered
