"""The web chat: the same tickets, workers and notifications as Telegram, for a browser session."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from PIL import Image

from bot.texts import residents as resident_texts
from bot.tickets.states import Status
from tests.botapi.client import TINY_JPEG
from tests.telegram_harness import NUMBER, World

STATIC = Path(__file__).resolve().parent.parent / "bot" / "channels" / "web" / "static"


class Browser:
    """A browser session: cookie jar, CSRF token, and the live event stream."""

    def __init__(self, base: str, http: aiohttp.ClientSession) -> None:
        self.base, self.http, self.csrf = base, http, ""
        self.events: list[dict[str, Any]] = []
        self.last_id: str | None = None

    async def open(self) -> None:
        async with self.http.get(f"{self.base}/api/session") as response:
            self.csrf = (await response.json())["csrf"]

    async def post(self, path: str, body: Any = None, *, csrf: bool = True, form: aiohttp.FormData | None = None,
                   request_id: str | None = None):
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        if request_id is not None:
            headers["X-Request-Id"] = request_id
        async with self.http.post(f"{self.base}{path}", json=None if form else (body or {}), data=form,
                                  headers=headers) as response:
            return response.status, await response.json()

    async def listen(self, stop_after: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Read the event stream until ``stop_after`` new notifications arrived."""
        headers = {"Last-Event-ID": self.last_id} if self.last_id else {}
        got: list[dict[str, Any]] = []
        async with self.http.get(f"{self.base}/api/events", headers=headers,
                                 timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            event_id = None
            async for raw in response.content:
                line = raw.decode().rstrip("\n")
                if line.startswith("id: "):
                    event_id = line[4:]
                elif line.startswith("data: "):
                    got.append(json.loads(line[6:]))
                    self.last_id = event_id
                    if len(got) >= stop_after:
                        break
        self.events += got
        return got


@asynccontextmanager
async def browser(world: World) -> AsyncIterator[Browser]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        session = Browser(f"http://127.0.0.1:{world.service.http_port}", http)
        await session.open()
        yield session


def test_page_has_no_external_resources_and_speaks_chinese() -> None:
    for name in ("index.html", "app.js", "style.css"):
        content = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=[\"']https?://", content), name
        assert "cdn" not in content.lower(), name
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in page and "描述您的问题" in page and 'name="viewport"' in page


async def test_page_is_served_at_the_root(world: World) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{world.service.http_port}/") as response:
            assert response.status == 200 and "网格服务" in await response.text()


async def test_posts_need_the_session_csrf_token(world: World) -> None:
    async with browser(world) as web:
        status, body = await web.post("/api/messages", {"text": "西正路8号路灯坏了"}, csrf=False)
        assert status == 403 and "校验失败" in body["error"]
    async with aiohttp.ClientSession() as http:
        async with http.post(f"http://127.0.0.1:{world.service.http_port}/api/messages", json={"text": "x"}) as response:
            assert response.status == 401


async def test_web_request_goes_through_the_same_workers_and_rating(world: World) -> None:
    async with browser(world) as web:
        status, reply = await web.post("/api/messages", {"text": "西正路8号门口的路灯坏了好几天<script>x</script>"})
        assert status == 200 and reply["kind"] == "opened"
        number = reply["number"]
        receipt = (await web.listen(1))[0]
        assert receipt["kind"] == "ticket_opened" and number in receipt["html"]
        offer = await world.sees(world.worker, "新工单", number)
        await world.presses(world.worker, offer, "接单")
        accepted = (await web.listen(1))[0]
        assert accepted["status"] == "accepted" and "处理中" in accepted["html"]
        await world.service.domain.tickets.resolve(number, f"telegram:{world.worker.id}", "灯已修好")
        done = (await web.listen(1))[0]
        assert [b["text"] for b in done["buttons"][0]] == ["1", "2", "3", "4", "5"]
        status, rated = await web.post(f"/api/tickets/{number}/rate", {"stars": 4})
        assert status == 200 and number in rated["message"]
        assert (await world.service.domain.tickets.get(number)).status == Status.CLOSED


async def test_another_session_sees_and_changes_nothing(world: World) -> None:
    async with browser(world) as owner, browser(world) as other:
        number = (await owner.post("/api/messages", {"text": "西正路8号门口的井盖丢了"}))[1]["number"]
        status, body = await other.post(f"/api/tickets/{number}/cancel")
        assert status == 404 and "找不到" in body["error"]  # as for an unknown number
        async with other.http.get(f"{other.base}/api/tickets") as response:
            assert (await response.json())["tickets"] == []
        async with owner.http.get(f"{owner.base}/api/tickets") as response:
            assert [t["number"] for t in (await response.json())["tickets"]] == [number]


async def test_unknown_place_then_location_by_geolocation(world: World) -> None:
    async with browser(world) as web:
        reply = (await web.post("/api/messages", {"text": "我家楼下的路灯坏了好几天了"}))[1]
        assert reply["kind"] == "ask_location" and "位置" in reply["question"]
        grid = (await world.service.domain.grids.current()).get("GC-XY-01")
        point = grid.geometry.representative_point()
        reply = (await web.post("/api/location", {"lat": point.y, "lon": point.x}))[1]
        assert reply["kind"] == "opened"
        assert (await world.service.domain.tickets.get(reply["number"])).grid_id == "GC-XY-01"


async def test_a_resent_post_and_a_doubled_answer_open_one_ticket(world: World) -> None:
    async with browser(world) as web:
        lamp = {"text": "西正路8号门口的路灯坏了好几天"}
        replies = await asyncio.gather(*(web.post("/api/messages", lamp, request_id="send-1") for _ in range(3)))
        assert {reply["number"] for _, reply in replies} == {replies[0][1]["number"]}
        # a request waiting for its location, answered twice at once (a double tap)
        assert (await web.post("/api/messages", {"text": "我家楼下的路灯坏了好几天了"}))[1]["kind"] == "ask_location"
        replies = await asyncio.gather(*(web.post("/api/location", {"skip": True}) for _ in range(2)))
        numbers = {reply.get("number") for _, reply in replies}
        assert len(numbers) == 1 and None not in numbers, replies
    assert sum((await world.service.domain.store.count_by_status()).values()) == 2


async def test_a_new_request_instead_of_the_address_is_kept_as_its_own(world: World) -> None:
    tickets = world.service.domain.tickets
    async with browser(world) as web:
        assert (await web.post("/api/messages", {"text": "我家楼下的路灯坏了好几天了"}))[1]["kind"] == "ask_location"
        status, reply = await web.post("/api/messages", {"text": "西正路8号门口垃圾堆了三天没人收"})
        assert status == 200 and reply["kind"] == "opened" and "上一条" in reply["notice"]
        earlier = await tickets.get(NUMBER.search(reply["notice"]).group(0))
        new = await tickets.get(reply["number"])
        assert (earlier.text, earlier.category, earlier.grid_id) == ("我家楼下的路灯坏了好几天了", "municipal", None)
        assert (new.text, new.category, new.grid_id) == ("西正路8号门口垃圾堆了三天没人收", "sanitation", "GC-XY-01")

        # more words about the same matter join the waiting request
        assert (await web.post("/api/messages", {"text": "小区门口的路灯坏了"}))[1]["kind"] == "ask_location"
        reply = (await web.post("/api/messages", {"text": "在西正路8号，路灯晚上一直不亮很黑"}))[1]
        assert reply["kind"] == "opened" and "notice" not in reply
        ticket = await tickets.get(reply["number"])
        assert ticket.text == "小区门口的路灯坏了\n在西正路8号，路灯晚上一直不亮很黑" and ticket.grid_id == "GC-XY-01"


async def test_a_neighbour_following_a_ticket_may_not_withdraw_it(world: World) -> None:
    async with browser(world) as first, browser(world) as neighbour:
        opened = (await first.post("/api/messages", {"text": "西正路8号门口的路灯坏了，晚上很黑"}))[1]
        linked = (await neighbour.post("/api/messages", {"text": "西正路8号门口路灯坏了好几天，晚上黑"}))[1]
        assert linked["kind"] == "linked" and linked["number"] == opened["number"]
        async with neighbour.http.get(f"{neighbour.base}/api/tickets") as response:
            listed = (await response.json())["tickets"]
        assert [(t["number"], t["own"]) for t in listed] == [(opened["number"], False)]
        async with first.http.get(f"{first.base}/api/tickets") as response:
            assert [t["own"] for t in (await response.json())["tickets"]] == [True]


async def test_bad_input_gets_clear_answers(world: World) -> None:
    async with browser(world) as web:
        assert (await web.post("/api/messages", {"text": "  ？！。 "}))[0] == 400  # (an emoji alone is a nod)
        assert (await web.post("/api/messages", {"text": "长" * 2001}))[0] == 400
        assert (await web.post("/api/location", {"lat": "north", "lon": 1}))[0] == 400
        assert (await web.post("/api/messages", {"text": None}))[0] == 400  # not the request "None"
        assert (await web.post("/api/messages", {"text": ["西正路8号路灯坏了"]}))[0] == 400
        assert (await web.post("/api/location", {"address": 8}))[0] == 400
        status, reply = await web.post("/api/tickets/T20261124-0001/rate", {"stars": 1e308 * 10})
        assert status != 500 and not reply["ok"]
        async with web.http.post(f"{web.base}/api/messages", data='{"text": "路灯坏了"}'.encode(), headers={
                "X-CSRF-Token": web.csrf, "Content-Type": "application/json; charset=bogus"}) as response:
            assert response.status == 400 and "格式" in (await response.json())["error"]
        async with web.http.post(f"{web.base}/api/messages", data=b"{not json", headers={
                "X-CSRF-Token": web.csrf, "Content-Type": "application/json"}) as response:
            assert response.status == 400
    assert sum((await world.service.domain.store.count_by_status()).values()) == 0


async def test_a_position_beyond_any_float_is_a_bad_request_not_a_crash(world: World) -> None:
    async with browser(world) as web:
        for body in ({"lat": 10**400, "lon": 113}, {"lat": 23, "lon": -(10**400)}):
            status, reply = await web.post("/api/location", body)
            assert status == 400 and reply["error"] == resident_texts.location_malformed(), (status, reply)


async def test_text_that_is_not_valid_unicode_is_kept_readable_and_sinks_no_other_request(world: World) -> None:
    """JSON can carry a lone UTF-16 surrogate (\\ud800), which is no character: it cannot be stored or
    segmented. The request is opened with it replaced, and requests classified alongside it are unharmed."""
    async with browser(world) as web, browser(world) as neighbour, browser(world) as other:
        async def raw_post(session: Browser, body: bytes) -> tuple[int, dict]:
            async with session.http.post(f"{session.base}/api/messages", data=body, headers={
                    "X-CSRF-Token": session.csrf, "Content-Type": "application/json"}) as response:
                return response.status, await response.json()

        results = await asyncio.gather(
            raw_post(web, '{"text": "\\ud800西正路8号的路灯坏了好几天"}'.encode()),
            neighbour.post("/api/messages", {"text": "西正路8号楼下餐馆油烟太大，熏得没法开窗"}),
            other.post("/api/messages", {"text": "西正路8号有个井盖不见了，晚上很危险"}),
            raw_post(web, b'{"text": "\\udfff\\ud800"}'),
        )
        (status, reply), (n_status, _), (o_status, _), (empty_status, _) = results
        assert (status, n_status, o_status) == (200, 200, 200)
        assert empty_status == 400  # nothing readable at all: asked to write the request
        ticket = await world.service.domain.tickets.get(reply["number"])
        assert ticket.text == "\ufffd西正路8号的路灯坏了好几天"

    async with browser(world) as web:  # a caption whose bytes are not UTF-8: a surrogate's, then 路灯坏了
        body = (b"--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\n"
                b"Content-Type: image/jpeg\r\n\r\n" + TINY_JPEG + b"\r\n--b\r\n"
                b"Content-Disposition: form-data; name=\"caption\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                + b"\xed\xa0\x80" + "西正路8号路灯坏了".encode() + b"\r\n--b--\r\n")
        async with web.http.post(f"{web.base}/api/photo", data=body, headers={
                "X-CSRF-Token": web.csrf, "Content-Type": "multipart/form-data; boundary=b"}) as response:
            assert response.status == 400 and "无法识别" in (await response.json())["error"]
    assert sum((await world.service.domain.store.count_by_status()).values()) == 3  # the photo opened none

async def test_photo_upload_limits(world: World) -> None:
    async with browser(world) as web:
        def form(data: bytes, caption: str = "西正路8号井盖坏了") -> aiohttp.FormData:
            f = aiohttp.FormData()
            f.add_field("photo", data, filename="p.jpg", content_type="image/jpeg")
            f.add_field("caption", caption)
            return f

        assert (await web.post("/api/photo", form=form(b"GIF89a....")))[0] == 415
        assert (await web.post("/api/photo", form=form(TINY_JPEG, caption=" ")))[0] == 400
        assert (await web.post("/api/photo", form=form(b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024))))[0] == 413
        status, reply = await web.post("/api/photo", form=form(b"\xff\xd8\xff" + b"0" * (7 * 1024 * 1024)))
        assert status == 413 and "5 MB" in reply["error"]  # over the server's body limit: the same answer
        assert (await web.post("/api/photo", form=form(TINY_JPEG, caption="长" * 2001)))[0] == 400
        status, reply = await web.post("/api/photo", form=form(TINY_JPEG))
        assert status == 200 and reply["kind"] == "opened"
        ticket = await world.service.domain.tickets.get(reply["number"])
        assert ticket.photo and ticket.photo.startswith("web:")
        kept = Image.open(world.service.settings.uploads_dir / ticket.photo[4:])  # re-encoded (tests/test_photos.py)
        assert (kept.format, kept.size) == ("JPEG", (8, 8))


async def test_a_flood_of_posts_is_rate_limited(world: World) -> None:
    async with browser(world) as web:
        statuses = [(await web.post("/api/messages", {"text": f"第{i}次：你好"}))[0] for i in range(25)]
        assert statuses.count(429) >= 1 and statuses[0] == 200


async def test_events_resume_after_a_reconnect(world: World) -> None:
    async with browser(world) as web:
        number = (await web.post("/api/messages", {"text": "西正路8号门口的路灯坏了好几天"}))[1]["number"]
        await web.listen(1)  # the receipt; then the connection drops
        await world.service.domain.tickets.accept(number, f"telegram:{world.worker.id}")
        await asyncio.sleep(0.3)  # the update happens while nobody listens
        missed = await web.listen(1)  # reconnect with Last-Event-ID
        assert missed[0]["status"] == "accepted" and NUMBER.search(missed[0]["html"]).group(0) == number


async def test_many_open_pages_share_one_redis_subscription(world: World) -> None:
    """150 pages wait for news at once (more than the Redis pool's 100 connections): none holds a
    connection while it waits, each gets its own notification, and the service keeps answering."""
    pages = 150
    sessions: list[Browser] = []
    listening: list[asyncio.Task[list[dict[str, Any]]]] = []
    try:
        for _ in range(pages):
            http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
            web = Browser(f"http://127.0.0.1:{world.service.http_port}", http)
            await web.open()
            sessions.append(web)
        listening = [asyncio.create_task(web.listen(1, timeout=30)) for web in sessions]
        await asyncio.sleep(1.0)  # every page is now waiting on its event stream
        blocked = [c for c in await world.service.redis.client_list() if c["cmd"] == "xread" and "b" in c["flags"]]
        assert blocked == []  # no page holds a connection blocked in XREAD while it waits
        last = sessions[-1]
        status, reply = await last.post("/api/messages", {"text": "西正路8号门口的路灯坏了好几天"})
        assert status == 200 and reply["kind"] == "opened"
        receipt = await asyncio.wait_for(listening[-1], 15)
        assert receipt[0]["kind"] == "ticket_opened" and reply["number"] in receipt[0]["html"]
        assert not any(task.done() for task in listening[:-1])  # the others heard nothing of it
    finally:
        for task in listening:
            task.cancel()
        for web in sessions:
            await web.http.close()
