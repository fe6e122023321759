"""The web service under a careful attacker: streams, sessions, bodies, headers, files, proxies.

Each test runs against a running service (real HTTP, the real Redis) with the settings it names, as
an operator would configure them.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis as sync_redis

from bot.infra import keys
from bot.infra.redis_memory import MemoryWatch
from bot.infra.embedded_redis import EmbeddedRedis
from tests.botapi.client import TINY_JPEG
from tests.telegram_harness import World, start_world

StartWorld = Callable[..., Awaitable[World]]
MESSAGE_ROUTES = ("/api/messages", "/api/category", "/api/location", "/api/tickets/T20261124-0001/rate")


@pytest.fixture
async def serve(bot_api, redis, redis_url: str, tmp_path: Path, trained_models: Path) -> AsyncIterator[StartWorld]:
    """Start gridbot with the given settings (on an emptied Redis); stopped after the test."""
    worlds: list[World] = []

    async def start(**settings: Any) -> World:
        worlds.append(await start_world(bot_api, redis_url, tmp_path / f"var{len(worlds)}", trained_models, **settings))
        return worlds[-1]

    yield start
    for world in worlds:
        await world.service.stop()


class Page:
    """One browser page: its own cookie jar (session) and, behind a proxy, the address it comes from."""

    def __init__(self, base: str, http: aiohttp.ClientSession, forwarded_for: str | None = None) -> None:
        self.base, self.http, self.csrf = base, http, ""
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}

    async def open(self) -> int:
        """GET /api/session, as the page does when it loads; the HTTP status."""
        async with self.http.get(f"{self.base}/api/session", headers=self.headers) as response:
            if response.status == 200:
                self.csrf = (await response.json())["csrf"]
            return response.status

    async def post(self, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        async with self.http.post(f"{self.base}{path}", json=body,
                                  headers={**self.headers, "X-CSRF-Token": self.csrf}) as response:
            return response.status, await response.json()

    async def stream(self) -> aiohttp.ClientResponse:
        """Open the event stream and leave it open (the caller closes it)."""
        return await self.http.get(f"{self.base}/api/events", headers=self.headers)


@asynccontextmanager
async def pages(world: World, count: int, forwarded_for: str | None = None) -> AsyncIterator[list[Page]]:
    """``count`` pages, each with a session of its own."""
    base = f"http://127.0.0.1:{world.service.http_port}"
    async with AsyncExitStack() as stack:
        opened = []
        for _ in range(count):
            http = await stack.enter_async_context(aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)))
            page = Page(base, http, forwarded_for)
            assert await page.open() == 200
            opened.append(page)
        yield opened


async def new_sessions(world: World, count: int, forwarded_for: str | None = None) -> list[tuple[int, str]]:
    """``count`` new sessions asked for at once (pages without a cookie): each one's status and error."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    url = f"http://127.0.0.1:{world.service.http_port}/api/session"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(),
                                     connector=aiohttp.TCPConnector(limit=50)) as http:
        async def one() -> tuple[int, str]:
            async with http.get(url, headers=headers) as response:
                return response.status, (await response.json()).get("error", "")
        return list(await asyncio.gather(*(one() for _ in range(count))))


async def session_statuses(world: World, count: int, forwarded_for: str | None = None) -> list[int]:
    """The statuses of :func:`new_sessions`."""
    return [status for status, _ in await new_sessions(world, count, forwarded_for)]


# -- 3. event streams -------------------------------------------------------------------------------------

async def test_a_session_may_hold_four_event_streams_and_a_closed_page_frees_its_place(serve: StartWorld) -> None:
    world = await serve()
    async with pages(world, 1) as (page,):
        streams = [await page.stream() for _ in range(4)]
        assert [s.status for s in streams] == [200] * 4
        refused = await page.stream()
        assert refused.status == 429 and "窗口" in (await refused.json())["error"]
        streams[0].close()  # the page is closed (reloaded): its place is free now, not at a keep-alive (15 s)
        for _ in range(20):
            await asyncio.sleep(0.1)
            if (again := await page.stream()).status == 200:
                break
            again.close()
        assert again.status == 200
        for response in (*streams, again):
            response.close()


async def test_event_streams_are_capped_per_client_ip_and_in_all(serve: StartWorld) -> None:
    world = await serve(trusted_proxies="127.0.0.1", web_event_streams_per_ip=3, web_event_streams_total=5)
    async with pages(world, 3, forwarded_for="203.0.113.7") as crowd, \
            pages(world, 3, forwarded_for="198.51.100.9") as others:
        first = [await page.stream() for page in crowd]
        assert [s.status for s in first] == [200] * 3
        over_ip = await crowd[0].stream()
        assert over_ip.status == 429 and "稍后" in (await over_ip.json())["error"]
        second = [await page.stream() for page in others]
        assert [s.status for s in second] == [200, 200, 429]  # five in all
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{crowd[0].base}/healthz") as health:
                assert health.status == 200
        for response in first + second:
            response.close()


FEW_FILES_SERVER = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (int(sys.argv[1]), int(sys.argv[1])))
from bot.cli.main import main
sys.exit(main(["serve"]))
"""


@asynccontextmanager
async def serve_with_open_files(limit: int, redis_url: str, data_dir: Path, trained_models: Path,
                                port: int) -> AsyncIterator[tuple[str, Path]]:
    """``gridbot serve`` as a separate process whose open-files limit (soft and hard) is ``limit``;
    yields its URL and the file its log goes to."""
    from tests.telegram_harness import copy_models

    copy_models(trained_models, data_dir)
    log = data_dir / "serve.log"
    env = {**os.environ, "GRIDBOT_DATA_DIR": str(data_dir), "GRIDBOT_REDIS_URL": redis_url,
           "GRIDBOT_HTTP_PORT": str(port)}
    env.pop("GRIDBOT_BOT_TOKEN", None)
    with open(log, "w") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", FEW_FILES_SERVER, str(limit), stderr=out, env=env,
            cwd=Path(__file__).resolve().parent.parent)
    try:
        for _ in range(300):
            if "serving on" in log.read_text():
                break
            assert process.returncode is None, log.read_text()
            await asyncio.sleep(0.1)
        yield f"http://127.0.0.1:{port}", log
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


@pytest.mark.slow
async def test_event_streams_stay_well_under_the_open_files_limit(redis, redis_url, tmp_path, trained_models) -> None:
    """The issue's probe, scaled down: streams until the descriptors would run out. The service answers
    429 well before, and /healthz and new requests still get through."""
    from tests.admin_helpers import free_port

    async with serve_with_open_files(256, redis_url, tmp_path, trained_models, free_port()) as (base, _), \
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        streams, statuses = [], []
        for _ in range(70):  # 70 sessions × 4 streams: more sockets than the process may open
            async with http.get(f"{base}/api/session") as response:
                assert response.status == 200
                cookie = response.cookies["gb_session"].value
            for _ in range(4):
                stream = await http.get(f"{base}/api/events", headers={"Cookie": f"gb_session={cookie}"},
                                        timeout=aiohttp.ClientTimeout(total=None, sock_read=5))
                statuses.append(stream.status)
                streams.append(stream)
        assert statuses.count(200) == 128 and set(statuses) == {200, 429}  # half the limit of 256
        async with http.get(f"{base}/healthz", timeout=aiohttp.ClientTimeout(total=3)) as health:
            assert health.status == 200
        for stream in streams:
            stream.close()


@pytest.mark.slow
async def test_accept_failures_are_logged_once_with_a_count(redis, redis_url, tmp_path, trained_models) -> None:
    """Idle connections until the process cannot accept more: one line in the log, not a traceback a second."""
    from tests.admin_helpers import free_port

    port = free_port()
    async with serve_with_open_files(160, redis_url, tmp_path, trained_models, port) as (base, log):
        before = len(log.read_text().splitlines())
        sockets = [await asyncio.open_connection("127.0.0.1", port) for _ in range(200)]
        await asyncio.sleep(3.5)  # asyncio retries a failed accept every second
        lines = log.read_text().splitlines()[before:]
        for _, writer in sockets:
            writer.close()
    failed = [line for line in lines if "accept" in line]
    assert len(failed) == 1 and "Too many open files" in failed[0] and "every 10 s" in failed[0], lines
    assert not any("Traceback" in line for line in lines), lines


# -- 4. sessions and Redis memory -----------------------------------------------------------------------------

async def test_session_creation_is_limited_per_client_ip_but_not_for_a_busy_community(serve: StartWorld) -> None:
    world = await serve()
    assert set(await session_statuses(world, 300)) == {200}  # a community behind one carrier-NAT address
    flood = await new_sessions(world, 1000)  # a script
    refused = [error for status, error in flood if status == 429]
    assert len(refused) >= 600 and all("请过一两分钟再刷新" in error for error in refused)


async def test_an_unused_session_lives_an_hour_and_its_first_post_keeps_it_a_month(serve: StartWorld) -> None:
    world = await serve()
    redis = world.service.redis
    async with pages(world, 1) as (page,):
        token = next(c.value for c in page.http.cookie_jar if c.key == "gb_session")
        assert 3500 < await redis.ttl(keys.web_session(token)) <= 3600
        async with page.http.get(f"{page.base}/api/tickets") as response:
            assert response.status == 200
        page.csrf, real = "forged", page.csrf
        assert (await page.post("/api/messages", {"text": "西正路8号路灯坏了"}))[0] == 403
        assert await redis.ttl(keys.web_session(token)) <= 3600  # reading or a forged post is no use
        page.csrf = real
        assert (await page.post("/api/messages", {"text": "西正路8号门口的路灯坏了好几天"}))[0] == 200
        assert await redis.ttl(keys.web_session(token)) > 29 * 24 * 3600


def test_embedded_redis_has_a_memory_limit_and_evicts_no_ticket(tmp_path: Path, monkeypatch) -> None:
    """Filled past its limit with what expires (sessions, say), the embedded server drops those and keeps
    everything without a TTL (tickets, streams); it never grows past the limit."""
    from bot.app.config import Settings
    from bot.app.runtime import embedded_or_none

    monkeypatch.setenv("GRIDBOT_REDIS_MAXMEMORY", "32mb")
    server = embedded_or_none(Settings(_env_file=None, data_dir=tmp_path))
    assert server is not None
    client = sync_redis.Redis.from_url(server.start())
    try:
        client.hset(keys.ticket("T20261124-0001"), mapping={"text": "西正路8号路灯坏了", "status": "pending"})
        client.xadd(keys.outbox("web"), {"event": "{}"})
        with client.pipeline(transaction=False) as pipe:
            for i in range(6000):  # 60 MB of sessions
                pipe.set(keys.web_session(f"flood-{i}"), "x" * 10_000, ex=3600)
            pipe.execute()
        # Redis evicts within a time budget per command and finishes in the background when writes come
        # faster than that (a busy machine), so memory may stand over the limit for a moment, not longer.
        deadline = time.monotonic() + 10
        while (memory := client.info("memory"))["used_memory"] >= 1.1 * memory["maxmemory"]:
            assert time.monotonic() < deadline, f"still {memory['used_memory']} bytes used after 10 s"
            time.sleep(0.05)
        assert memory["maxmemory"] == 32 * 1024**2
        assert client.dbsize() < 3400  # of the 6,000 10-kB sessions, no more than fit in 32 MB are kept
        assert client.hget(keys.ticket("T20261124-0001"), "status") == b"pending"
        assert client.xlen(keys.outbox("web")) == 1
    finally:
        client.close()
        server.stop()


async def test_redis_filling_up_shows_in_healthz_metrics_and_the_log(serve: StartWorld, caplog) -> None:
    world = await serve()
    redis, base = world.service.redis, f"http://127.0.0.1:{world.service.http_port}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/healthz") as response:
            assert (await response.json())["redis_memory"]["warning"] is None
        limit = await redis.config_get("maxmemory")
        used = (await redis.info("memory"))["used_memory"]
        await redis.config_set("maxmemory", int(used / 0.9))  # a 0.9 ratio: margin both ways as memory moves
        try:
            async with http.get(f"{base}/healthz") as response:
                health = await response.json()
            async with http.get(f"{base}/metrics") as response:
                metrics = await response.text()
            await MemoryWatch(redis).check()
        finally:
            await redis.config_set("maxmemory", limit["maxmemory"])
    assert response.status == 200 and "full" in health["redis_memory"]["warning"]
    assert 0.8 < health["redis_memory"]["used_ratio"] < 1
    ratio = float(re.search(r"^gridbot_redis_memory_used_ratio (\S+)$", metrics, re.M).group(1))
    assert ratio > 0.8 and re.search(r"^gridbot_redis_memory_max_bytes \d+$", metrics, re.M)
    assert any("Redis memory is" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


# -- 5. request bodies and text ---------------------------------------------------------------------------

async def test_deeply_nested_json_is_a_bad_request_on_every_json_route(serve: StartWorld) -> None:
    world = await serve()
    deep = ("[" * 5000 + "]" * 5000).encode()  # deeper than Python's parser goes, within the size limit
    deep_field = b'{"text": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    async with pages(world, 1) as (page,):
        for route in MESSAGE_ROUTES:
            for body in (deep, deep_field):
                async with page.http.post(f"{page.base}{route}", data=body, headers={
                        "X-CSRF-Token": page.csrf, "Content-Type": "application/json"}) as response:
                    assert response.status == 400, route
                    assert (await response.json())["error"] == "请求格式错误。"
            huge = ("[" * 100_000 + "]" * 100_000).encode()  # the probe's: refused before it is parsed
            async with page.http.post(f"{page.base}{route}", data=huge, headers={
                    "X-CSRF-Token": page.csrf, "Content-Type": "application/json"}) as response:
                assert response.status == 413 and "太大" in (await response.json())["error"]
    assert sum((await world.service.domain.store.count_by_status()).values()) == 0


async def test_a_json_body_over_16_kb_is_refused_before_it_is_read(serve: StartWorld) -> None:
    world = await serve()
    big = json.dumps({"text": "西正路8号路灯坏了" + "x" * int(5.9 * 1024 * 1024)}).encode()
    async with pages(world, 1) as (page,):
        async with page.http.post(f"{page.base}/api/messages", data=big, headers={
                "X-CSRF-Token": page.csrf, "Content-Type": "application/json"}) as response:
            assert response.status == 413 and "太大" in (await response.json())["error"]

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
            for start in range(0, 64 * 1024, 4096):
                yield big[start:start + 4096]

        async with page.http.post(f"{page.base}/api/messages", data=chunks(), headers={
                "X-CSRF-Token": page.csrf, "Content-Type": "application/json"}) as response:
            assert response.status == 413
        just_under = json.dumps({"text": "西正路8号门口的路灯坏了好几天" + " " * (15 * 1024)}).encode()
        async with page.http.post(f"{page.base}/api/messages", data=just_under, headers={
                "X-CSRF-Token": page.csrf, "Content-Type": "application/json"}) as response:
            assert response.status == 200 and (await response.json())["kind"] == "opened"


async def test_a_body_that_cannot_be_decoded_is_a_bad_request_on_every_route(serve: StartWorld) -> None:
    """A Content-Encoding that does not decompress, an unknown charset, an unknown transfer encoding of a
    form part: each is a malformed request (400 请求格式错误), not a server error."""
    world = await serve()
    part = b'--b\r\nContent-Disposition: form-data; name="caption"\r\n'
    photo_bodies = [
        (b"not gzip at all", "multipart/form-data; boundary=b", "gzip"),
        (part + b"Content-Transfer-Encoding: rot13\r\n\r\nabc\r\n--b--\r\n", "multipart/form-data; boundary=b", None),
        (part + b"Content-Type: text/plain; charset=bogus\r\n\r\nabc\r\n--b--\r\n", "multipart/form-data; boundary=b",
         None),
        (b"caption=abc", "application/x-www-form-urlencoded; charset=bogus", None),
    ]
    async with pages(world, 1) as (page,):
        posts = [(route, b'{"text": "x"}', "application/json", "gzip") for route in MESSAGE_ROUTES]
        posts += [("/api/photo", *body) for body in photo_bodies]
        for route, body, content_type, encoding in posts:
            # aiohttp drops the connection after a body it could not decode: each post on a new one
            headers = {"X-CSRF-Token": page.csrf, "Content-Type": content_type, "Connection": "close"}
            if encoding:
                headers["Content-Encoding"] = encoding
            async with page.http.post(f"{page.base}{route}", data=body, headers=headers) as response:
                assert response.status == 400, (route, body, await response.text())
                assert (await response.json())["error"] == "请求格式错误。"
    assert sum((await world.service.domain.store.count_by_status()).values()) == 0


async def test_nul_characters_are_stripped_from_what_residents_write(serve: StartWorld) -> None:
    world = await serve()
    tickets = world.service.domain.tickets
    async with pages(world, 1) as (page,):
        status, reply = await page.post("/api/messages", {"text": "西正路8号门口的\x00路灯坏了好几天\x00"})
        assert status == 200
        async with page.http.get(f"{page.base}/api/tickets") as response:
            listed = (await response.json())["tickets"]
    assert [t["text"] for t in listed] == ["西正路8号门口的路灯坏了好几天"]
    await world.says(world.resident, "西正路8号门口垃圾\x00堆了三天没人收")
    number = await world.ticket_number(world.resident)
    assert (await tickets.get(number)).text == "西正路8号门口垃圾堆了三天没人收"


# -- 7. headers, cookies and files ------------------------------------------------------------------------------

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Server": "gridbot",
}


async def test_every_response_carries_the_security_headers_and_no_versions(serve: StartWorld) -> None:
    world = await serve()
    async with pages(world, 1) as (page,):
        responses = []
        for path in ("/", "/static/app.js", "/static/style.css", "/api/session", "/api/tickets", "/healthz",
                     "/metrics", "/no-such-page"):
            async with page.http.get(f"{page.base}{path}") as response:
                responses.append(response)
        async with page.http.post(f"{page.base}/api/messages", json={"text": "x"}) as response:
            responses.append(response)  # refused: no CSRF token
        stream = await page.stream()
        responses.append(stream)
        stream.close()
    assert [r.status for r in responses] == [200] * 7 + [404, 403, 200]
    for response in responses:
        assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS, response.url


async def test_the_session_cookie_is_secure_when_the_public_address_is_https(serve: StartWorld) -> None:
    for public_url, secure in (("https://wangge.example.cn", True), ("http://127.0.0.1:8080", False)):
        world = await serve(public_url=public_url)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{world.service.http_port}/api/session") as response:
                cookie = SimpleCookie(response.headers["Set-Cookie"])["gb_session"]
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        assert bool(cookie["secure"]) is secure, public_url


async def test_the_page_works_under_its_content_security_policy(serve: StartWorld) -> None:
    from playwright.async_api import async_playwright, expect

    from tests.test_browser import CHROMIUM_ARGS, chromium_path

    world = await serve()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 780}, locale="zh-CN")
            console: list[str] = []
            page.on("console", lambda message: console.append(message.text))
            await page.add_init_script("""window.violations = [];
                document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective));""")
            response = await page.goto(f"http://127.0.0.1:{world.service.http_port}/")
            assert response is not None and "frame-ancestors 'none'" in response.headers["content-security-policy"]
            await page.get_by_label("描述您的问题").fill("西正路8号门口的路灯坏了好几天，晚上很黑")
            await page.get_by_role("button", name="发送", exact=True).click()
            await expect(page.locator(".msg.bot", has_text="已受理")).to_be_visible(timeout=10_000)
            assert await page.evaluate("window.violations") == []
            assert not [line for line in console if "Content Security Policy" in line], console
        finally:
            await browser.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_embedded_redis_files_are_readable_by_gridbot_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    (data_dir / "redis").mkdir(parents=True)
    data_dir.chmod(0o755), (data_dir / "redis").chmod(0o755)  # as an older gridbot or a loose umask left them
    (data_dir / "redis" / "dump.rdb").write_bytes(b"")
    (data_dir / "redis" / "dump.rdb").chmod(0o644)
    server = EmbeddedRedis(data_dir)
    client = sync_redis.Redis.from_url(server.start())
    try:
        client.set(keys.web_session("probe"), "13800138000")
        client.save()
        assert _mode(server.socket_path) == 0o600
    finally:
        client.close()
        server.stop()
    assert (_mode(data_dir), _mode(data_dir / "redis")) == (0o700, 0o700)
    files = {path.name: _mode(path) for path in (data_dir / "redis").iterdir()}
    assert {"appendonly.aof", "dump.rdb", "redis.log"} <= set(files)
    assert set(files.values()) == {0o600}, files


async def test_photos_are_refused_before_they_would_fill_the_disk(serve: StartWorld, tmp_path: Path) -> None:
    """Uploads are rate-limited only as posts are, so a script could fill the disk that Redis writes the
    tickets to: a photo that would leave less than GRIDBOT_UPLOADS_KEEP_FREE free is not kept."""
    world = await serve(uploads_keep_free=shutil.disk_usage(tmp_path).free + 1024**4)  # as good as full
    uploads = world.service.settings.uploads_dir
    async with pages(world, 1) as (page,):
        form = aiohttp.FormData()
        form.add_field("photo", TINY_JPEG, filename="p.jpg", content_type="image/jpeg")
        form.add_field("caption", "西正路8号门口的井盖丢了")
        async with page.http.post(f"{page.base}/api/photo", data=form, headers={"X-CSRF-Token": page.csrf}) as response:
            status, reply = response.status, await response.json()
        assert status == 507 and "文字" in reply["error"], reply
        assert list(uploads.iterdir()) == []
        assert sum((await world.service.domain.store.count_by_status()).values()) == 0
        status, reply = await page.post("/api/messages", {"text": "西正路8号门口的井盖丢了"})
        assert status == 200 and reply["kind"] == "opened"  # words still get through


# -- 8. trusted proxies ---------------------------------------------------------------------------------------

async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(serve: StartWorld) -> None:
    behind_proxy = await serve(trusted_proxies="10.9.0.0/16, 127.0.0.1", web_sessions_per_ip_per_minute=5)
    assert set(await session_statuses(behind_proxy, 5, "203.0.113.7")) == {200}
    assert await session_statuses(behind_proxy, 1, "203.0.113.7") == [429]
    assert await session_statuses(behind_proxy, 1, "198.51.100.9") == [200]  # another resident
    # a client's own X-Forwarded-For comes first; the proxies append what they saw: the client is
    # the rightmost address that is not a trusted proxy
    assert await session_statuses(behind_proxy, 1, "198.51.100.77, 203.0.113.7") == [429]
    assert await session_statuses(behind_proxy, 1, "203.0.113.7, 10.9.3.4") == [429]

    direct = await serve(web_sessions_per_ip_per_minute=5)  # no proxy trusted: the header means nothing
    assert set(await session_statuses(direct, 5, "203.0.113.7")) == {200}
    assert await session_statuses(direct, 1, "198.51.100.9") == [429]


async def test_posts_are_limited_per_client_behind_a_trusted_proxy(serve: StartWorld) -> None:
    world = await serve(trusted_proxies="127.0.0.1")
    async with pages(world, 4, forwarded_for="203.0.113.7") as crowd, \
            pages(world, 1, forwarded_for="198.51.100.9") as (neighbour,):
        statuses = [(await page.post("/api/messages", {"text": f"第{i}次：你好"}))[0]
                    for i in range(20) for page in crowd]
        assert statuses[:60] == [200] * 60 and 429 in statuses[60:]  # 60 at once from one client
        assert (await neighbour.post("/api/messages", {"text": "你好"}))[0] == 200


@pytest.mark.parametrize(("variable", "value"), [
    ("GRIDBOT_TRUSTED_PROXIES", "10.0.0.1,proxy.local"),
    ("GRIDBOT_TRUSTED_PROXIES", "10.0.0.0/33"),
    ("GRIDBOT_REDIS_MAXMEMORY", "lots"),
    ("GRIDBOT_REDIS_MAXMEMORY", "1mb"),
    ("GRIDBOT_UPLOADS_KEEP_FREE", "plenty"),
    ("GRIDBOT_WEB_EVENT_STREAMS_TOTAL", "1000000000"),
])
def test_a_dangerous_setting_refuses_to_start(variable: str, value: str, redis_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "GRIDBOT_DATA_DIR": str(tmp_path), "GRIDBOT_REDIS_URL": redis_url, "GRIDBOT_HTTP_PORT": "0",
           variable: value}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "serve"], env=env, capture_output=True, text=True,
                            timeout=30, cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 1 and result.stderr.startswith("gridbot: error: configuration"), result.stderr
    assert variable in result.stderr and "serving on" not in result.stderr
