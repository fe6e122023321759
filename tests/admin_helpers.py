"""Helpers for tests that run a second gridbot process beside the one under test."""

from __future__ import annotations

import asyncio
import json
import socket
import time
import urllib.request
from collections.abc import Callable
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def health(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
        return json.loads(response.read())


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


async def serving(port: int, timeout: float = 60) -> None:
    """Wait until the gridbot on ``port`` is healthy, without blocking the event loop: a `serve` checks
    the Bot API before it listens, and the test's Bot API server runs on this loop."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (await asyncio.to_thread(health, port))["status"] == "ok":
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for gridbot to serve on port {port}")
