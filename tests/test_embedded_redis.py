"""The embedded Redis: one real server per data dir, shared by every process, shut down by the last."""

import subprocess
import sys
import textwrap
from pathlib import Path

from bot.infra import keys
from bot.infra.embedded_redis import EmbeddedRedis, _ping

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import redis
    from bot.infra.embedded_redis import EmbeddedRedis
    server = EmbeddedRedis(Path(sys.argv[1]))
    client = redis.Redis.from_url(server.start())
    print(client.info("server")["process_id"], flush=True)
    sys.stdin.readline()  # hold the server until told to leave
    print(server.stop(), flush=True)
""")


def _holder(data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HOLDER, str(data_dir)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)


def test_two_processes_share_one_server_and_the_last_one_shuts_it_down(tmp_path: Path) -> None:
    first, second = _holder(tmp_path), _holder(tmp_path)
    first_pid, second_pid = first.stdout.readline().strip(), second.stdout.readline().strip()
    assert first_pid == second_pid  # the same redis-server process
    socket_path = EmbeddedRedis(tmp_path).socket_path
    first.stdin.write("\n"), first.stdin.flush()
    assert first.stdout.readline().strip() == "False"  # second still uses it
    assert _ping(socket_path)
    second.stdin.write("\n"), second.stdin.flush()
    assert second.stdout.readline().strip() == "True"
    assert not _ping(socket_path)
    first.wait(10), second.wait(10)


def test_data_survives_a_restart_through_the_append_only_file(tmp_path: Path) -> None:
    import redis

    server = EmbeddedRedis(tmp_path)
    probe = keys.web_session("probe")
    redis.Redis.from_url(server.start()).set(probe, "kept")
    server.stop()
    assert (tmp_path / "redis" / "appendonly.aof").exists()
    client = redis.Redis.from_url(server.start())
    assert client.get(probe) == b"kept"
    client.close()
    server.stop()


def test_a_crashed_user_does_not_keep_the_server_alive(tmp_path: Path) -> None:
    holder = _holder(tmp_path)
    holder.stdout.readline()
    holder.kill()
    holder.wait(10)
    server = EmbeddedRedis(tmp_path)
    server.start()
    assert server.stop() is True
