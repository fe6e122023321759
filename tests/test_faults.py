"""Nothing lost under faults: Telegram errors on delivery, a killed process, a restarted Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

from bot.infra import keys
from bot.people.directory import telegram_key
from bot.texts.residents import maybe_repeated
from bot.infra.embedded_redis import EmbeddedRedis
from tests.admin_helpers import free_port, serving
from tests.conftest import ROOT
from tests.telegram_harness import NUMBER, World, copy_models, start_world

LAMP = "西正路8号门口的路灯坏了好几天"


async def test_429_and_502_are_retried_and_each_notification_arrives_once(world: World) -> None:
    world.server.fail_next("sendMessage", status=429, retry_after=1, times=2)
    world.server.fail_next("sendMessage", status=502, times=2)
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    await world.sees(world.worker, "新工单", number)
    await world.sees(world.colleague, "新工单", number)
    await asyncio.sleep(1.5)  # would any retry send a second copy?
    for user in (world.resident, world.worker, world.colleague):
        about = [m for m in world.server.messages_to(user.id) if number in (m.get("text") or "")]
        assert len(about) == 1, about


async def test_blocked_chat_is_marked_unreachable_and_not_retried(world: World) -> None:
    world.server.block_chat(world.colleague.id)
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    await world.sees(world.worker, "新工单", number)
    redis = world.service.redis
    key = telegram_key(world.colleague.id)
    for _ in range(50):
        if await redis.hget(keys.resident(key), "unreachable") == "1":
            break
        await asyncio.sleep(0.1)
    assert await redis.hget(keys.resident(key), "unreachable") == "1"
    attempts = world.server.calls["sendMessage"]
    await asyncio.sleep(1.0)
    assert world.server.calls["sendMessage"] == attempts


async def killable_setup(bot_api, redis, redis_url, tmp_path, trained_models):  # type: ignore[no-untyped-def]
    """Environment and HTTP port for `gridbot serve` subprocesses, a resident, and the worker of GC-XY-01."""
    data_dir = tmp_path / "var"
    copy_models(trained_models, data_dir)
    resident, worker = bot_api.user("王阿姨"), bot_api.user("李网格")
    port = free_port()
    env = {**os.environ, "GRIDBOT_BOT_TOKEN": bot_api.token, "GRIDBOT_TELEGRAM_API": bot_api.base_url,
           "GRIDBOT_REDIS_URL": redis_url, "GRIDBOT_DATA_DIR": str(data_dir), "GRIDBOT_HTTP_PORT": str(port),
           "GRIDBOT_RECLAIM_IDLE_SECONDS": "1", "GRIDBOT_POLL_LEASE_SECONDS": "2"}
    await redis.hset(keys.worker(telegram_key(worker.id)), mapping={"name": "李网格", "grids": "GC-XY-01"})
    await redis.sadd(keys.grid_workers("GC-XY-01"), telegram_key(worker.id))
    return env, port, resident, worker


def serve(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def test_kill_9_after_confirming_loses_nothing_and_duplicates_nothing(bot_api, redis, redis_url, tmp_path,
                                                                           trained_models) -> None:
    env, port, resident, worker = await killable_setup(bot_api, redis, redis_url, tmp_path, trained_models)
    texts = [f"西正路8号门口第{n}盏路灯坏了" if n % 2 else f"西正路8号旁边第{n}个井盖松了" for n in range(4)]
    for pair in (texts[:2], texts[2:]):  # two processes, each killed with two requests just taken
        process = serve(env)
        await serving(port)
        update_ids = [await bot_api.send_text(resident, text) for text in pair]
        for _ in range(500):  # the moment the updates are safe in the stream (so confirmed next), kill -9
            if await redis.exists(*map(keys.update_seen, update_ids)) == len(update_ids):
                break
            await asyncio.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    process = serve(env)  # the last restart works off whatever the killed ones left
    try:
        await serving(port)

        def receipt_numbers() -> list[str]:
            return [NUMBER.search(m["text"]).group(0) for m in bot_api.messages_to(resident.id) if "已受理" in m["text"]]

        await bot_api.wait_until(lambda: len(set(receipt_numbers())) == len(texts), timeout=40,
                                 what="a receipt for every request")
        assert await redis.scard(keys.by_status("assigned")) == len(texts)  # no request lost, none doubled
        await bot_api.wait_until(lambda: len({NUMBER.search(m["text"]).group(0) for m in bot_api.messages_to(worker.id)
                                              if "新工单" in m["text"]}) == len(texts), timeout=20,
                                 what="the worker to hear of every ticket")
        # A kill that lands while a message is in flight to Telegram (taken, not yet marked sent) sends it
        # again after the restart, flagged as a possible repeat; nothing unflagged ever repeats.
        unflagged = [NUMBER.search(m["text"]).group(0) for m in bot_api.messages_to(resident.id)
                     if "已受理" in m["text"] and maybe_repeated() not in m["text"]]
        assert len(unflagged) == len(set(unflagged))
    finally:
        process.terminate()
        process.wait(20)


async def test_kill_9_while_telegram_takes_a_message_resends_it_flagged(bot_api, redis, redis_url, tmp_path,
                                                                       trained_models) -> None:
    env, port, resident, worker = await killable_setup(bot_api, redis, redis_url, tmp_path, trained_models)
    process = serve(env)
    await serving(port)
    bot_api.delay("sendMessage", 2.0)  # Telegram takes its time: the sends are in flight…
    await bot_api.send_text(resident, LAMP)
    await bot_api.wait_until(lambda: sum(r.method == "sendMessage" for r in bot_api.requests) >= 2, timeout=20,
                             what="the receipt and the worker's 新工单 to be on their way")
    process.send_signal(signal.SIGKILL)  # …when the process dies; Telegram still delivers both
    process.wait(10)

    def about_ticket(user) -> list[str]:  # type: ignore[no-untyped-def]
        return [m["text"] for m in bot_api.messages_to(user.id) if NUMBER.search(m.get("text") or "")]

    await bot_api.wait_until(lambda: len(about_ticket(resident)) == 1 and len(about_ticket(worker)) == 1,
                             timeout=10, what="Telegram to deliver the two sends taken before the kill")
    bot_api.delay("sendMessage", 0)
    process = serve(env)
    try:
        await serving(port)
        await bot_api.wait_until(lambda: len(about_ticket(resident)) == 2 and len(about_ticket(worker)) == 2,
                                 timeout=30, what="both messages a second time")
        for user in (resident, worker):
            first, again = about_ticket(user)
            assert maybe_repeated() not in first and again.startswith(maybe_repeated())
            assert again.removeprefix(maybe_repeated()).strip() == first.strip()
        assert await redis.scard(keys.by_status("assigned")) == 1
        await asyncio.sleep(1.5)  # nothing further repeats
        assert len(about_ticket(resident)) == 2 and len(about_ticket(worker)) == 2
    finally:
        process.terminate()
        process.wait(20)


async def test_service_recovers_when_redis_restarts(bot_api, tmp_path, trained_models) -> None:
    own = EmbeddedRedis(tmp_path / "own-redis")
    url = own.start()
    world = await start_world(bot_api, url, tmp_path / "var", trained_models)
    try:
        await world.says(world.resident, LAMP)
        await world.ticket_number(world.resident)
        own.stop()  # the server goes away (saving), then comes back
        await asyncio.sleep(1.0)
        own.start()
        await world.says(world.resident, "西正路8号旁边的井盖松了，车一压就响")
        receipts = await bot_api.wait_for_messages(world.resident.id, 2, timeout=20,
                                                   predicate=lambda m: "已受理" in m["text"], after=0)
        assert len({NUMBER.search(m["text"]).group(0) for m in receipts}) == 2
    finally:
        await world.service.stop()
        own.stop()


async def test_slow_telegram_still_delivers_each_notification_once(world: World) -> None:
    world.server.delay("sendMessage", 1.5)  # every send answered only after 1.5 s
    await world.says(world.resident, LAMP)
    number = await world.ticket_number(world.resident)
    await world.sees(world.worker, "新工单", number, timeout=15)
    world.server.delay("sendMessage", 0)
    await asyncio.sleep(1.0)
    assert len([m for m in world.server.messages_to(world.resident.id) if number in (m.get("text") or "")]) == 1


async def test_a_send_telegram_does_not_answer_in_time_is_resent_flagged(bot_api, redis, redis_url, tmp_path,
                                                                          trained_models) -> None:
    world = await start_world(bot_api, redis_url, tmp_path / "var", trained_models, telegram_send_timeout_seconds=0.5)
    try:
        await world.says(world.resident, LAMP)
        number = await world.ticket_number(world.resident)
        offer = await world.sees(world.worker, "新工单", number)
        calls = world.server.calls["sendMessage"]
        world.server.delay("sendMessage", 1.0)  # answered too late, but taken: Telegram has it
        await world.presses(world.worker, offer, "接单")
        for _ in range(100):
            if world.server.calls["sendMessage"] > calls:
                break
            await asyncio.sleep(0.05)
        world.server.delay("sendMessage", 0)
        await world.sees(world.resident, number, "已接单")
        for _ in range(60):  # the original lands late; the resend is headed as a possible repeat
            about = [m["text"] for m in world.server.messages_to(world.resident.id) if "已接单" in (m.get("text") or "")]
            if len(about) == 2:
                break
            await asyncio.sleep(0.1)
        assert len(about) == 2, about
        assert sum(maybe_repeated() in text for text in about) == 1, about
    finally:
        await world.service.stop()


async def test_a_stopped_process_hands_the_polling_lease_back(bot_api, redis, redis_url, tmp_path,
                                                              trained_models) -> None:
    world = await start_world(bot_api, redis_url, tmp_path / "var", trained_models)
    try:
        await world.says(world.resident, LAMP)
        await world.ticket_number(world.resident)
        assert await redis.get(keys.poller_lease()) is not None
    finally:
        await world.service.stop()
    assert await redis.get(keys.poller_lease()) is None  # the next process polls at once, not a lease later
