"""The dispatch console over real HTTP on a running gridbot (real Redis, the local Bot API server):
login, throttling, CSRF, session expiry, disabled accounts, scope as 404, and a dispatch reaching the
worker on Telegram with the account's name in the ticket's timeline."""

from __future__ import annotations

import asyncio

import yarl

from bot.accounts.store import Accounts
from bot.infra import keys
from tests.console_harness import BY01, PASSWORD, XY01, XY02, Console, opened
from tests.telegram_harness import World


async def test_a_good_login_opens_the_board_and_a_bad_one_is_refused(console: Console) -> None:
    assert await console.page("/console") == (302, "/console/login")
    async with console.http.get(console.base + "/console", headers={"Accept": "application/json"}) as response:
        assert response.status == 401
    status, text = await console.login("xiyu", "wrong password!")
    assert status == 401 and "用户名或密码错误" in text
    assert await console.login("XiYu") == (303, "/console")
    cookie = next(c for c in console.http.cookie_jar if c.key == "gb_console")
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/console"
    status, text = await console.page("/console")
    assert status == 200 and "xiyu" in text and "工单看板" in text and "西隅社区" in text


async def test_the_session_token_is_rotated_at_login_and_ends_at_logout(world: World, console: Console) -> None:
    await console.login("xiyu")
    first = next(c.value for c in console.http.cookie_jar if c.key == "gb_console")
    console.http.cookie_jar.update_cookies({"gb_console_login": "known"}, response_url=yarl.URL(console.base + "/console"))
    console.csrf = "known"  # a second login while the first session lives (another tab)
    assert await console.post("/console/login", {"username": "xiyu", "password": PASSWORD}) == (303, "/console")
    second = next(c.value for c in console.http.cookie_jar if c.key == "gb_console")
    assert first != second and not await world.service.redis.exists(keys.console_session(first))
    await console.page("/console")
    assert await console.post("/console/logout", {}) == (303, "/console/login")
    assert await console.page("/console") == (302, "/console/login")
    assert not await world.service.redis.exists(keys.console_session(second))


async def test_failed_logins_are_throttled_per_username_with_429(console: Console) -> None:
    for _ in range(5):
        assert (await console.login("xiyu", "not the password"))[0] == 401
    status, text = await console.login("xiyu")  # even the right password: the name is throttled
    assert status == 429 and "登录尝试过于频繁" in text


async def test_only_failed_logins_count_and_a_success_clears_none_of_them(console: Console) -> None:
    for _ in range(7):  # more good logins than the limit of failures (each from a new browser)
        console.http.cookie_jar.clear()
        assert await console.login("xiyu") == (303, "/console")
    console.http.cookie_jar.clear()
    for _ in range(4):
        assert (await console.login("xiyu", "not the password"))[0] == 401
    assert await console.login("xiyu") == (303, "/console")  # the owner logs in meanwhile...
    console.http.cookie_jar.clear()
    assert (await console.login("xiyu", "not the password"))[0] == 401  # ...the attacker's 5th failure
    assert (await console.login("xiyu"))[0] == 429


async def test_failed_logins_from_one_ip_are_throttled_whatever_the_username(console: Console) -> None:
    for n in range(20):
        assert (await console.login(f"nobody{n}", "not the password"))[0] == 401
    assert (await console.login("city"))[0] == 429


async def test_failed_logins_sent_at_once_cannot_pass_the_limit_together(console: Console) -> None:
    await console.page("/console/login")
    statuses = await asyncio.gather(*(console.post("/console/login", {"username": "xiyu", "password": "wrong!"})
                                      for _ in range(12)))
    assert sorted(status for status, _ in statuses) == [401] * 5 + [429] * 7


async def test_a_post_without_the_csrf_token_is_403(world: World, console: Console) -> None:
    number = await opened(world, XY02)
    await console.page("/console/login")
    assert (await console.post("/console/login", {"username": "xiyu", "password": PASSWORD}, csrf=False))[0] == 403
    await console.login("xiyu")
    status, _ = await console.post(f"/console/tickets/{number}/close", {"note": "已处理"}, csrf=False)
    assert status == 403
    assert world.service.domain is not None and (await world.service.domain.tickets.get(number)).is_open


async def test_sessions_end_when_idle_past_their_absolute_end_and_when_the_account_is_disabled(
        world: World, console: Console) -> None:
    redis = world.service.redis
    await console.login("xiyu")
    token = next(c.value for c in console.http.cookie_jar if c.key == "gb_console")
    await redis.hset(keys.console_session(token), "ends", "1")  # 7 days after login, long ago
    assert await console.page("/console") == (302, "/console/login")
    await console.login("xiyu")
    token = next(c.value for c in console.http.cookie_jar if c.key == "gb_console")
    await redis.expire(keys.console_session(token), 1)  # what 8 hours unused leave
    await asyncio.sleep(1.2)
    assert await console.page("/console") == (302, "/console/login")
    await console.login("xiyu")
    assert (await console.page("/console"))[0] == 200
    await Accounts(redis).disable("xiyu")
    assert await console.page("/console") == (302, "/console/login")
    assert (await console.login("xiyu"))[0] == 401


async def test_another_communitys_ticket_is_404_by_every_route(world: World, console: Console) -> None:
    theirs = await opened(world, BY01, "北隅的井盖丢了")
    ours = await opened(world, XY02, "西隅的路灯坏了")
    await console.login("xiyu")
    status, board = await console.page("/console")
    assert ours in board and theirs not in board and "北隅的井盖丢了" not in board
    assert f"/console/tickets/{theirs}" not in (await console.page(f"/console?q={theirs}"))[1]
    assert (await console.page(f"/console/tickets/{theirs}"))[0] == 404
    assert (await console.page(f"/console/tickets/{theirs}/photos/ticket"))[0] == 404
    for action, form in (("dispatch", {"grid": "GC-XY-01"}), ("recategorise", {"category": "sanitation"}),
                         ("escalate", {}), ("close", {"note": "x"}), ("link", {"into": ours})):
        assert (await console.post(f"/console/tickets/{theirs}/{action}", form))[0] == 404
    assert (await console.post(f"/console/tickets/{ours}/link", {"into": theirs}))[0] == 303
    assert world.service.domain is not None
    assert (await world.service.domain.tickets.get(theirs)).is_open and (await world.service.domain.tickets.get(ours)).is_open


async def test_a_dispatch_from_the_console_reaches_the_worker_and_shows_under_the_accounts_name(
        world: World, console: Console) -> None:
    number = await opened(world, XY02, "西隅第二网格的垃圾堆了好几天")  # GC-XY-02 has no worker: pending
    await console.login("xiyu")
    status, page = await console.page(f"/console/tickets/{number}")
    assert status == 200 and "西隅第二网格的垃圾堆了好几天" in page and "GC-XY-01" in page
    status, location = await console.post(f"/console/tickets/{number}/dispatch", {"grid": "GC-XY-01", "worker": ""})
    assert status == 303 and location.startswith(f"/console/tickets/{number}?done=")
    await world.sees(world.worker, number)
    status, page = await console.page(location)
    assert "已完成" in page and "指挥调度台 xiyu" in page and "派至 GC-XY-01" in page


async def test_a_ticket_taken_from_its_worker_or_escalated_on_the_console_is_told_to_the_workers(
        world: World, console: Console) -> None:
    assert world.service.domain is not None
    tickets = world.service.domain.tickets
    number = await opened(world, XY01, "西隅第一网格的井盖松了")
    await world.sees(world.worker, number)
    assert (await tickets.accept(number, f"telegram:{world.worker.id}")).ok
    await console.login("xiyu")
    await console.page(f"/console/tickets/{number}")
    status, _ = await console.post(f"/console/tickets/{number}/escalate", {"note": "请街道协调"})
    assert status == 303
    await world.sees(world.worker, number, "上报至", "请继续处理")
    colleague = f"telegram:{world.colleague.id}"
    status, _ = await console.post(f"/console/tickets/{number}/dispatch", {"grid": "GC-XY-01", "worker": colleague})
    assert status == 303
    await world.sees(world.worker, number, "已由指挥中心改派")
    await world.sees(world.colleague, number, "井盖松了")
    moved = await tickets.get(number)
    assert moved is not None and moved.worker is None and moved.status.value == "assigned"
    assert (await tickets.accept(number, colleague)).ok
