"""The whole conversation over real HTTP: residents, workers, supervisors and admins through the local
Bot API server, gridbot polling it with aiogram, tickets in a real Redis."""

from __future__ import annotations

import asyncio

import pytest

from bot.infra import keys
from bot.people.directory import telegram_key
from bot.tickets.states import Status
from tests.botapi.client import buttons, reply_keyboard
from tests.telegram_harness import NUMBER, World

pytestmark = pytest.mark.asyncio(loop_scope="session")

LAMP = "西正路8号门口的路灯坏了好几天，晚上黑漆漆的"


async def test_resident_to_worker_to_rating_closes_the_ticket(world: World) -> None:
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    offer = await world.sees(world.worker, "新工单", number)
    assert buttons(offer) == ["接单", "退回"]

    answer = await world.presses(world.worker, offer, "接单")
    assert number in answer["text"]
    await world.sees(world.resident, number, "已接单")
    accepted = await world.server.wait_for_edit(world.worker.id, offer, lambda m: "办结" in buttons(m))
    await world.presses(world.worker, accepted, "办结")
    await world.sees(world.worker, "处理结果", number)
    await world.says(world.worker, "已更换灯泡，恢复照明")

    done = await world.sees(world.resident, number, "已办结", "已更换灯泡")
    assert buttons(done) == ["1", "2", "3", "4", "5"]
    await world.presses(world.resident, done, "5")
    await world.sees(world.resident, number, "感谢您的评价")
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.CLOSED and ticket.rating == 5


async def test_poor_rating_reopens_and_tells_the_worker(world: World) -> None:
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    tickets = world.service.domain.tickets
    await tickets.accept(number, telegram_key(world.worker.id))
    await tickets.resolve(number, telegram_key(world.worker.id), "已处理")
    done = await world.sees(world.resident, number, "已办结")
    await world.presses(world.resident, done, "1")
    await world.sees(world.worker, number, "不满意")
    assert (await tickets.get(number)).status == Status.ASSIGNED


async def test_unknown_place_asks_for_a_location_and_the_location_finds_the_grid(world: World) -> None:
    await world.says(world.resident, "我家楼下的路灯坏了好几天了")
    question = await world.sees(world.resident, "位置")
    assert reply_keyboard(question)[0] == {"text": "发送位置", "request_location": True}
    grid = (await world.service.domain.grids.current()).get("GC-XY-01")
    point = grid.geometry.representative_point()
    await world.server.send_location(world.resident, point.y, point.x)
    number = await world.ticket_number(world.resident)
    await world.sees(world.worker, "新工单", number)
    assert (await world.service.domain.tickets.get(number)).grid_id == "GC-XY-01"


async def test_typed_address_finds_the_grid(world: World) -> None:
    await world.says(world.resident, "楼下的路灯又不亮了")
    await world.sees(world.resident, "位置")
    await world.says(world.resident, "西正路8号")
    number = await world.ticket_number(world.resident)
    assert (await world.service.domain.tickets.get(number)).grid_id == "GC-XY-01"


async def test_a_new_request_instead_of_the_address_opens_both(world: World) -> None:
    await world.says(world.resident, "楼下的路灯又不亮了")
    await world.sees(world.resident, "位置")
    await world.says(world.resident, "西正路8号门口垃圾堆了三天没人收")
    notice = await world.sees(world.resident, "上一条", "位置由工作人员确认")
    earlier = await world.service.domain.tickets.get(NUMBER.search(notice["text"]).group(0))
    assert earlier.text == "楼下的路灯又不亮了" and earlier.grid_id is None
    offer = await world.sees(world.worker, "新工单", "垃圾堆了三天")  # the new one, in its grid
    assert NUMBER.search(offer["text"]).group(0) != earlier.number


async def test_emergency_gets_the_numbers_at_once_and_alerts_the_supervisor(world: World) -> None:
    await world.says(world.resident, "西正路8号三楼着火了，好大的烟，快来人")
    await world.sees(world.resident, "119")
    number = await world.ticket_number(world.resident)
    await world.sees(world.supervisor, "紧急工单", number)
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.urgent and ticket.deadline_at - ticket.created_at == 2 * 3600


async def worker_asked_why_they_return(world: World) -> str:
    """A resident's request reaches the worker, who presses 退回 and is asked why; its number."""
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    offer = await world.sees(world.worker, "新工单", number)
    await world.presses(world.worker, offer, "退回")
    await world.sees(world.worker, "原因", number)
    return number


async def test_a_command_instead_of_the_return_reason_returns_nothing(world: World) -> None:
    number = await worker_asked_why_they_return(world)
    await world.says(world.worker, "/my")
    await world.sees(world.worker, "已放弃", number)
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.ASSIGNED and not ticket.return_reason
    await world.says(world.worker, "/tasks")  # and the worker is not stuck in the question
    await world.sees(world.worker, number)


async def test_return_with_reason_then_supervisor_dispatches(world: World) -> None:
    await world.service.domain.people.add_worker(telegram_key(world.stranger.id), "GC-XY-02", "赵网格")
    number = await worker_asked_why_they_return(world)
    await world.says(world.worker, "这盏灯在光明路那边，不归本网格")
    await world.sees(world.worker, number, "已退回")

    pending = await world.sees(world.supervisor, "待派单", number, "光明路那边")
    await world.presses(world.supervisor, pending, "派单")
    choice = await world.sees(world.supervisor, "派给哪个网格", number)
    await world.presses(world.supervisor, choice, "西隅第二网格")
    await world.sees(world.stranger, "新工单", number)
    assert (await world.service.domain.tickets.get(number)).grid_id == "GC-XY-02"


async def test_overdue_ticket_escalates_to_the_supervisor(world: World) -> None:
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    world.clock.advance(73 * 3600)  # municipal: 72 h
    await world.sees(world.supervisor, "超时上报", number, timeout=10)
    await world.sees(world.worker, number, "已超时")


async def test_forged_button_changes_nothing_and_says_so(world: World) -> None:
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    offer = await world.sees(world.worker, "新工单", number)
    answer = await world.presses(world.stranger, offer, "接单")
    assert answer["show_alert"] and "不属于您" in answer["text"]
    forged = await world.server.press_raw(world.stranger, offer, f"t:resolve:{number}:")
    assert "不属于您" in (await world.server.wait_for_callback_answer(forged))["text"]
    garbage = await world.server.press_raw(world.stranger, offer, "no:such:thing")
    assert "失效" in (await world.server.wait_for_callback_answer(garbage))["text"]
    assert (await world.service.domain.tickets.get(number)).status == Status.ASSIGNED


async def test_second_worker_is_told_who_took_it(world: World) -> None:
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    first = await world.sees(world.worker, "新工单", number)
    second = await world.sees(world.colleague, "新工单", number)
    await world.presses(world.worker, first, "接单")
    answer = await world.presses(world.colleague, second, "接单")
    assert "李网格" in answer["text"] and answer["show_alert"]


async def test_non_admin_retrain_is_refused(world: World) -> None:
    await world.says(world.resident, "/retrain")
    await world.sees(world.resident, "仅限管理员")
    await world.says(world.admin, "/model")
    await world.sees(world.admin, "当前模型", world.service.models.metadata.version)


async def test_my_and_cancel(world: World) -> None:
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    await world.says(world.resident, "/my")
    await world.sees(world.resident, "您的工单", number)
    await world.says(world.resident, f"/cancel {number}")
    await world.sees(world.resident, number, "已撤回")
    await world.sees(world.worker, number, "撤回")
    await world.says(world.stranger, f"/cancel {number}")
    await world.sees(world.stranger, number, "找不到")  # as for an unknown number


async def test_media_without_words_get_an_explanation(world: World) -> None:
    await world.server.send_voice(world.resident)
    await world.sees(world.resident, "文字")
    await world.server.send_photo(world.resident)
    await world.sees(world.resident, "照片说明")


async def test_photo_with_caption_is_a_request_with_the_photo(world: World) -> None:
    await world.server.send_photo(world.resident, caption="西正路8号的井盖不见了，很危险")
    number = await world.ticket_number(world.resident)
    offer = await world.sees(world.worker, "新工单", number)
    assert offer.get("photo"), offer


async def test_metrics_count_what_happened(world: World) -> None:
    import aiohttp

    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    await world.sees(world.worker, "新工单", number)

    def sent(body: str) -> int:
        return int(next(line for line in body.splitlines()
                        if line.startswith("gridbot_notifications_sent_total")).split()[1])

    async with aiohttp.ClientSession() as http:
        for _ in range(50):  # a send is counted once it is recorded, just after it went out
            async with http.get(f"http://127.0.0.1:{world.service.http_port}/metrics") as response:
                body = await response.text()
            if sent(body) >= 2:
                break
            await asyncio.sleep(0.1)
        async with http.get(f"http://127.0.0.1:{world.service.http_port}/healthz") as response:
            assert response.status == 200 and (await response.json())["redis"] is True
    assert "gridbot_updates_received_total 1" in body
    assert "gridbot_requests_classified_total 1" in body
    assert 'gridbot_tickets{state="assigned"} 1' in body
    assert "gridbot_tickets_overdue 0" in body
    assert sent(body) >= 2  # the resident's receipt and at least one worker's new ticket


async def test_worker_joins_with_an_invite_and_lists_tasks(world: World) -> None:
    code = await world.service.domain.people.create_invite("GC-XY-01")
    newcomer = world.server.user("孙网格")
    await world.says(newcomer, "/join WRONGCODE")
    await world.sees(newcomer, "邀请码无效")
    await world.says(newcomer, f"/join {code.lower()}")
    await world.sees(newcomer, "绑定成功", "GC-XY-01")
    await world.says(newcomer, f"/join {code}")  # one use only
    await world.server.wait_for_messages(newcomer.id, 2, predicate=lambda m: "邀请码无效" in m["text"], after=0)
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    await world.sees(newcomer, "新工单", number)
    await world.says(newcomer, "/tasks")
    await world.sees(newcomer, "待办工单", number)


async def test_supervisor_recategorises_and_the_label_is_kept(world: World) -> None:
    await world.says(world.resident, "西正路8号三楼着火了，好大的烟")
    number = await world.ticket_number(world.resident)
    alert = await world.sees(world.supervisor, "紧急工单", number)
    await world.presses(world.supervisor, alert, "改类别")
    choice = await world.sees(world.supervisor, "改为哪个类别", number)
    noise = next(b["callback_data"] for row in choice["reply_markup"]["inline_keyboard"] for b in row
                 if b["text"] == "噪音扰民")  # kept to press again after the choice was made
    await world.presses(world.supervisor, choice, "环境卫生")
    await world.sees(world.worker, number, "类别已改为「环境卫生」")
    assert (await world.service.domain.tickets.get(number)).category == "sanitation"
    assert number in await world.service.redis.hkeys(keys.corrections())
    forged = await world.server.press_raw(world.stranger, choice, noise)
    assert "不属于您" in (await world.server.wait_for_callback_answer(forged))["text"]
    assert (await world.service.domain.tickets.get(number)).category == "sanitation"


async def test_worker_is_reminded_before_the_deadline(world: World) -> None:
    await world.says(world.resident, "西正路8号的酒吧天天半夜唱歌，吵得睡不着")  # noise: 24 h
    number = await world.ticket_number(world.resident)
    await world.sees(world.worker, "新工单", number)
    world.clock.advance(20 * 3600)  # past 80 % of 24 h
    await world.sees(world.worker, "⏰", number, "到期", timeout=10)
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.category == "noise" and ticket.reminded
