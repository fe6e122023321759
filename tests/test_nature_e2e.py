"""The nature (诉求性质) end to end with the default model: a resident's complaint on Telegram reaches the
worker as 性质：投诉, /stats counts it, and the console's board filters and shows it, its statistics chart it."""

from __future__ import annotations

import re

from bot.grids.map import Location
from bot.intake.filed import FiledRequest, Filing
from bot.tickets.service import NewRequest
from tests.console_harness import XY02, Console
from tests.telegram_harness import World

COMPLAINT = "投诉西正路8号楼下的烧烤店，天天吵到凌晨两点，说了好多次都不改，实在受不了"
XY01 = Location("GC-XY-01", "西隅第一网格", "西隅社区", "莞城街道", "alias", "西正路")


async def test_the_worker_reads_the_nature_of_a_new_ticket(world: World) -> None:
    await world.says(world.resident, COMPLAINT)
    number = await world.ticket_number(world.resident)
    offer = await world.sees(world.worker, "新工单", number)
    assert "性质：投诉" in offer["text"]
    ticket = await world.service.domain.tickets.get(number)
    assert ticket is not None and ticket.nature == "complaint"


async def test_stats_count_tickets_per_nature(world: World) -> None:
    await world.says(world.resident, COMPLAINT)
    await world.ticket_number(world.resident)
    await world.says(world.admin, "/stats")
    stats = await world.sees(world.admin, "今天", "共 1 件")
    assert "按性质：投诉 1" in stats["text"]


async def test_a_request_filed_by_open311_gets_its_nature(world: World) -> None:
    assert world.service.domain is not None and world.service.models is not None
    domain = world.service.domain
    filing = Filing(world.service.models, domain.tickets, domain.grids, domain.taxonomy)
    opened = await filing.file(FiledRequest("hotline", "举报西正路有人半夜偷倒建筑垃圾，已经好几次了", address="西正路8号"))
    assert opened.ticket.nature == "report" and opened.ticket.source == "open311"


async def opened(world: World, text: str, nature: str | None, place: Location = XY02) -> str:
    assert world.service.domain is not None
    request = NewRequest(resident=f"telegram:{world.resident.id}", text=text, category="municipal", location=place,
                         nature=nature)
    return (await world.service.domain.tickets.open(request)).ticket.number


async def test_the_console_board_filters_by_nature(world: World, console: Console) -> None:
    complaint = await opened(world, "路灯报修三次都没人管", "complaint")
    help_ = await opened(world, "西隅的路灯坏了，麻烦来修一下", "help")
    await console.login("city")
    status, board = await console.page("/console")
    assert status == 200 and "<th>性质</th>" in board
    assert complaint in board and help_ in board and '<option value="complaint">投诉</option>' in board
    status, filtered = await console.page("/console?nature=complaint")
    assert status == 200 and complaint in filtered and help_ not in filtered
    assert '<option value="complaint" selected>投诉</option>' in filtered
    assert (await console.page("/console?nature=angry"))[0] == 400
    status, ticket_page = await console.page(f"/console/tickets/{complaint}")
    assert status == 200 and "<dt>性质</dt><dd>投诉</dd>" in ticket_page


async def test_the_console_statistics_chart_requests_by_nature(world: World, console: Console) -> None:
    await opened(world, "路灯报修三次都没人管", "complaint")
    await opened(world, "路灯又坏了，一直没人修，投诉", "complaint")
    await opened(world, "谢谢你们把路灯修好了", "praise")
    await console.login("city")
    status, html = await console.page("/console/stats")
    assert status == 200 and "各性质诉求量" in html
    assert re.search(r'data-label="投诉" data-value="2"', html) and re.search(r'data-label="表扬" data-value="1"', html)
