"""`gridbot serve` as an operator runs it: a start that cannot succeed fails fast, in one line, with
exit status 1; a signal at any moment stops it; and no embedded redis-server is ever left behind."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from tests.admin_helpers import free_port
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
