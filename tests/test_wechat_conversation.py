"""The resident conversation on the Official Account, message type by message type, over real HTTP:
text, voice, image then text, location (GCJ-02), the account's events and menu, typed commands."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.grids.coordinates import wgs84_to_gcj02
from bot.infra import keys
from bot.photos.store import photo_name
from tests.wechat_harness import WeChatWorld, start_wechat_world

pytestmark = pytest.mark.asyncio(loop_scope="session")

LAMP = "西正路8号门口的路灯坏了好几天，晚上黑漆漆的"
GARBAGE_NOWHERE = "我家楼下的垃圾好几天没人收了"


async def test_voice_with_recognition_is_a_request(wechat: WeChatWorld) -> None:
    fields = wechat.message(wechat.resident, "voice", MediaId="m1", Format="amr", Recognition=LAMP)
    assert (await wechat.post(fields)).text == "success"
    number = await wechat.ticket_number(wechat.resident)
    assert (await wechat.world.service.domain.tickets.get(number)).text == LAMP


async def test_voice_without_recognition_asks_to_type(wechat: WeChatWorld) -> None:
    await wechat.post(wechat.message(wechat.resident, "voice", MediaId="m1", Format="amr"))
    await wechat.sees(wechat.resident, "请用文字描述")


async def test_a_photo_waits_for_the_text_and_reaches_the_worker_with_it(wechat: WeChatWorld) -> None:
    media_id = wechat.wx.add_media()
    await wechat.post(wechat.message(wechat.resident, "image", PicUrl="http://mmbiz/x.jpg", MediaId=media_id))
    await wechat.sees(wechat.resident, "收到照片")
    await wechat.says(wechat.resident, LAMP)
    number = await wechat.ticket_number(wechat.resident)
    ticket = await wechat.world.service.domain.tickets.get(number)
    assert photo_name(ticket.photo) is not None  # kept like a web chat upload
    offer = await wechat.world.sees(wechat.world.worker, "新工单", number)
    assert offer.get("photo"), offer  # the worker gets the photo with the ticket


async def test_a_photo_wechat_will_not_give_is_explained(wechat: WeChatWorld) -> None:
    await wechat.post(wechat.message(wechat.resident, "image", PicUrl="http://mmbiz/x.jpg", MediaId="gone"))
    await wechat.sees(wechat.resident, "照片没能收下")


async def test_a_gcj02_location_answers_where_in_the_grid_it_is_in_wgs84(wechat: WeChatWorld) -> None:
    grid_map = await wechat.world.service.domain.grids.current()
    wgs_lon, wgs_lat = 113.744, 23.0405  # 55 m inside 西隅第二网格's southern edge
    gcj_lon, gcj_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
    assert grid_map.locate_point(gcj_lat, gcj_lon).grid_id == "GC-BY-01"  # unconverted: the grid next door
    await wechat.says(wechat.resident, GARBAGE_NOWHERE)
    await wechat.sees(wechat.resident, "位置")
    await wechat.post(wechat.message(wechat.resident, "location", Location_X=f"{gcj_lat:.6f}",
                                     Location_Y=f"{gcj_lon:.6f}", Scale=15, Label="莞城街道光明路"))
    number = await wechat.ticket_number(wechat.resident)
    assert (await wechat.world.service.domain.tickets.get(number)).grid_id == "GC-XY-02"


async def test_a_location_sent_first_is_the_place_of_the_next_request(wechat: WeChatWorld) -> None:
    gcj_lon, gcj_lat = wgs84_to_gcj02(113.744, 23.0405)
    await wechat.post(wechat.message(wechat.resident, "location", Location_X=str(gcj_lat), Location_Y=str(gcj_lon),
                                     Scale=15, Label="光明路"))
    await wechat.sees(wechat.resident, "收到位置")
    await wechat.says(wechat.resident, GARBAGE_NOWHERE)
    number = await wechat.ticket_number(wechat.resident)
    assert (await wechat.world.service.domain.tickets.get(number)).grid_id == "GC-XY-02"
    await wechat.sees(wechat.resident, "已按您刚才发送的位置提交")


async def test_the_location_event_is_remembered_without_an_answer(wechat: WeChatWorld) -> None:
    gcj_lon, gcj_lat = wgs84_to_gcj02(113.744, 23.0405)
    await wechat.event(wechat.resident, "LOCATION", Latitude=str(gcj_lat), Longitude=str(gcj_lon), Precision="30")
    await asyncio.sleep(0.3)
    assert wechat.received(wechat.resident) == 0
    await wechat.says(wechat.resident, GARBAGE_NOWHERE)
    number = await wechat.ticket_number(wechat.resident)
    assert (await wechat.world.service.domain.tickets.get(number)).grid_id == "GC-XY-02"


async def test_subscribing_gets_the_welcome(wechat: WeChatWorld) -> None:
    await wechat.event(wechat.resident, "subscribe", EventKey="")
    await wechat.sees(wechat.resident, "网格服务", "隐私说明", "我的工单")


async def test_the_menu_buttons(wechat: WeChatWorld) -> None:
    await wechat.says(wechat.resident, LAMP)
    number = await wechat.ticket_number(wechat.resident)
    await wechat.event(wechat.resident, "CLICK", EventKey="my_tickets")
    await wechat.sees(wechat.resident, "您的工单", number)
    await wechat.event(wechat.resident, "CLICK", EventKey="report")
    await wechat.sees(wechat.resident, "什么事", "在哪里")
    await wechat.event(wechat.resident, "CLICK", EventKey="help")
    await wechat.sees(wechat.resident, "隐私说明")


async def test_typed_commands(wechat: WeChatWorld) -> None:
    await wechat.says(wechat.resident, LAMP)
    number = await wechat.ticket_number(wechat.resident)
    for typed in ("我的工单", "/my"):
        after = wechat.received(wechat.resident)
        await wechat.says(wechat.resident, typed)
        await wechat.sees(wechat.resident, "您的工单", number, after=after)
    await wechat.says(wechat.resident, "/start")
    await wechat.sees(wechat.resident, "隐私说明")
    await wechat.says(wechat.resident, "取消")
    await wechat.sees(wechat.resident, "例如：取消 T")
    await wechat.says(wechat.resident, f"取消 {number}")
    await wechat.sees(wechat.resident, number, "已撤回")
    await wechat.says(wechat.resident, "/cancel T20990101-0001")
    await wechat.sees(wechat.resident, "找不到这个工单")


async def test_other_message_types_and_events_get_a_short_explanation(wechat: WeChatWorld) -> None:
    await wechat.post(wechat.message(wechat.resident, "video", MediaId="v1", ThumbMediaId="t1"))
    await wechat.sees(wechat.resident, "暂时只能处理文字")
    await wechat.event(wechat.resident, "SCAN", EventKey="123", Ticket="x")
    await wechat.sees(wechat.resident, "要反映问题，请直接发文字")


async def test_wechat_reports_about_its_own_sends_get_no_answer(wechat: WeChatWorld) -> None:
    await wechat.event(wechat.resident, "TEMPLATESENDJOBFINISH", Status="success", MsgID="1")
    await wechat.event(wechat.resident, "unsubscribe")
    await asyncio.sleep(0.3)
    assert wechat.received(wechat.resident) == 0


async def test_an_emergency_gets_the_numbers_at_once(wechat: WeChatWorld) -> None:
    await wechat.says(wechat.resident, "西正路8号楼道里燃气泄漏了，味道很大")
    await wechat.sees(wechat.resident, "119")
    await wechat.ticket_number(wechat.resident)


async def test_a_flood_is_not_handled_and_told_once(bot_api, wx_api, redis, redis_url: str, tmp_path: Path,
                                                     trained_models: Path) -> None:
    wechat = await start_wechat_world(bot_api, wx_api, redis_url, tmp_path / "var", trained_models,
                                      resident_messages_per_minute=2)
    try:
        for street in ("西正路", "光明路", "北正路", "可园路", "罗沙路"):
            await wechat.says(wechat.resident, f"{street}的路灯坏了好几天")
        await wechat.sees(wechat.resident, "发送得太快")
        await asyncio.sleep(0.5)
        texts = wechat.wx.texts_of(wechat.resident.key)
        assert len([t for t in texts if "太快" in t]) == 1
        assert await wechat.world.service.redis.zcard(keys.all_tickets()) == 3  # one, and a burst of 2 more
    finally:
        await wechat.close()
