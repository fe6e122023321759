"""One message, two problems, end to end: on Telegram (local Bot API server) and in the web chat, the
message opens a ticket per problem, each routed to its own grid's worker, and the resident gets both
numbers in one receipt and can withdraw either."""

from __future__ import annotations

import pytest

from bot.intake.conversation import Intake
from bot.people.directory import telegram_key
from bot.tickets.states import Status
from tests.telegram_harness import NUMBER, World
from tests.test_web_chat import browser
from tests.wechat_harness import WeChatWorld

pytestmark = pytest.mark.asyncio(loop_scope="session")

TWO_GRIDS = "西正路8号门口的路灯坏了好几天，晚上黑漆漆的。另外光明路18号门口的垃圾堆了三天没人收，臭得要命。"
ONE_PLACE = "西正路8号门口的路灯坏了好几天，还有门口的垃圾桶满了三天没人收"


async def test_two_problems_open_two_tickets_each_with_its_grids_worker(world: World) -> None:
    other = world.server.user("赵网格")
    await world.service.domain.people.add_worker(telegram_key(other.id), "GC-XY-02", "赵网格")
    await world.says(world.resident, TWO_GRIDS)
    receipt = await world.sees(world.resident, "2 个问题", "已分别受理")
    numbers = NUMBER.findall(receipt["text"])
    tickets = world.service.domain.tickets
    lamp, garbage = [await tickets.get(n) for n in numbers]
    assert (lamp.category, lamp.grid_id) == ("municipal", "GC-XY-01")
    assert (garbage.category, garbage.grid_id) == ("sanitation", "GC-XY-02")
    assert "光明路18号门口的垃圾" in garbage.text and "路灯" not in garbage.text
    await world.sees(world.worker, "新工单", lamp.number)
    await world.sees(other, "新工单", garbage.number)
    assert not [m for m in world.server.messages_to(other) if lamp.number in (m.get("text") or "")]
    receipts = [m for m in world.server.messages_to(world.resident) if "受理" in (m.get("text") or "")]
    assert len(receipts) == 1  # one answer with both numbers, not one per ticket


async def test_the_place_said_once_routes_both_and_one_can_be_withdrawn(world: World) -> None:
    await world.says(world.resident, ONE_PLACE)
    receipt = await world.sees(world.resident, "2 个问题")
    lamp_number, garbage_number = NUMBER.findall(receipt["text"])
    tickets = world.service.domain.tickets
    garbage = await tickets.get(garbage_number)
    assert garbage.grid_id == "GC-XY-01" and garbage.category == "sanitation"
    assert garbage.text.startswith("西正路8号：")  # its worker learns where, though the words said it once
    await world.says(world.resident, f"/cancel {garbage_number}")
    await world.sees(world.resident, garbage_number, "已撤回")
    assert (await tickets.get(garbage_number)).status == Status.CANCELLED
    assert (await tickets.get(lamp_number)).status == Status.ASSIGNED
    await world.sees(world.worker, garbage_number, "撤回")


async def test_a_redelivered_message_opens_its_parts_once(world: World) -> None:
    domain = world.service.domain
    intake = Intake(world.service.redis, world.service.models, domain.tickets, domain.grids, domain.taxonomy)
    resident = telegram_key(world.resident.id)
    first = await intake.message(resident, ONE_PLACE, request_id="telegram:9001")
    again = await intake.message(resident, ONE_PLACE, request_id="telegram:9001")
    assert len(first.parts) == 2
    assert [t.number for t in again.parts] == [t.number for t in first.parts]
    assert len(await world.service.domain.tickets.seen_by(resident, limit=10)) == 2


async def test_web_chat_two_problems_two_tickets_one_receipt_and_withdraw_one(world: World) -> None:
    other = world.server.user("赵网格")
    await world.service.domain.people.add_worker(telegram_key(other.id), "GC-XY-02", "赵网格")
    async with browser(world) as web:
        status, reply = await web.post("/api/messages", {"text": TWO_GRIDS})
        assert status == 200 and reply["kind"] == "opened"
        lamp, garbage = reply["numbers"]
        receipt = (await web.listen(1))[0]
        assert receipt["kind"] == "ticket_opened" and lamp in receipt["html"] and garbage in receipt["html"]
        await world.sees(world.worker, "新工单", lamp)
        await world.sees(other, "新工单", garbage)
        status, _ = await web.post(f"/api/tickets/{lamp}/cancel")
        assert status == 200
        async with web.http.get(f"{web.base}/api/tickets") as response:
            listed = {t["number"]: t["status"] for t in (await response.json())["tickets"]}
        assert listed == {lamp: "cancelled", garbage: "assigned"}
        await world.sees(world.worker, lamp, "撤回")
        assert not [m for m in world.server.messages_to(other) if "撤回" in (m.get("text") or "")]


async def test_wechat_two_problems_get_one_receipt_and_either_can_be_withdrawn(wechat: WeChatWorld) -> None:
    await wechat.says(wechat.resident, ONE_PLACE)
    receipt = await wechat.sees(wechat.resident, "2 个问题", "已分别受理")
    lamp, garbage = NUMBER.findall(wechat.wx.text_of(receipt))
    await wechat.world.sees(wechat.world.worker, "新工单", garbage)
    await wechat.says(wechat.resident, f"取消 {lamp}")
    await wechat.sees(wechat.resident, lamp, "已撤回")
    tickets = wechat.world.service.domain.tickets
    assert (await tickets.get(lamp)).status == Status.CANCELLED
    assert (await tickets.get(garbage)).status == Status.ASSIGNED


async def test_the_place_is_asked_once_for_both_parts(world: World) -> None:
    await world.says(world.resident, "我家楼下的路灯坏了好几天了。另外门口的垃圾堆了三天没人收，臭得要命。")
    await world.sees(world.resident, "位置")
    await world.says(world.resident, "西正路8号")
    receipt = await world.sees(world.resident, "2 个问题")
    tickets = world.service.domain.tickets
    placed = [await tickets.get(n) for n in NUMBER.findall(receipt["text"])]
    assert [(t.category, t.grid_id) for t in placed] == [("municipal", "GC-XY-01"), ("sanitation", "GC-XY-01")]


async def test_an_urgent_part_alerts_at_once_without_waiting_for_the_place(world: World) -> None:
    await world.says(world.resident, "我家楼下的路灯坏了好几天了。另外，隔壁厨房着火了，火很大，快来人！")
    await world.sees(world.resident, "119")
    receipt = await world.sees(world.resident, "2 个问题")
    tickets = world.service.domain.tickets
    lamp, fire = [await tickets.get(n) for n in NUMBER.findall(receipt["text"])]
    assert fire.urgent and not lamp.urgent and fire.category == "safety"
    await world.sees(world.supervisor, fire.number)
