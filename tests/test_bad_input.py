"""Bad input over Telegram: each gets a clear answer in Chinese and changes nothing it should not."""

from __future__ import annotations

from bot.infra import keys
from bot.tickets.states import Status
from tests.telegram_harness import World


async def ticket_count(world: World) -> int:
    return sum((await world.service.domain.store.count_by_status()).values())


async def test_emoji_alone_is_a_nod_and_blank_text_asks_for_words(world: World) -> None:
    await world.says(world.resident, "😀😀👍")
    await world.sees(world.resident, "有新的问题随时告诉我")
    await world.says(world.resident, "？？")
    await world.sees(world.resident, "请用文字描述")
    await world.says(world.resident, "   ")
    await world.server.wait_for_messages(world.resident.id, 2, predicate=lambda m: "请用文字描述" in m["text"], after=0)
    assert await ticket_count(world) == 0


async def test_longest_text_still_opens_a_ticket(world: World) -> None:
    text = "西正路8号门口的路灯坏了，" + "晚上很黑很危险。" * 507
    assert len(text) <= 4096
    await world.says(world.resident, text[:4096])
    number = await world.ticket_number(world.resident)
    offer = await world.sees(world.worker, "新工单", number)
    assert len(offer["text"]) <= 4096


async def test_html_in_a_request_is_shown_as_text(world: World) -> None:
    await world.says(world.resident, "西正路8号<b>路灯</b>坏了<script>alert(1)</script>")
    number = await world.ticket_number(world.resident)
    offer = await world.sees(world.worker, "新工单", number)
    assert "<script>alert(1)</script>" in offer["text"]  # shown literally, not interpreted


async def test_stickers_documents_and_video_get_an_explanation(world: World) -> None:
    await world.server.send_sticker(world.resident)
    await world.server.send_document(world.resident)
    await world.server.send_video(world.resident)
    await world.server.wait_for_messages(world.resident.id, 3, predicate=lambda m: "文字" in m["text"], after=0)
    assert await ticket_count(world) == 0


async def test_edited_message_is_explained_and_changes_nothing(world: World) -> None:
    await world.says(world.resident, "西正路8号门口的路灯坏了")
    number = await world.ticket_number(world.resident)
    own = [m for m in world.server.messages_from(world.resident) if m.get("text") == "西正路8号门口的路灯坏了"][0]
    await world.server.edit_message(world.resident, own["message_id"], "西正路8号门口的井盖丢了")
    await world.sees(world.resident, "修改后的消息")
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.text == "西正路8号门口的路灯坏了" and await ticket_count(world) == 1


async def test_a_ticket_number_with_markup_in_it_is_still_answered(world: World) -> None:
    """What a resident types after /cancel comes back in the answer, which Telegram parses as HTML."""
    await world.says(world.resident, "/cancel <script>")
    answer = await world.sees(world.resident, "找不到这个工单")
    assert "<SCRIPT>" in answer["text"]  # shown as typed (upper-cased as numbers are), not taken as markup


async def test_group_messages_are_pointed_to_a_private_chat(world: World) -> None:
    group = world.server.group("小区群")
    await world.server.send_group_text(world.resident, group["id"], "/start")
    await world.server.wait_for_message(group["id"], lambda m: "私聊" in m["text"], after=0)
    assert await ticket_count(world) == 0


async def test_button_for_a_ticket_that_no_longer_exists(world: World) -> None:
    await world.says(world.resident, "西正路8号门口的路灯坏了")
    number = await world.ticket_number(world.resident)
    offer = await world.sees(world.worker, "新工单", number)
    await world.service.redis.delete(keys.ticket(number))
    answer = await world.presses(world.worker, offer, "接单")
    assert "找不到" in answer["text"]


async def test_a_flood_is_answered_not_silently_dropped(world: World) -> None:
    for i in range(23):
        await world.says(world.stranger, f"第{i}条：西正路{i}号有问题" if i % 2 else "你好")
    await world.sees(world.stranger, "发送得太快")
    await world.server.wait_until(
        lambda: len([m for m in world.server.messages_to(world.stranger.id) if "发送得太快" in m["text"]]) == 1)


async def test_redelivered_update_opens_one_ticket(world: World) -> None:
    update_id = await world.server.send_text(world.resident, "西正路8号门口的路灯坏了好几天")
    number = await world.ticket_number(world.resident)
    await world.server.redeliver(update_id)
    await world.says(world.resident, "/my")
    await world.sees(world.resident, "您的工单")
    assert await ticket_count(world) == 1
    receipts = [m for m in world.server.messages_to(world.resident.id) if "已受理" in m["text"]]
    assert len(receipts) == 1 and (await world.service.domain.tickets.get(number)).status == Status.ASSIGNED
