"""A ticket's timeline on the console in Chinese: each step's label (派单, 接单, 退回, 改类别, 升级, 合并,
办结, 关闭), the actor by name (the account, the worker), a resident never by id."""

from __future__ import annotations

import re

from bot.people.directory import telegram_key
from bot.tickets.service import NewRequest
from tests.telegram_harness import World
from tests.console_harness import XY02, Console, opened


async def timeline_of(console: Console, number: str) -> str:
    """The ticket page's timeline as its words (tags dropped)."""
    status, page = await console.page(f"/console/tickets/{number}")
    assert status == 200
    return re.sub(r"<[^>]+>", "", page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0])


async def test_the_timeline_names_each_step_in_chinese_and_each_actor_by_name(world: World, console: Console) -> None:
    assert world.service.domain is not None
    tickets, worker = world.service.domain.tickets, telegram_key(world.worker.id)
    number = await opened(world, XY02, "西隅第二网格的垃圾堆了好几天")
    await console.login("xiyu")
    await console.page(f"/console/tickets/{number}")
    await console.post(f"/console/tickets/{number}/dispatch", {"grid": "GC-XY-01", "worker": worker})
    assert (await tickets.accept(number, worker)).ok
    assert (await tickets.return_to_supervisor(number, worker, "不在我的片区")).ok
    await console.post(f"/console/tickets/{number}/recategorise", {"category": "sanitation"})
    await console.post(f"/console/tickets/{number}/escalate", {"note": "请街道协调"})
    page = await timeline_of(console, number)
    for words in ("居民", "提交诉求", "指挥调度台 xiyu", "派单", "派至 GC-XY-01 西隅第一网格（李网格）",
                  "网格员 李网格", "接单", "退回", "不在我的片区", "改类别", "市政设施 → 环境卫生", "升级",
                  "升级至村社区：请街道协调"):
        assert words in page, words
    assert str(world.resident.id) not in page and str(world.worker.id) not in page
    assert "assign" not in page and "dispatched to" not in page


async def test_a_duplicate_shows_as_merged_and_a_rating_by_its_stars(world: World, console: Console) -> None:
    assert world.service.domain is not None
    tickets, worker = world.service.domain.tickets, telegram_key(world.worker.id)
    first = await opened(world, XY02, "西隅第二网格的垃圾堆了好几天")
    second = await opened(world, XY02, "西隅第二网格垃圾没人清")
    await console.login("xiyu")
    await console.page(f"/console/tickets/{second}")
    assert (await console.post(f"/console/tickets/{second}/link", {"into": first}))[0] == 303
    page = await timeline_of(console, second)
    assert "合并" in page and f"并入工单 {first}" in page
    await console.post(f"/console/tickets/{first}/dispatch", {"grid": "GC-XY-01", "worker": worker})
    assert (await tickets.accept(first, worker)).ok and (await tickets.resolve(first, worker, "已清运")).ok
    assert (await tickets.rate(first, f"telegram:{world.resident.id}", 5)).ok
    page = await timeline_of(console, first)
    assert "办结 · 已清运" in page and "关闭 · 居民评价 5 星" in page and str(world.resident.id) not in page


async def test_a_worker_who_reports_as_a_resident_is_shown_as_a_resident(world: World, console: Console) -> None:
    assert world.service.domain is not None
    request = NewRequest(resident=telegram_key(world.worker.id), text="我家楼下的路灯坏了", category="municipal",
                         location=XY02)
    number = (await world.service.domain.tickets.open(request)).ticket.number
    await console.login("xiyu")
    page = await timeline_of(console, number)
    assert "居民 提交诉求" in page and "李网格" not in page
