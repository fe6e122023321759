"""`gridbot serve` as an operator runs it, as a real process (slow: ~4 s of imports each): a start that
cannot succeed fails fast, in one line, with exit status 1; a signal at any moment stops it; and no
embedded redis-server is ever left behind."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from tests.admin_helpers import free_port, health
from tests.botapi.server import BotAPIServer
from tests.telegram_harness import copy_models

pytestmark = pytest.mark.asyncio(loop_scope="session")


@dataclass
class Serve:
    """One `gridbot serve` process and what it printed on stderr, line by line as it came."""

    process: asyncio.subprocess.Process
    data_dir: Path
    lines: list[str] = field(default_factory=list)
    _new_line: asyncio.Event = field(default_factory=asyncio.Event)

    async def read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self._new_line.set()

    async def line(self, fragment: str, timeout: float = 60.0) -> float:
        """Wait for a line containing ``fragment``; returns when it came (monotonic time)."""
        deadline = time.monotonic() + timeout
        while not any(fragment in line for line in self.lines):
            if self.process.returncode is not None or time.monotonic() > deadline:
                raise AssertionError(f"no line with {fragment!r}; stderr:\n{self.stderr}")
            self._new_line.clear()
            try:
                await asyncio.wait_for(self._new_line.wait(), 0.2)
            except TimeoutError:
                pass
        return time.monotonic()

    async def exit_status(self, timeout: float) -> int:
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"still running after {timeout} s; stderr:\n{self.stderr}") from None

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.lines if line.startswith("gridbot: error:")]


def redis_servers(data_dir: Path) -> list[psutil.Process]:
    """The live redis-server processes of ``data_dir``'s embedded Redis (it runs in data_dir/redis)."""
    directory = str((data_dir / "redis").resolve())
    found = []
    for process in psutil.process_iter(["name", "status"]):
        try:
            if "redis-server" in (process.info["name"] or "") and process.info["status"] != psutil.STATUS_ZOMBIE \
                    and process.cwd() == directory:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


@pytest.fixture
async def serve(tmp_path: Path, trained_models: Path) -> AsyncIterator:
    """Start `gridbot serve` with its own data dir (the session's model copied in unless told not to)."""
    started: list[tuple[Serve, asyncio.Task]] = []

    async def start(*, data_dir: Path | None = None, with_model: bool = True, **settings: str) -> Serve:
        if data_dir is None:
            data_dir = tmp_path / f"var{len(started)}"
            data_dir.mkdir()
            if with_model:
                copy_models(trained_models, data_dir)
        env = {name: value for name, value in os.environ.items() if not name.startswith("GRIDBOT_")}
        env.update({"GRIDBOT_DATA_DIR": str(data_dir), "GRIDBOT_HTTP_PORT": "0"})
        env.update({f"GRIDBOT_{name.upper()}": value for name, value in settings.items()})
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "serve", cwd=tmp_path, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        running = Serve(process, data_dir)
        started.append((running, asyncio.create_task(running.read())))
        return running

    yield start
    for running, reader in started:
        if running.process.returncode is None:
            running.process.kill()
            await running.process.wait()
        await reader
        for leftover in redis_servers(running.data_dir):  # a failed test must not leak a server
            leftover.kill()


HOOK = "https://gridbot.example.cn/telegram/webhook"


@pytest.mark.parametrize(("settings", "told"), [
    ({"webhook_url": HOOK}, "GRIDBOT_BOT_MODE=webhook needs GRIDBOT_WEBHOOK_SECRET"),
    ({"webhook_url": HOOK, "webhook_secret": ""}, "GRIDBOT_BOT_MODE=webhook needs GRIDBOT_WEBHOOK_SECRET"),
    ({"webhook_url": HOOK, "webhook_secret": "my secret!"},
     "GRIDBOT_WEBHOOK_SECRET must be 1–256 characters of A–Z a–z 0–9 _ - (Telegram's rule)"),
    ({"webhook_url": HOOK, "webhook_secret": "x" * 257},
     "GRIDBOT_WEBHOOK_SECRET must be 1–256 characters of A–Z a–z 0–9 _ - (Telegram's rule); it is 257 characters long"),
    ({"webhook_url": "http://gridbot.example.cn/telegram/webhook", "webhook_secret": "s3cret-token"},
     "GRIDBOT_WEBHOOK_URL must be https://"),
], ids=["no secret", "empty secret", "bad characters", "too long", "plain http"])
async def test_unsafe_webhook_mode_refuses_to_start_naming_the_setting(serve, settings: dict[str, str],
                                                                      told: str) -> None:
    api = f"http://127.0.0.1:{free_port()}"
    running = await serve(bot_token="123456:AAEtest", telegram_api=api, bot_mode="webhook", **settings)
    assert await running.exit_status(20) == 1
    assert len(running.lines) == 1 and running.lines[0].startswith("gridbot: error: configuration "), running.stderr
    assert told in running.lines[0]
    assert "my secret!" not in running.stderr  # a secret is never echoed
    assert not (running.data_dir / "redis").exists()  # nothing was started


GOOD_AES = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
WECHAT = {"wechat_token": "tok123", "wechat_app_id": "wx1234567890abcdef", "wechat_app_secret": "s3cr3t-app"}
WECOM = {"wecom_corp_id": "ww1234567890", "wecom_agent_id": "1000002", "wecom_secret": "s3cr3t-corp",
         "wecom_token": "tok456", "wecom_aes_key": GOOD_AES}


@pytest.mark.parametrize(("settings", "told"), [
    ({"wechat_token": "tok123"}, "the WeChat channel needs GRIDBOT_WECHAT_APP_ID, GRIDBOT_WECHAT_APP_SECRET as well"),
    ({**WECHAT, "wechat_aes_key": "s3cr3t-short"}, "GRIDBOT_WECHAT_AES_KEY must be the 43-character EncodingAESKey"),
    ({**WECHAT, "wechat_token": "s3cr3t token!"}, "GRIDBOT_WECHAT_TOKEN must be 3–32 letters or digits"),
    ({**WECHAT, "wechat_api": "http://api.example.cn"}, "GRIDBOT_WECHAT_API must be https://"),
    ({"wechat_aes_key": GOOD_AES}, "GRIDBOT_WECHAT_AES_KEY is set but the Official Account is not"),
    ({**WECOM, "wecom_aes_key": ""}, "the WeCom channel needs GRIDBOT_WECOM_AES_KEY as well"),
    ({**WECOM, "wecom_agent_id": "abc"}, "GRIDBOT_WECOM_AGENT_ID"),
], ids=["wechat incomplete", "bad aes key", "bad token", "plain http api", "key alone", "wecom without key",
        "agent id not a number"])
async def test_incomplete_or_unsafe_wechat_settings_refuse_to_start(serve, settings: dict[str, str], told: str) -> None:
    running = await serve(**settings)
    assert await running.exit_status(20) == 1
    assert len(running.lines) == 1 and running.lines[0].startswith("gridbot: error: configuration "), running.stderr
    assert told in running.lines[0], running.lines[0]
    assert "s3cr3t" not in running.stderr  # a secret is never echoed
    assert not (running.data_dir / "redis").exists()


@pytest.mark.parametrize(("url", "told"), [
    ("http://tiles.city.gov.cn/{z}/{x}/{y}.png", "GRIDBOT_MAP_TILE_URL must be https://"),
    ("https://tiles.city.gov.cn/{z}/{x}.png", "GRIDBOT_MAP_TILE_URL must contain {z}, {x} and {y}"),
    ("https://tiles.city.gov.cn/{s}/{z}/{x}/{y}.png", "GRIDBOT_MAP_TILE_URL may contain only the placeholders"),
    ("javascript:alert(1)//{z}/{x}/{y}", "GRIDBOT_MAP_TILE_URL must be an https:// address"),
], ids=["http not loopback", "no {y}", "{s}", "javascript"])
async def test_a_bad_map_tile_url_refuses_to_start_naming_the_setting(serve, url: str, told: str) -> None:
    running = await serve(map_tile_url=url)
    assert await running.exit_status(20) == 1
    assert len(running.lines) == 1 and running.lines[0].startswith("gridbot: error: configuration "), running.stderr
    assert told in running.lines[0], running.lines[0]
    assert not (running.data_dir / "redis").exists()


@pytest.mark.slow
async def test_unreachable_bot_api_fails_fast_with_one_line(serve) -> None:
    api = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    running = await serve(bot_token="123456:AAEtest", telegram_api=api)
    began = await running.line("gridbot: starting")
    assert await running.exit_status(15) == 1
    assert time.monotonic() - began < 10, running.stderr
    assert running.error_lines == [running.lines[-1]]
    assert running.lines[-1].startswith(f"gridbot: error: cannot reach the Telegram Bot API at {api}: ")
    assert "123456:AAEtest" not in running.stderr and "serving on" not in running.stderr
    assert redis_servers(running.data_dir) == []


@pytest.mark.slow
async def test_rejected_token_fails_fast_with_one_line(serve, bot_api: BotAPIServer) -> None:
    running = await serve(bot_token="123456:AAEnot-this-bot", telegram_api=bot_api.base_url)
    began = await running.line("gridbot: starting")
    assert await running.exit_status(15) == 1
    assert time.monotonic() - began < 10, running.stderr
    assert running.lines[-1] == (f"gridbot: error: the Telegram Bot API at {bot_api.base_url} rejected the token "
                                 "(GRIDBOT_BOT_TOKEN): Unauthorized")
    assert bot_api.calls["getMe"] == 1  # a rejected token is not retried
    assert redis_servers(running.data_dir) == []


@pytest.mark.slow
async def test_busy_port_fails_promptly_with_one_line(serve) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        running = await serve(http_port=str(port))
        began = await running.line("gridbot: starting")
        assert await running.exit_status(15) == 1
    assert time.monotonic() - began < 5, running.stderr
    assert running.lines[-1].startswith(f"gridbot: error: port {port} on 127.0.0.1 is in use"), running.stderr
    assert "GRIDBOT_HTTP_PORT" in running.lines[-1] and running.error_lines == [running.lines[-1]]
    assert redis_servers(running.data_dir) == []


@pytest.mark.slow
async def test_a_model_that_does_not_load_is_one_line_and_stops_redis(serve, tmp_path: Path,
                                                                     trained_models: Path) -> None:
    data_dir = tmp_path / "damaged"
    copy_models(trained_models, data_dir)
    model_file = next((data_dir / "models").glob("*/model.pkl"))
    model_file.write_bytes(model_file.read_bytes()[:100])  # as after a full disk
    running = await serve(data_dir=data_dir)
    assert await running.exit_status(30) == 1
    assert running.error_lines == [running.lines[-1]], running.stderr
    assert running.lines[-1].startswith(f"gridbot: error: {model_file}: cannot be loaded ("), running.stderr
    assert (data_dir / "redis" / "redis.log").exists()  # Redis had started before the model failed to load
    assert redis_servers(data_dir) == []


@pytest.mark.slow
@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_signal_during_start_up_stops_it_and_its_redis(serve, bot_api: BotAPIServer,
                                                              stop_with: signal.Signals) -> None:
    bot_api.delay("setWebhook", 60)  # start-up hangs at its last step, with everything else started
    running = await serve(bot_token=bot_api.token, telegram_api=bot_api.base_url, bot_mode="webhook",
                          webhook_url="http://127.0.0.1:9/telegram/webhook", webhook_secret="s3cret-token")
    await bot_api.wait_until(lambda: bot_api.calls["setWebhook"], timeout=60, what="setWebhook")
    assert redis_servers(running.data_dir), "the embedded Redis should be running by now"
    running.process.send_signal(stop_with)
    assert await running.exit_status(5) == 0
    assert "serving on" not in running.stderr and running.error_lines == []
    assert running.lines[-1] == "gridbot: stopped before start-up finished"
    assert redis_servers(running.data_dir) == []


@pytest.mark.slow
async def test_ctrl_c_while_the_first_model_trains_stops_at_once(serve) -> None:
    running = await serve(with_model=False)
    await running.line("training the default model")
    running.process.send_signal(signal.SIGINT)
    assert await running.exit_status(5) == 0
    assert running.lines[-1] == "gridbot: stopped before start-up finished", running.stderr
    assert redis_servers(running.data_dir) == []


@pytest.mark.slow
async def test_a_normal_start_says_serving_and_stops_on_sigterm(serve, bot_api: BotAPIServer) -> None:
    running = await serve(bot_token=bot_api.token, telegram_api=bot_api.base_url)
    await running.line("serving on")
    port = int(next(line for line in running.lines if "serving on" in line).rsplit(":", 1)[1])
    assert (await asyncio.to_thread(health, port))["status"] == "ok" and bot_api.calls["getMe"] == 1
    assert redis_servers(running.data_dir)
    # A second serve of the same data dir on the same port: refused at once, the first one unharmed.
    second = await serve(data_dir=running.data_dir, http_port=str(port))
    assert await second.exit_status(15) == 1
    assert second.lines[-1].startswith(f"gridbot: error: port {port} on 127.0.0.1 is in use"), second.stderr
    assert (await asyncio.to_thread(health, port))["status"] == "ok" and redis_servers(running.data_dir)
    running.process.send_signal(signal.SIGTERM)
    assert await running.exit_status(10) == 0
    assert running.error_lines == [] and redis_servers(running.data_dir) == []
