"""WeChat and WeCom across processes: a retried message after a kill -9 opens nothing twice, and two
processes share one access token per account. `gridbot serve` subprocesses on the test Redis, against
the local WeChat/WeCom API server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from bot.infra import keys
from tests.admin_helpers import free_port, serving
from tests.conftest import ROOT
from tests.telegram_harness import NUMBER, copy_models
from tests.wxapi.server import WxAPIServer

# Different matters, so that no request joins another's ticket as a duplicate.
MATTERS = ["门口的路灯坏了好几天", "旁边的井盖松了，车一压就响", "楼下垃圾好几天没人收", "小区里有人半夜装修很吵",
           "路边的下水道堵了，一下雨就积水", "路口的红绿灯坏了一直闪黄灯", "门口的人行道砖翘起来了", "附近有家饭店油烟很大",
           "小区门口的消防通道被车堵了", "路边的一棵树歪了，挡住了半条人行道"]
pytestmark = pytest.mark.slow


def serve(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def environment(wx_api: WxAPIServer, redis_url: str, data_dir, port: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {**os.environ, **wx_api.env(), "GRIDBOT_REDIS_URL": redis_url, "GRIDBOT_DATA_DIR": str(data_dir),
            "GRIDBOT_HTTP_PORT": str(port), "GRIDBOT_RECLAIM_IDLE_SECONDS": "1",
            "GRIDBOT_PUBLIC_URL": f"http://127.0.0.1:{port}"}


def receipts(wx_api: WxAPIServer, openid: str) -> list[str]:
    """The ticket numbers of the receipts a follower got, one per receipt."""
    return [found.group(0) for text in wx_api.texts_of(f"wechat:{openid}") if "已受理" in text
            for found in [NUMBER.search(text)] if found]


async def test_a_message_retried_around_a_kill_9_opens_one_ticket(wx_api: WxAPIServer, redis, redis_url, tmp_path,
                                                                 trained_models) -> None:
    data_dir = tmp_path / "var"
    copy_models(trained_models, data_dir)
    port = free_port()
    env = environment(wx_api, redis_url, data_dir, port)
    resident = wx_api.wechat_user(f"http://127.0.0.1:{port}")
    texts = [f"西正路8号{matter}" for matter in MATTERS[:3]]
    # One process takes every message, then a second takes all of WeChat's retries: each kill -9 lands on
    # whatever the process had not finished (the last message, at least, is answered but maybe unhandled).
    process = serve(env)
    await serving(port)
    posts = []
    for text in texts:
        posted = await resident.text(text)
        assert posted.status == 200, posted
        posts.append(posted)
    process.send_signal(signal.SIGKILL)  # answered: the messages are in Redis, maybe not yet handled
    process.wait(10)
    process = serve(env)
    await serving(port)
    for posted in posts:
        for _ in range(3):  # WeChat did not hear the answer, so it retries the very post
            assert (await resident.repost(posted)).status == 200
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    process = serve(env)
    try:
        await serving(port)
        await wx_api.wait_until(lambda: len(set(receipts(wx_api, resident.openid))) == len(texts), timeout=40,
                                what="a receipt for every message")
        await asyncio.sleep(2.0)  # would anything be handled a second time?
        assert len(set(receipts(wx_api, resident.openid))) == len(texts)
        assert await redis.zcard(keys.by_resident(f"wechat:{resident.openid}")) == len(texts)
    finally:
        process.terminate()
        process.wait(20)


async def test_two_processes_share_one_token_per_account(wx_api: WxAPIServer, redis, redis_url, tmp_path,
                                                         trained_models) -> None:
    data_dir = tmp_path / "var"
    copy_models(trained_models, data_dir)
    ports = [free_port(), free_port()]
    processes = [serve(environment(wx_api, redis_url, data_dir, port)) for port in ports]
    try:
        for port in ports:
            await serving(port)
        residents = [wx_api.wechat_user(f"http://127.0.0.1:{ports[n % 2]}") for n in range(6)]
        for resident, matter in zip(residents, MATTERS):
            assert (await resident.text(f"西正路8号{matter}")).status == 200
        for resident in residents:
            await wx_api.wait_until(lambda r=resident: receipts(wx_api, r.openid), timeout=30, what="every receipt")
        assert wx_api.token_fetches["stable_token"] == 1, wx_api.token_fetches
        first = wx_api.current_token("wechat")
        assert first is not None
        wx_api.revoke(first)  # revoked mid-way: one forced refresh for both processes
        more = [wx_api.wechat_user(f"http://127.0.0.1:{ports[n % 2]}") for n in range(4)]
        for resident, matter in zip(more, MATTERS[6:]):
            assert (await resident.text(f"西正路8号{matter}")).status == 200
        for resident in more:
            await wx_api.wait_until(lambda r=resident: receipts(wx_api, r.openid), timeout=30, what="every receipt")
        assert wx_api.token_fetches["stable_token"] == 2, wx_api.token_fetches
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(20)
