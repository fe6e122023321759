"""Shared fixtures: paths of the shipped data, a CLI runner, small training sets, a trained model."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DIR = ROOT / "training_data"
CORPUS = TRAINING_DIR / "requests.csv"


@dataclass
class CliResult:
    """What a ``gridbot`` command printed and returned."""

    status: int
    out: str
    err: str


def run_gridbot(args: list[str], data_dir: Path, stdin: str | None = None) -> CliResult:
    """Run ``gridbot ARGS`` as a separate process with its own data dir, as an operator would."""
    env = {**os.environ, "GRIDBOT_DATA_DIR": str(data_dir)}
    env.pop("GRIDBOT_REDIS_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def run_gridbot_inline(args: list[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliResult:
    """Run ``gridbot ARGS`` in this process (fast, for commands that need no model)."""
    from bot.cli.main import main

    monkeypatch.setenv("GRIDBOT_DATA_DIR", str(data_dir))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(args)
        except SystemExit as exit_:  # argparse usage errors
            status = int(exit_.code or 0)
    return CliResult(status, out.getvalue(), err.getvalue())


def read_corpus() -> list[dict[str, str]]:
    with open(CORPUS, encoding="utf-8", newline="") as src:
        return list(csv.DictReader(src))


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = ("text", "label")) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def corpus_rows() -> list[dict[str, str]]:
    return read_corpus()


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory: pytest.TempPathFactory, corpus_rows: list[dict[str, str]]) -> Path:
    """60 shipped messages of each of five categories: enough to train in a second."""
    by_label: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in corpus_rows:
        by_label[row["label"]].append(row)
    chosen = [row for label in ("noise", "municipal", "traffic", "labor", "market") for row in by_label[label][:60]]
    return write_csv(tmp_path_factory.mktemp("data") / "small.csv", chosen)


@dataclass
class FreshDataDir:
    """A data dir that started empty, and what the first `gridbot classify` in it printed."""

    path: Path
    first_classify: CliResult


@pytest.fixture(scope="session")
def fresh_data_dir(tmp_path_factory: pytest.TempPathFactory) -> FreshDataDir:
    """As on a fresh clone: the first classify trains and saves the default model."""
    data_dir = tmp_path_factory.mktemp("fresh")
    return FreshDataDir(data_dir, run_gridbot(["classify", "楼下的路灯坏了好几天"], data_dir))


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    """A real redis-server (the embedded one gridbot ships with) for the whole test session."""
    from bot.infra.embedded_redis import EmbeddedRedis

    server = EmbeddedRedis(tmp_path_factory.mktemp("redis-data"))
    url = server.start()
    yield url
    server.stop()


@pytest.fixture
async def redis(redis_url: str):
    """A client on an emptied database."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url, decode_responses=True)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
def trained_models(fresh_data_dir: FreshDataDir) -> Path:
    """The models dir of the default model, trained once per session on the shipped corpus."""
    assert fresh_data_dir.first_classify.status == 0, fresh_data_dir.first_classify.err
    return fresh_data_dir.path / "models"


@pytest.fixture
async def bot_api():
    """A fresh local Bot API server."""
    from tests.botapi.server import BotAPIServer

    async with BotAPIServer() as server:
        yield server


@pytest.fixture
async def wx_api():
    """A fresh local WeChat Official Account + WeCom API server (tests/wxapi), safe (encrypted) mode."""
    from tests.wxapi import WxAPIServer

    async with WxAPIServer() as server:
        yield server


@pytest.fixture
async def world(bot_api, redis, redis_url: str, tmp_path: Path, trained_models: Path):
    """gridbot serving Telegram (polling) against the local Bot API server, with people in place."""
    from tests.telegram_harness import start_world

    running = await start_world(bot_api, redis_url, tmp_path / "var", trained_models)
    yield running
    await running.service.stop()


@pytest.fixture
async def console(world):
    """A browser on ``world``'s dispatch console (tests/console_harness.py), its accounts in place."""
    from tests.console_harness import console_for

    async with console_for(world) as browser:
        yield browser


@pytest.fixture
async def wechat(bot_api, wx_api, redis, redis_url: str, tmp_path: Path, trained_models: Path):
    """gridbot serving the Official Account against the local WeChat API server (and Telegram, for the
    workers), people in place; its follower may post in every mode (the account has an EncodingAESKey)."""
    from tests.wechat_harness import start_wechat_world

    running = await start_wechat_world(bot_api, wx_api, redis_url, tmp_path / "var", trained_models)
    yield running
    await running.close()
    assert not wx_api.internal_errors, wx_api.internal_errors[0]


@pytest.fixture
async def wecom_world(bot_api, wx_api, redis, redis_url: str, tmp_path: Path, trained_models: Path):
    """gridbot with Telegram and WeCom against the local Bot API and WeCom API servers, WeCom staff in place."""
    import aiohttp

    from tests.wecom_harness import start_world as start_wecom_world

    async with aiohttp.ClientSession() as session:
        running = await start_wecom_world(bot_api, wx_api, redis_url, tmp_path / "var", trained_models, session)
        try:
            yield running
        finally:
            await running.service.stop()
    assert not wx_api.internal_errors, wx_api.internal_errors[0]


@pytest.fixture(autouse=True)
def _forget_stopped_apps() -> Iterator[None]:
    """aiohttp caches each request's middleware chain by (handler, apps) for 1,024 entries, keeping every
    Application, and through it every service (its model, Redis pool), alive: in one serving process that
    is one app, but a test worker starts hundreds (80 MB each: a worker was OOM-killed at 11 GB).
    Cleared after each test so a stopped service can be collected."""
    yield
    from aiohttp import web_app

    cache = getattr(web_app, "_cached_build_middleware", None)
    if cache is not None:
        cache.cache_clear()
