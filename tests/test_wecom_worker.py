"""A grid worker on WeCom: the ticket card, 接单 / 退回 / 办结 from it, the reason and the result as the
next messages, /join and /tasks — over real HTTP, against the local WeCom API server."""

from __future__ import annotations

import pytest

from bot.infra import keys
from bot.people.directory import wecom_key
from bot.tickets.states import Status
from tests.botapi.media import TINY_JPEG
from tests.telegram_harness import NUMBER
from tests.wecom_harness import LAMP, World
from tests.wxapi.reading import text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")


def button_keys(card: dict) -> list[str]:
    return [b["key"] for b in card["card"]["button_list"]]


async def test_a_new_ticket_arrives_as_a_card_with_the_three_keys(wecom_world: World) -> None:
    world = wecom_world
    number = await world.open_ticket()
    card = await world.card(world.worker, "新工单", number)
    assert button_keys(card) == [f"accept:{number}", f"return:{number}"]
    assert card["card"]["card_type"] == "button_interaction"
    assert "路灯坏了" in text_of(card) and "市政设施" in text_of(card)
    await world.presses(world.worker, card, f"accept:{number}")
    accepted = await world.wx.wait_until(lambda: card["updates"] and card, what="the card updated")
    assert button_keys(accepted) == [f"resolve:{number}", f"return:{number}"]
    assert world.service.redis is not None
    assert await world.service.redis.exists(keys.wecom_card(number, world.worker.key))  # the send's response code


async def test_accept_resolve_with_a_photo_and_a_note_reaches_the_resident(wecom_world: World) -> None:
    world = wecom_world
    number = await world.open_ticket()
    card = await world.card(world.worker, "新工单", number)
    await world.presses(world.worker, card, f"accept:{number}")
    await world.resident_sees(number, "已接单", "李四")
    await world.wx.wait_until(lambda: card["updates"], what="the card updated")
    assert "处理中" in text_of(card)

    await world.presses(world.worker, card, f"resolve:{number}")
    await world.hears(world.worker, "处理结果", number)
    media_id = world.wx.add_media()
    assert (await world.worker.image(media_id)).ok
    await world.hears(world.worker, "已收到", "照片", number)
    assert (await world.worker.text("已更换灯泡，恢复照明")).ok
    await world.hears(world.worker, number, "已办结")
    done = await world.resident_sees(number, "已办结", "已更换灯泡")
    assert "photo" in done  # the worker's photo reaches the resident
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.RESOLVED and ticket.worker == world.worker.key
    assert ticket.result_photo and ticket.result_photo.startswith("web:")
    assert "已办结" in text_of(card) and card["replace_name"] == "已办结"


async def test_resolve_with_a_note_alone_and_a_command_gives_a_step_up(wecom_world: World) -> None:
    world = wecom_world
    number = await world.open_ticket()
    card = await world.accepts(world.worker, number)
    await world.presses(world.worker, card, f"resolve:{number}")
    await world.hears(world.worker, "处理结果", number)
    await world.worker.text("/tasks")  # a command instead of the note: the step is given up
    await world.hears(world.worker, "已放弃", number)
    assert (await world.service.domain.tickets.get(number)).status == Status.ACCEPTED

    await world.presses(world.worker, card, f"resolve:{number}")
    seen = len(world.wx.sent(world.worker.key))
    await world.worker.text("  ")  # an empty note is asked for again
    await world.hears(world.worker, "处理结果", number, after=seen)
    await world.worker.text("已清理")
    await world.resident_sees(number, "已办结", "已清理")
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.RESOLVED and ticket.result_photo is None


async def test_return_with_a_reason_goes_to_the_supervisor(wecom_world: World) -> None:
    world = wecom_world
    number = await world.open_ticket()
    card = await world.card(world.worker, "新工单", number)
    await world.presses(world.worker, card, f"return:{number}")
    await world.hears(world.worker, "退回", "原因", number)
    await world.worker.text("不属于本网格，是隔壁小区的")
    await world.hears(world.worker, number, "已退回")
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.PENDING and ticket.return_reason == "不属于本网格，是隔壁小区的"
    assert card["replace_name"] == "已退回"
    supervisor_card = await world.card(world.supervisor, "待派单", number, "隔壁小区")
    assert button_keys(supervisor_card) == [f"dispatch:{number}", f"recategorise:{number}"]


async def test_a_press_by_someone_else_changes_nothing(wecom_world: World) -> None:
    world = wecom_world
    number = await world.open_ticket()
    card = await world.card(world.worker, "新工单", number)
    # zhaoliu is in the app, but no worker of this grid: he posts the key of lisi's card
    assert (await world.stranger.card_event(f"accept:{number}", card["task_id"], "forged-code")).ok
    await world.hears(world.stranger, number, "不属于您")
    await world.stranger.card_event(f"resolve:{number}", card["task_id"], "forged-code")
    await world.hears(world.stranger, number, "不属于您", after=1)
    assert (await world.service.domain.tickets.get(number)).status == Status.ASSIGNED
    assert card["updates"] == [] and world.wx.card_updates == []


@pytest.mark.parametrize("key", ["accept:T20261124-0001:x:y", "delete:{number}", "accept:{number}x",
                                 "accept:../../etc", "dispatch:{number}:../GC", "rate:{number}:5", ""])
async def test_a_forged_key_changes_nothing(wecom_world: World, key: str) -> None:
    world = wecom_world
    number = await world.open_ticket()
    card = await world.card(world.worker, "新工单", number)
    assert (await world.worker.card_event(key.format(number=number), card["task_id"], "code")).ok
    await world.hears(world.worker, "按钮已失效")
    assert (await world.service.domain.tickets.get(number)).status == Status.ASSIGNED
    assert world.wx.card_updates == []


async def test_join_by_wecom_text_binds_the_member_to_the_grid(wecom_world: World) -> None:
    world = wecom_world
    people = world.service.domain.people
    code = await people.create_invite("GC-XY-02")
    assert (await world.stranger.text(f"加入 {code.lower()}")).ok
    await world.hears(world.stranger, "绑定成功", "GC-XY-02")
    assert (await people.get_worker(wecom_key("ZhaoLiu"))).grids == ("GC-XY-02",)
    await world.stranger.text(f"/join {code}")  # used once
    await world.hears(world.stranger, "邀请码无效")
    await world.stranger.text("你好")
    await world.hears(world.stranger, "/tasks")  # what this app does


async def test_tasks_lists_the_members_open_tickets(wecom_world: World) -> None:
    world = wecom_world
    first = await world.open_ticket()
    second = await world.open_ticket("西正路8号楼下垃圾堆了三天没人收", category="sanitation")
    await world.worker.text("任务")
    listing = await world.hears(world.worker, "待办工单")
    assert first in text_of(listing) and second in text_of(listing)
    assert "<b>" not in text_of(listing)  # WeCom texts are plain


async def test_a_reminder_comes_as_a_card_to_act_on(wecom_world: World) -> None:
    world = wecom_world
    number = await world.open_ticket()
    await world.accepts(world.worker, number)
    world.clock.advance(0.85 * 72 * 3600)  # past 80 % of the 72 hours
    reminder = await world.card(world.worker, "即将到期", number, timeout=10)
    assert button_keys(reminder) == [f"resolve:{number}", f"return:{number}"]  # it is in hand already


async def test_the_tickets_photo_is_a_signed_staff_link_on_the_card(wecom_world: World) -> None:
    world = wecom_world
    stored = await world.service_photos().save(TINY_JPEG)
    number = await world.open_ticket(photo=stored.reference)
    card = await world.card(world.worker, "新工单", number)
    [photo] = [item for item in card["card"]["horizontal_content_list"] if item.get("type") == 1]
    assert photo["keyname"] == "照片" and "/photos/" in photo["url"] and "sig=" in photo["url"]
    path = photo["url"].split("/", 3)[3]
    async with world.session.get(f"http://127.0.0.1:{world.service.http_port}/{path}") as response:
        assert response.status == 200 and response.content_type == "image/jpeg"


async def test_the_whole_loop_from_a_residents_message_to_the_rating(wecom_world: World) -> None:
    world = wecom_world
    await world.tg.send_text(world.resident, LAMP)
    opened = await world.resident_sees("已受理")
    number = NUMBER.search(opened["text"]).group(0)
    card = await world.accepts(world.worker, number)
    await world.resident_sees(number, "已接单")
    await world.presses(world.worker, card, f"resolve:{number}")
    await world.hears(world.worker, "处理结果", number)
    await world.worker.text("灯已修好")
    done = await world.resident_sees(number, "已办结", "灯已修好")
    await world.tg.press(world.resident, done, "5")
    await world.resident_sees(number, "感谢您的评价")
    await world.hears(world.worker, number, "5 分", "已关闭")
    assert (await world.service.domain.tickets.get(number)).status == Status.CLOSED


async def test_a_ticket_the_resident_withdraws_leaves_no_button_on_the_card(wecom_world: World) -> None:
    world = wecom_world
    number = await world.open_ticket()
    card = await world.card(world.worker, "新工单", number)
    await world.tg.send_text(world.resident, f"/cancel {number}")
    await world.wx.wait_until(lambda: card["updates"], what="the card updated")
    assert card["replace_name"] == "居民已撤回"
    await world.hears(world.worker, number, "撤回")  # and the text says so
