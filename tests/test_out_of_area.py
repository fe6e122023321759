"""A shared location far outside the map: the resident is told where the service works, on Telegram and on
the web, and the request keeps waiting for a place instead of opening as an unplaced ticket."""

from __future__ import annotations

import pytest

from tests.botapi.client import reply_keyboard
from tests.telegram_harness import World
from tests.test_web_chat import browser

pytestmark = pytest.mark.asyncio(loop_scope="session")

BEIJING = (39.9087, 116.3975)  # lat, lon: some 1,900 km from the demo map of 莞城街道
LAMP = "我家楼下的路灯坏了好几天了"


async def point_in(world: World, grid_id: str) -> tuple[float, float]:
    point = (await world.service.domain.grids.current()).get(grid_id).geometry.representative_point()
    return point.y, point.x


async def test_telegram_location_far_outside_the_map_is_told_the_service_area(world: World) -> None:
    await world.says(world.resident, LAMP)
    await world.sees(world.resident, "位置")
    await world.server.send_location(world.resident, *BEIJING)
    told = await world.sees(world.resident, "您发送的位置不在本服务区域内（本服务覆盖：莞城街道）")
    assert {"text": "发送位置", "request_location": True} in reply_keyboard(told)

    await world.server.send_location(world.resident, *await point_in(world, "GC-XY-01"))  # the request still waits
    number = await world.ticket_number(world.resident)
    ticket = await world.service.domain.tickets.get(number)
    assert (ticket.grid_id, ticket.text) == ("GC-XY-01", LAMP)
    assert await world.service.domain.store.list(resident=ticket.resident) == [ticket]  # one ticket, not two


async def test_telegram_location_just_outside_a_grid_still_goes_to_a_supervisor(world: World) -> None:
    await world.says(world.resident, LAMP)
    await world.sees(world.resident, "位置")
    await world.server.send_location(world.resident, 23.045, 113.773)  # 300 m east of the map's edge
    opened = await world.sees(world.resident, "已受理", "待指挥中心派单")
    assert "不在本服务区域内" not in opened["text"]


async def test_web_location_far_outside_the_map_is_told_the_service_area(world: World) -> None:
    async with browser(world) as web:
        assert (await web.post("/api/messages", {"text": LAMP}))[1]["kind"] == "ask_location"
        status, reply = await web.post("/api/location", {"lat": BEIJING[0], "lon": BEIJING[1]})
        assert status == 200 and reply["kind"] == "out_of_area" and "number" not in reply
        assert reply["question"].startswith("您发送的位置不在本服务区域内（本服务覆盖：莞城街道）")
        lat, lon = await point_in(world, "GC-XY-02")
        reply = (await web.post("/api/location", {"lat": lat, "lon": lon}))[1]
        assert reply["kind"] == "opened"
        assert (await world.service.domain.tickets.get(reply["number"])).grid_id == "GC-XY-02"
