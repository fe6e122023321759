"""One grid, workers on two channels: both get the ticket, the first to accept wins, and the other hears
who took it (a WeCom card is updated in place; Telegram gets its TAKEN message)."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.people.directory import telegram_key
from bot.tickets.states import Status
from tests.botapi.client import User
from tests.botapi.server import BotAPIServer
from tests.telegram_harness import NUMBER
from tests.wecom_harness import LAMP, World, start_world
from tests.wxapi.server import WxAPIServer
from tests.wxapi.media import looks_like_image
from tests.wxapi.reading import text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _with_telegram_worker(world: World) -> User:
    telegram_worker = world.tg.user("刘网格")
    await world.service.domain.people.add_worker(telegram_key(telegram_worker.id), "GC-XY-01", "刘网格")
    return telegram_worker


async def test_the_wecom_worker_accepts_and_the_telegram_one_hears_who(wecom_world: World) -> None:
    world = wecom_world
    telegram_worker = await _with_telegram_worker(world)
    number = await world.open_ticket()
    offer = await world.tg.wait_for_message(telegram_worker.id, lambda m: number in (m.get("text") or ""), 8.0,
                                            after=0)
    card = await world.card(world.worker, "新工单", number)
    await world.presses(world.worker, card, f"accept:{number}")
    await world.tg.wait_for_message(telegram_worker.id, lambda m: "已由同事李四接单" in (m.get("text") or ""), 8.0,
                                    after=0)
    # The colleague on WeCom (the same grid) sees it on the card he was sent.
    colleague_card = await world.card(world.colleague, "新工单", number)
    await world.wx.wait_until(lambda: colleague_card["replace_name"], what="the colleague's card updated")
    assert colleague_card["replace_name"] == "已由李四接单"
    # The Telegram worker presses 接单 on the message he still has: refused, naming who took it.
    query_id = await world.tg.press(telegram_worker, offer, "接单")
    answer = await world.tg.wait_for_callback_answer(query_id, timeout=8.0)
    assert "李四" in answer["text"]
    assert (await world.service.domain.tickets.get(number)).worker == world.worker.key


async def test_the_telegram_worker_accepts_and_the_wecom_card_says_who(wecom_world: World) -> None:
    world = wecom_world
    telegram_worker = await _with_telegram_worker(world)
    number = await world.open_ticket()
    card = await world.card(world.worker, "新工单", number)
    offer = await world.tg.wait_for_message(telegram_worker.id, lambda m: number in (m.get("text") or ""), 8.0,
                                            after=0)
    await world.tg.press(telegram_worker, offer, "接单")
    await world.wx.wait_until(lambda: card["replace_name"], what="the WeCom card updated")
    assert card["replace_name"] == "已由刘网格接单" and "已由刘网格接单" in text_of(card)
    # Pressed anyway (a stale card on another device): refused, nothing changes.
    code = world.wx.state.cards.new_code(card["task_id"], "lisi")
    await world.worker.card_event(f"accept:{number}", card["task_id"], code)
    await world.hears(world.worker, number, "已由刘网格接单")
    ticket = await world.service.domain.tickets.get(number)
    assert ticket.status == Status.ACCEPTED and ticket.worker == telegram_key(telegram_worker.id)


async def test_the_loop_on_wechat_alone_a_resident_on_the_account_a_worker_on_wecom(
        bot_api: BotAPIServer, wx_api: WxAPIServer, redis: object, redis_url: str, tmp_path: Path,
        trained_models: Path) -> None:
    async with aiohttp.ClientSession() as session:
        world = await start_world(bot_api, wx_api, redis_url, tmp_path / "var", trained_models, session,
                                  **wx_api.account.settings(wx_api.wechat_url))
        try:
            resident = wx_api.wechat_user(f"http://127.0.0.1:{world.service.http_port}", session=session)
            assert (await resident.text(LAMP)).ok
            opened = await wx_api.wait_for_text(resident.key, "已受理", timeout=8)
            number = NUMBER.search(wx_api.text_of(opened)).group(0)
            card = await world.accepts(world.worker, number)
            await wx_api.wait_for_text(resident.key, number, "已接单", timeout=8)
            await world.presses(world.worker, card, f"resolve:{number}")
            await world.hears(world.worker, "处理结果", number)
            assert (await world.worker.image(wx_api.add_media())).ok  # the result photo first
            await world.hears(world.worker, "已收到", "照片", number)
            await world.worker.text("灯已修好")
            done = await wx_api.wait_for_text(resident.key, number, "已办结", "灯已修好", timeout=8)
            photo = await wx_api.wait_for(resident.key, lambda entry: entry["msgtype"] == "image", timeout=8)
            assert wx_api.sent(resident.key).index(photo) == wx_api.sent(resident.key).index(done) + 1
            assert looks_like_image(wx_api.media_bytes(photo["payload"]["image"]["media_id"]))  # the stored photo
            assert (await resident.text("5")).ok
            await world.hears(world.worker, number, "5 分", "已关闭")
            assert (await world.service.domain.tickets.get(number)).status == Status.CLOSED
        finally:
            await world.service.stop()
