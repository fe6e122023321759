"""/console/export.csv and .xlsx over real HTTP: contents, scope, filters, masking, formula safety;
and the phone / ID masker (nlp/masking.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from openpyxl import load_workbook

from bot.accounts.scope import Role, Scope
from bot.infra.clock import LOCAL_TIME
from bot.channels.console.export import add_export_routes
from bot.texts.admin import EXPORT_COLUMNS
from bot.tickets.service import NewRequest
from nlp.masking import mask_personal
from tests.board_fixtures import HD01, RESIDENT, City, seed_city

SCOPES = {"city": Scope(Role.CITY), "hedong": Scope(Role.COMMUNITY, town="新城街道", community="河东社区"),
          "hexi": Scope(Role.COMMUNITY, town="新城街道", community="河西社区")}


async def require_account(request: web.Request) -> Scope:
    """Test-only stand-in for the console's login: the scope named by a header, else 404."""
    scope = SCOPES.get(request.headers.get("X-Test-Account", ""))
    if scope is None:
        raise web.HTTPNotFound()
    return scope


@pytest.fixture
async def served(redis) -> AsyncIterator[tuple[City, str]]:
    city = await seed_city(redis)
    app = web.Application()
    add_export_routes(app, city.board, require_account)
    server = TestServer(app)
    await server.start_server()
    yield city, str(server.make_url(""))
    await server.close()


async def get(base: str, path: str, account: str | None = "city") -> tuple[int, dict[str, str], bytes]:
    headers = {"X-Test-Account": account} if account else {}
    async with aiohttp.ClientSession() as http, http.get(base + path, headers=headers) as response:
        return response.status, dict(response.headers), await response.read()


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes) -> list[list[object]]:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


async def test_csv_has_every_visible_ticket_with_masked_text(served: tuple[City, str]) -> None:
    city, base = served
    status, headers, body = await get(base, "/console/export.csv?sort=oldest")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "attachment" in headers["Content-Disposition"] and ".csv" in headers["Content-Disposition"]
    rows = csv_rows(body)
    assert rows[0] == list(EXPORT_COLUMNS)
    assert [r[0] for r in rows[1:]] == city.numbers
    second = dict(zip(EXPORT_COLUMNS, rows[2]))
    assert second["状态"] == "已派单" and second["类别"] == "环境卫生" and second["网格"] == "河东二网格"
    assert second["创建时间"] == "2026-11-24 10:00" and second["紧急"] == "否" and second["诉求性质"] == "投诉"
    assert "13812345678" not in body.decode("utf-8-sig") and "138****5678" in second["诉求内容（已脱敏）"]


async def test_exports_keep_to_the_scope_and_the_filters(served: tuple[City, str]) -> None:
    city, base = served
    _, _, body = await get(base, "/console/export.csv?q=垃圾", "hexi")
    assert len(csv_rows(body)) == 1  # the header only: 河西 has no such ticket
    _, _, body = await get(base, "/console/export.csv?q=垃圾&sort=oldest", "hedong")
    assert [r[0] for r in csv_rows(body)[1:]] == [city.numbers[1]]
    _, _, body = await get(base, "/console/export.xlsx?category=sanitation", "city")
    assert [r[0] for r in xlsx_rows(body)[1:]] == [city.numbers[3], city.numbers[1]]
    _, _, body = await get(base, "/console/export.csv?urgent=1&status=open", "hedong")
    assert [r[0] for r in csv_rows(body)[1:]] == [city.numbers[4]]


async def test_without_an_account_or_with_bad_parameters(served: tuple[City, str]) -> None:
    _, base = served
    assert (await get(base, "/console/export.csv", None))[0] == 404
    assert (await get(base, "/console/export.xlsx", None))[0] == 404
    assert (await get(base, "/console/export.csv?status=lost"))[0] == 400
    assert (await get(base, "/console/export.xlsx?from=2026-13-01"))[0] == 400
    assert (await get(base, "/console/export.csv?sort=random"))[0] == 400


async def test_xlsx_reads_back_with_types_masking_and_no_formulas(served: tuple[City, str]) -> None:
    city, base = served
    await city.domain.tickets.open(NewRequest(RESIDENT, "=HYPERLINK(\"http://x\") 身份证440101199001011234 的路灯",
                                              "municipal", 0.9, False, HD01))
    status, headers, body = await get(base, "/console/export.xlsx?q=路灯&sort=oldest")
    assert status == 200 and headers["Content-Type"].endswith("spreadsheetml.sheet")
    rows = xlsx_rows(body)
    assert tuple(rows[0]) == EXPORT_COLUMNS and [r[0] for r in rows[1:]] == [city.numbers[0], "T20261124-0006"]
    first = dict(zip(EXPORT_COLUMNS, rows[1]))
    assert first["创建时间"] == datetime(2026, 11, 24, 9, 0) and first["网格编号"] == "HD-01" and first["诉求性质"] == "求助"
    text = rows[2][-1]
    assert isinstance(text, str) and text.startswith("=HYPERLINK") and "440**************4" in text
    book = load_workbook(io.BytesIO(body))  # not read-only: each cell's type
    assert book.worksheets[0].cell(3, len(EXPORT_COLUMNS)).data_type == "s"  # text, not a formula


async def test_csv_cells_that_would_be_formulas_are_text(served: tuple[City, str]) -> None:
    city, base = served
    await city.domain.tickets.open(NewRequest(RESIDENT, "=1+1 路灯不亮", "municipal", 0.9, False, HD01))
    _, _, body = await get(base, "/console/export.csv?q=不亮")
    assert csv_rows(body)[1][-1] == "'=1+1 路灯不亮"


@pytest.mark.parametrize("text, masked", [
    ("电话13812345678", "电话138****5678"),
    ("打138 1234 5678或+86-13912345678", "打138 **** 5678或+86-139****5678"),
    ("１３８１２３４５６７８", "１３８****５６７８"),
    ("身份证44030619850612109X号", "身份证440**************X号"),
    ("老身份证440101900101123", "老身份证440***********3"),
    ("座机0769-22123456", "座机0769-******56"),
    ("工单T20261124-0007，金额1234567890123元", "工单T20261124-0007，金额1234567890123元"),
])
def test_masking(text: str, masked: str) -> None:
    assert mask_personal(text) == masked


async def test_exports_over_the_process_cap_are_told_to_wait(redis) -> None:
    city = await seed_city(redis)
    app = web.Application()
    add_export_routes(app, city.board, require_account, at_once=0)  # no export may start
    server = TestServer(app)
    await server.start_server()
    try:
        status, headers, body = await get(str(server.make_url("")), "/console/export.csv")
        assert status == 429 and headers["Retry-After"] == "30" and "稍后再试" in body.decode()
    finally:
        await server.close()


def test_board_parameters() -> None:
    from multidict import MultiDict

    from bot.channels.console.params import board_request
    from bot.tickets.board import Sort
    from bot.tickets.states import OPEN_STATUSES, Status

    asked = board_request(MultiDict([("status", "open"), ("status", "resolved"), ("from", "2026-11-24"),
                                     ("to", "2026-11-24"), ("q", " 路灯 "), ("sort", "deadline"), ("page", "3"),
                                     ("urgent", "1"), ("grid", "HD-01")]))
    f = asked.board_filter
    assert f.statuses == OPEN_STATUSES | {Status.RESOLVED} and f.text == "路灯" and f.urgent and not f.overdue
    assert f.created_from == datetime(2026, 11, 24, tzinfo=LOCAL_TIME).timestamp()
    assert f.created_to is not None and f.created_to - f.created_from == 24 * 3600  # the whole day "to"
    assert (asked.sort, asked.page, asked.per_page, f.grid_id) == (Sort.DEADLINE, 3, 50, "HD-01")
    assert board_request({}).board_filter.statuses == frozenset()
    for bad in ({"page": "0"}, {"per_page": "1000"}, {"status": "gone"}, {"to": "24/11/2026"}, {"sort": "x"}):
        with pytest.raises(ValueError):
            board_request(bad)

