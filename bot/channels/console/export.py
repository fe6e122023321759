"""``/console/export.csv`` and ``/console/export.xlsx``: what the account may see, with the board's filters.

Rows come from :meth:`bot.tickets.board.Board.rows` in batches and go out as they come, so 100k rows
never sit in memory: CSV (UTF-8 with a BOM, so Excel reads the Chinese) and XLSX (a ZIP streamed as
it is written, bot/channels/console/xlsx.py) are written to the response batch by batch. Residents'
personal numbers come masked in the board's rows (nlp.masking), and no cell is ever run as a formula (XLSX cells are
inline strings; a CSV cell that a spreadsheet would read as one is prefixed with ').
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.accounts.scope import Scope
from bot.channels.console.params import BoardRequest, board_request
from bot.channels.console.xlsx import StreamedSheet
from bot.infra.clock import LOCAL_TIME
from bot.texts import admin as texts
from bot.texts.refusals import bad_request
from bot.tickets.board import Board, BoardRow
from nlp.natures import nature_name

RequireAccount = Callable[[web.Request], Awaitable[Scope]]
EXPORTS_AT_ONCE = 2  # per process: each one reads the whole result
CSV_FLUSH_BYTES = 64 * 1024
XLSX_BATCH = 1000
XLSX_WIDTHS = (17, 8, 10, 8, 6, 10, 14, 12, 12, 10, 17, 17, 6, 8, 60)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def add_export_routes(app: web.Application, board: Board, require_account: RequireAccount,
                      at_once: int = EXPORTS_AT_ONCE) -> None:
    """Add the two export routes; ``require_account`` answers the request's scope (or raises: 404, a
    redirect to the login page)."""
    gate = asyncio.Semaphore(at_once)

    def route(stream: Callable[[web.Request, AsyncIterator[BoardRow], str], Awaitable[web.StreamResponse]],
              suffix: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            scope = await require_account(request)
            wanted = _parsed(request)
            if gate.locked():
                raise web.HTTPTooManyRequests(text=texts.exports_busy(), headers={"Retry-After": "30"})
            async with gate:
                rows = board.rows(scope, wanted.board_filter, wanted.sort)
                try:
                    return await stream(request, rows, _filename(board, suffix))
                finally:
                    await rows.aclose()  # a client gone mid-way: the result's snapshot is deleted now
        return handler

    app.router.add_get("/console/export.csv", route(stream_csv, "csv"))
    app.router.add_get("/console/export.xlsx", route(stream_xlsx, "xlsx"))


def _parsed(request: web.Request) -> BoardRequest:
    try:
        return board_request(request.query)
    except ValueError:
        raise web.HTTPBadRequest(text=bad_request()) from None


def _filename(board: Board, suffix: str) -> str:
    return f"{texts.EXPORT_FILE_STEM}-{datetime.fromtimestamp(board.clock.now(), LOCAL_TIME):%Y%m%d-%H%M}.{suffix}"


def _attachment(filename: str, content_type: str) -> dict[str, str]:
    ascii_name = "tickets" + filename[filename.index("-"):]
    return {"Content-Type": content_type, "Cache-Control": "no-store",
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


def cells(row: BoardRow) -> list[Any]:
    """One row's cells, in :data:`bot.texts.admin.EXPORT_COLUMNS` order (times as local datetimes)."""
    return [row.number, row.status.label, row.category_name, nature_name(row.nature),
            texts.YES if row.urgent else texts.NO,
            row.grid_id or "", row.grid_name or "", row.community or "", row.town or "", row.worker_name or "",
            _local(row.created_at), _local(row.deadline_at), texts.YES if row.overdue else texts.NO,
            row.escalation_level, row.text]


def _local(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, LOCAL_TIME).replace(tzinfo=None, microsecond=0)


def _as_text(value: Any) -> Any:
    """A cell for CSV: datetimes written out, and text that would start a formula prefixed with '."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


async def stream_csv(request: web.Request, rows: AsyncIterator[BoardRow], filename: str) -> web.StreamResponse:
    """Write ``rows`` to the response as CSV, flushing every 64 KB."""
    response = web.StreamResponse(headers=_attachment(filename, "text/csv; charset=utf-8"))
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(texts.EXPORT_COLUMNS)
    async for row in rows:
        writer.writerow([_as_text(cell) for cell in cells(row)])
        if buffer.tell() >= CSV_FLUSH_BYTES:
            await response.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    await response.write(buffer.getvalue().encode("utf-8"))
    await response.write_eof()
    return response


async def stream_xlsx(request: web.Request, rows: AsyncIterator[BoardRow], filename: str) -> web.StreamResponse:
    """Write ``rows`` to the response as an XLSX workbook of one sheet, compressed batch by batch."""
    response = web.StreamResponse(headers=_attachment(
        filename, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    await response.prepare(request)
    sheet = StreamedSheet(texts.EXPORT_SHEET, XLSX_WIDTHS)
    sheet.rows([texts.EXPORT_COLUMNS])
    batch: list[list[Any]] = []
    async for row in rows:
        batch.append(cells(row))
        if len(batch) >= XLSX_BATCH:
            sheet.rows(batch)
            batch = []
            await response.write(sheet.take())
    sheet.rows(batch)
    sheet.close()
    await response.write(sheet.take())
    await response.write_eof()
    return response
