"""Redis Sentinel: gridbot finds the master through the sentinels, and after the master dies it carries on
with the promoted replica (real redis-server processes: a master, a replica and one sentinel)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app.config import Settings
from bot.infra.embedded_redis import redis_server_binary
from bot.app.runtime import Domain, build_domain, redis_client
from bot.tickets.service import NewRequest


def request(resident: str, text: str) -> NewRequest:
    return NewRequest(resident, text, "municipal")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(redis_server_binary()), *args], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture
def sentinel_setup(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, int]]:
    master_port, replica_port, sentinel_port = free_port(), free_port(), free_port()
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    master = launch(["--port", str(master_port), *common], tmp_path)
    wait_for_port(master_port)
    replica = launch(["--port", str(replica_port), "--replicaof", "127.0.0.1", str(master_port), *common], tmp_path)
    wait_for_port(replica_port)
    (tmp_path / "sentinel.conf").write_text(
        f"port {sentinel_port}\nbind 127.0.0.1\n"
        f"sentinel monitor gridbot 127.0.0.1 {master_port} 1\n"
        "sentinel down-after-milliseconds gridbot 1000\n"
        "sentinel failover-timeout gridbot 5000\n"
    )
    sentinel = launch([str(tmp_path / "sentinel.conf"), "--sentinel"], tmp_path)
    wait_for_port(sentinel_port)
    try:
        yield master, replica_port, sentinel_port
    finally:
        for process in (master, replica, sentinel):
            process.kill()
            process.wait()


async def test_tickets_survive_a_master_failover_through_sentinel(
        sentinel_setup: tuple[subprocess.Popen[bytes], int, int], tmp_path: Path) -> None:
    master, replica_port, sentinel_port = sentinel_setup
    settings = Settings(_env_file=None, data_dir=tmp_path, redis_sentinels=f"127.0.0.1:{sentinel_port}",
                        redis_sentinel_master="gridbot")
    redis = redis_client(settings, None)
    try:
        domain = await build_domain(redis, settings)
        opened = await domain.tickets.open(request("telegram:1", "西正路8号路灯坏了，晚上很黑"))
        await redis.execute_command("WAIT", 1, 2000)  # the replica has it before the master dies

        master.kill()
        master.wait()
        after = await _when_writable(domain)

        assert after.ticket.number != opened.ticket.number
        assert (await domain.store.get(opened.ticket.number)) is not None  # kept by the promoted replica
        address = await redis.connection_pool.get_master_address()  # type: ignore[attr-defined]
        assert address == ("127.0.0.1", replica_port)
    finally:
        await redis.aclose()


async def _when_writable(domain: Domain):  # type: ignore[no-untyped-def]
    """Open a ticket as soon as the promoted replica takes writes (the failover takes a few seconds)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return await domain.tickets.open(request("telegram:2", "东正路3号垃圾没人清运，味道很大"))
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)
