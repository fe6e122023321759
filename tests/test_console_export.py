"""The board's exports on the running console: what the account may see with the board's filters
(CSV and XLSX), linked from the board; another community asked for is 404; no session, no export."""

from __future__ import annotations

import html
import io

from openpyxl import load_workbook

from tests.console_harness import BY01, XY02, Console, opened
from tests.telegram_harness import World


async def test_an_account_exports_its_own_tickets_only(world: World, console: Console) -> None:
    ours = await opened(world, XY02, "西隅的路灯坏了")
    theirs = await opened(world, BY01, "北隅的井盖丢了")
    assert (await console.page("/console/export.csv"))[0] == 302
    await console.login("xiyu")
    _, board = await console.page("/console")
    assert 'href="/console/export.csv?status=open"' in html.unescape(board)
    async with console.http.get(f"{console.base}/console/export.csv?status=open") as response:
        assert response.status == 200 and response.content_type == "text/csv"
        text = (await response.read()).decode("utf-8-sig")
    assert ours in text and theirs not in text and "北隅" not in text
    async with console.http.get(f"{console.base}/console/export.xlsx") as response:
        assert response.status == 200
        sheet = load_workbook(io.BytesIO(await response.read()), read_only=True).active
        numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]  # type: ignore[union-attr]
    assert numbers == [ours]
    for asked in ("community=北隅社区", "town=别的街道"):
        async with console.http.get(f"{console.base}/console/export.csv?{asked}") as response:
            assert response.status == 404, asked
