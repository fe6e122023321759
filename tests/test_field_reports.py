"""Field reports (巡查上报) on the Telegram test server: a worker reports what they found on patrol, keeps
it in their own grid and closes it in two taps, or it is routed like a resident's request."""

from __future__ import annotations

import pytest

from bot.infra import keys
from bot.people.directory import telegram_key
from bot.tickets.sources import Source, filer_key
from bot.tickets.states import Status
from tests.botapi.client import buttons, reply_keyboard
from tests.telegram_harness import NUMBER, World

pytestmark = pytest.mark.asyncio(loop_scope="session")

LAMP = "西正路8号门口的路灯坏了，晚上很黑"


async def starts_report(world: World, text: str | None = None) -> None:
    """The worker sends /report, is asked what they found, and (``text``) says it."""
    await world.says(world.worker, "/report")
    await world.sees(world.worker, "巡查发现的问题")
    if text is not None:
        await world.says(world.worker, text)


async def reported(world: World, text: str, *fragments: str) -> tuple[str, dict]:
    """The worker sends /report and ``text``; their confirmation (with ``fragments``) and its number."""
    await starts_report(world)
    return await reported_words(world, text, *fragments)


async def reported_words(world: World, text: str, *fragments: str) -> tuple[str, dict]:
    """The worker, asked what they found, says ``text``; their confirmation and its number."""
    await world.says(world.worker, text)
    confirmation = await world.sees(world.worker, "已上报", *fragments)
    return NUMBER.search(confirmation["text"]).group(0), confirmation


async def test_report_in_own_grid_is_accepted_at_once_and_closed_in_two_taps(world: World) -> None:
    number, confirmation = await reported(world, LAMP, "已由您接单")
    assert buttons(confirmation) == ["办结", "需上级处理"]
    ticket = await world.service.domain.tickets.get(number)
    worker = telegram_key(world.worker.id)
    assert (ticket.status, ticket.worker, ticket.source, ticket.grid_id) == (Status.ACCEPTED, worker, Source.PATROL,
                                                                             "GC-XY-01")
    assert ticket.resident == filer_key(worker)
    trail = await world.service.domain.store.audit(number)
    assert [(e.actor, e.action, e.to_status) for e in trail] == [(worker, "open", "assigned"),
                                                                 (worker, "accept", "accepted")]

    await world.presses(world.worker, confirmation, "办结")  # tap 1
    await world.sees(world.worker, "处理结果", number)
    await world.server.send_photo(world.worker, "已更换灯泡，恢复照明")  # tap 2: the result photo
    await world.sees(world.worker, number, "已办结并关闭")
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.CLOSED and ticket.result_photo and ticket.result_note == "已更换灯泡，恢复照明"
    texts = [m.get("text") or m.get("caption") or "" for m in world.server.messages_to(world.colleague.id)]
    assert not any(number in t for t in texts)  # a colleague is not asked to take what the reporter keeps
    assert not await world.service.redis.exists(keys.outbox("patrol"))  # nothing went "to the resident"


async def test_report_elsewhere_is_routed_to_that_grids_worker(world: World) -> None:
    await world.service.domain.people.add_worker(telegram_key(world.stranger.id), "GC-XY-02", "赵网格")
    number, confirmation = await reported(world, "光明路18号门口井盖丢了，很危险", "西隅第二网格")
    assert buttons(confirmation) == []
    offer = await world.sees(world.stranger, "新工单", number)
    assert buttons(offer) == ["接单", "退回"]
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.ASSIGNED and ticket.worker is None and ticket.source == Source.PATROL


async def test_refer_up_sends_the_report_to_the_supervisor(world: World) -> None:
    number, confirmation = await reported(world, LAMP, "已由您接单")
    answer = await world.presses(world.worker, confirmation, "需上级处理")
    assert number in answer["text"]
    pending = await world.sees(world.supervisor, "待派单", number, "需上级处理")
    assert buttons(pending) == ["派单", "改类别"]
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.PENDING and ticket.worker is None and ticket.grid_id == "GC-XY-01"


async def test_urgent_report_alerts_the_supervisor_at_once(world: World) -> None:
    number, _ = await reported(world, "西正路8号有位老人晕倒在路边，没有意识了", "紧急", "已由您接单")
    await world.sees(world.supervisor, "紧急工单", number)
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.urgent and ticket.status == Status.ACCEPTED


async def test_report_without_a_place_asks_for_a_location(world: World) -> None:
    await starts_report(world, "路边的垃圾桶倒了，垃圾撒了一地")
    question = await world.sees(world.worker, "问题在哪里")
    assert reply_keyboard(question)[0] == {"text": "发送位置", "request_location": True}
    grid = (await world.service.domain.grids.current()).get("GC-XY-01")
    point = grid.geometry.representative_point()
    await world.server.send_location(world.worker, point.y, point.x)
    confirmation = await world.sees(world.worker, "已上报", "已由您接单")
    ticket = await world.service.domain.tickets.get(NUMBER.search(confirmation["text"]).group(0))
    assert ticket.grid_id == "GC-XY-01" and ticket.location


async def test_a_typed_address_places_the_report(world: World) -> None:
    await world.service.domain.people.add_worker(telegram_key(world.stranger.id), "GC-XY-02", "赵网格")
    await starts_report(world, "路边的垃圾桶倒了，垃圾撒了一地")
    await world.sees(world.worker, "问题在哪里")
    await world.says(world.worker, "火星路99号")
    await world.sees(world.worker, "没有找到")
    await world.says(world.worker, "光明路18号")
    confirmation = await world.sees(world.worker, "已上报", "西隅第二网格")
    await world.sees(world.stranger, "新工单", NUMBER.search(confirmation["text"]).group(0))


async def test_a_command_abandons_the_report_and_a_stranger_may_not_report(world: World) -> None:
    await starts_report(world, "/tasks")
    await world.sees(world.worker, "已放弃上报")
    await world.says(world.stranger, "/report")
    await world.sees(world.stranger, "只有网格员")
    assert await world.service.domain.store.list(limit=5) == []


async def test_a_photo_without_words_waits_for_them(world: World) -> None:
    await starts_report(world)
    await world.server.send_photo(world.worker)
    await world.sees(world.worker, "照片已收到")
    number, _ = await reported_words(world, LAMP)
    assert (await world.service.domain.tickets.get(number)).photo.startswith("telegram:")

