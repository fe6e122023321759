"""A supervisor on WeCom: 派单 and 改类别 from the card, the grids and categories offered as cards of
choices (six to a card), the choice pressed on one of them."""

from __future__ import annotations

import pytest

from bot.tickets.states import Status
from tests.wecom_harness import World
from tests.wxapi.reading import text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")


def button_keys(card: dict) -> list[str]:
    return [b["key"] for b in card["card"]["button_list"]]


async def _returned(world: World) -> tuple[str, dict]:
    """A ticket its worker returned: on the supervisor's WeCom as a card to dispatch."""
    number = await world.open_ticket()
    assert (await world.service.domain.tickets.return_to_supervisor(number, world.worker.key, "不在本网格")).ok
    return number, await world.card(world.supervisor, "待派单", number, "不在本网格")


async def test_dispatch_from_the_card_to_a_grid_of_the_community(wecom_world: World) -> None:
    world = wecom_world
    await world.service.domain.people.add_worker(world.colleague.key, "GC-XY-02", "王五")
    number, card = await _returned(world)
    await world.presses(world.supervisor, card, f"dispatch:{number}")
    choices = await world.card(world.supervisor, "派单", number, "请选择")
    assert button_keys(choices) == [f"dispatch:{number}:GC-XY-01", f"dispatch:{number}:GC-XY-02",
                                    f"dispatch:{number}:GC-XY-03"]
    assert "西隅第二网格" in text_of(choices)
    await world.presses(world.supervisor, choices, f"dispatch:{number}:GC-XY-02")
    await world.hears(world.supervisor, number, "已派给 GC-XY-02")
    assert choices["replace_name"] == "已派给西隅第二网格"
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.ASSIGNED and ticket.grid_id == "GC-XY-02"
    await world.card(world.colleague, "新工单", number)  # the new grid's worker gets it
    await world.resident_sees(number, "已派单")


async def test_dispatch_to_a_grid_without_workers_is_refused_and_the_card_stays(wecom_world: World) -> None:
    world = wecom_world
    number, card = await _returned(world)
    await world.presses(world.supervisor, card, f"dispatch:{number}")
    choices = await world.card(world.supervisor, "派单", number, "请选择")
    await world.presses(world.supervisor, choices, f"dispatch:{number}:GC-XY-03")
    await world.hears(world.supervisor, number, "还没有网格员")
    assert choices["replace_name"] is None and choices["updates"] == []
    assert (await world.service.domain.tickets.get(number)).status == Status.PENDING


async def test_recategorise_from_the_card_over_several_cards_of_choices(wecom_world: World) -> None:
    world = wecom_world
    number, card = await _returned(world)
    await world.presses(world.supervisor, card, f"recategorise:{number}")
    parts = [await world.card(world.supervisor, "改类别", number, f"第 {part}/3 组") for part in (1, 2, 3)]
    keys = [key for part in parts for key in button_keys(part)]
    assert len(keys) == 15 and f"recategorise:{number}:municipal" not in keys  # all but its own
    assert all(len(button_keys(part)) <= 6 for part in parts)
    chosen = next(part for part in parts if f"recategorise:{number}:sanitation" in button_keys(part))
    await world.presses(world.supervisor, chosen, f"recategorise:{number}:sanitation")
    await world.hears(world.supervisor, number, "环境卫生", "训练样本")
    assert chosen["replace_name"] == "已改为环境卫生"
    assert (await world.service.domain.tickets.get(number)).category == "sanitation"


async def test_a_worker_pressing_a_supervisors_key_changes_nothing(wecom_world: World) -> None:
    world = wecom_world
    number, card = await _returned(world)
    assert (await world.worker.card_event(f"dispatch:{number}:GC-XY-01", card["task_id"], "code")).ok
    await world.hears(world.worker, number, "不属于您")
    assert (await world.worker.card_event(f"recategorise:{number}", card["task_id"], "code")).ok
    await world.wx.wait_until(lambda: sum("不属于您" in t for t in world.texts(world.worker)) == 2,
                              what="both presses refused")
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.PENDING and ticket.category == "municipal"
    assert not any(text_of(e).startswith("网格工单\n改类别") for e in world.wx.sent(world.worker.key))
