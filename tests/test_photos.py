"""Residents' photos from the web chat: re-encoded before they are kept, delivered to the workers and
supervisors on Telegram as uploads, shown to operators by `tickets show`, and served to staff only
through signed, expiring links."""

from __future__ import annotations

import asyncio
import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import ExifTags, Image

from bot.infra import keys
from bot.texts.render import render
from bot.tickets.notifications import Notification
from bot.photos.links import PhotoLinks, load_secret
from bot.photos.store import MAX_EDGE
from bot.tickets.service import NewRequest
from tests.botapi.client import buttons
from tests.conftest import CliResult, run_gridbot_inline
from tests.telegram_harness import World
from tests.test_web_chat import Browser, browser

PLACED = "西正路8号门口的井盖坏了，很危险"


def camera_jpeg(width: int, height: int) -> bytes:
    """A phone photo stored sideways (EXIF orientation 6: turn it 90° clockwise), left half red, right
    half blue, carrying GPS coordinates, the phone's make and a comment."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width // 2, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "GridPhone"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (23.0, 2.0, 30.0), 3: "E", 4: (113.0, 45.0, 10.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at home, Room 502")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def photo_form(data: bytes, caption: str = PLACED) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("photo", data, filename="IMG_0001.jpg", content_type="image/jpeg")
    form.add_field("caption", caption)
    return form


def uploads(world: World) -> Path:
    return world.service.settings.uploads_dir


def stored_file(world: World, reference: str) -> Path:
    assert reference.startswith("web:"), reference
    return uploads(world) / reference[4:]


async def open_with_photo(world: World, web: Browser, data: bytes, caption: str = PLACED) -> str:
    status, reply = await web.post("/api/photo", form=photo_form(data, caption))
    assert status == 200 and reply["kind"] == "opened", reply
    return reply["number"]


async def ticket_count(world: World) -> int:
    return sum((await world.service.domain.store.count_by_status()).values())


async def test_a_file_that_only_starts_like_a_jpeg_is_refused_in_chinese(world: World) -> None:
    async with browser(world) as web:
        status, reply = await web.post("/api/photo", form=photo_form(b"\xff\xd8\xff\xe0" + b"\x00" * 9))
    assert status == 400 and "照片打不开" in reply["error"]
    assert await ticket_count(world) == 0
    assert not uploads(world).exists() or list(uploads(world).iterdir()) == []


async def test_a_decompression_bomb_is_refused_before_it_is_decoded(world: World) -> None:
    async with browser(world) as web:
        for width, height in ((8000, 7000), (30000, 30000)):  # over our limit; over Pillow's own as well
            status, reply = await web.post("/api/photo", form=photo_form(png_header_only(width, height)))
            assert status == 413 and "像素" in reply["error"], (width, height, reply)
    assert await ticket_count(world) == 0


async def test_a_kept_photo_is_upright_bounded_and_tells_nobody_where_it_was_taken(world: World) -> None:
    async with browser(world) as web:
        number = await open_with_photo(world, web, camera_jpeg(4000, 1500))
    ticket = await world.service.domain.tickets.get(number)
    kept = stored_file(world, ticket.photo).read_bytes()
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG" and image.size == (round(1500 * MAX_EDGE / 4000), MAX_EDGE)  # turned upright
    assert image.getpixel((image.width // 2, 10))[0] > 200 and image.getpixel((image.width // 2, image.height - 10))[2] > 200
    assert dict(image.getexif()) == {} and "comment" not in image.info and "icc_profile" not in image.info
    assert b"GridPhone" not in kept and b"Room 502" not in kept


async def test_uploads_are_private_to_the_service(world: World) -> None:
    async with browser(world) as web:
        number = await open_with_photo(world, web, camera_jpeg(40, 30))
    path = stored_file(world, (await world.service.domain.tickets.get(number)).photo)
    assert path.stat().st_mode & 0o777 == 0o600
    assert uploads(world).stat().st_mode & 0o777 == 0o700


def photo_bytes(world: World, message: dict[str, Any]) -> bytes:
    assert message.get("photo"), message
    return world.server.file_bytes(message["photo"][-1]["file_id"])


async def test_a_web_photo_reaches_the_grids_workers_as_an_upload_with_the_ticket_as_caption(world: World) -> None:
    async with browser(world) as web:
        number = await open_with_photo(world, web, camera_jpeg(3000, 2000))
        async with web.http.get(f"{web.base}/api/tickets") as response:
            listed = await response.text()
    photo = (await world.service.domain.tickets.get(number)).photo
    kept = stored_file(world, photo).read_bytes()
    offers = {worker.id: await world.sees(worker, "新工单", number, "井盖坏了") for worker in (world.worker, world.colleague)}
    for offer in offers.values():
        assert photo_bytes(world, offer) == kept and Image.open(io.BytesIO(photo_bytes(world, offer))).size == (1707, 2560)
        assert buttons(offer) == ["接单", "退回"]
    await world.presses(world.worker, offers[world.worker.id], "接单")  # the buttons work on a photo as on a text
    await world.server.wait_for_edit(world.worker.id, offers[world.worker.id], lambda m: "办结" in buttons(m))
    uploads_sent = [r for r in world.server.requests if r.method == "sendPhoto"]
    assert uploads_sent and all(r.content_type == "multipart/form-data" for r in uploads_sent)
    to_resident = [render(Notification.from_fields(fields))
                   for _, fields in await world.service.redis.xrange(keys.outbox("web"))]
    assert [note.text for note in to_resident if number in note.text]  # the receipt, …
    assert all(photo[4:] not in note.text for note in to_resident)  # … and a resident never gets a link
    assert photo[4:] not in listed and "/photos/" not in listed


async def test_a_supervisor_dispatching_an_unplaced_ticket_gets_its_photo(world: World) -> None:
    async with browser(world) as web:
        status, reply = await web.post("/api/photo", form=photo_form(camera_jpeg(60, 40), "我家楼下的井盖坏了"))
        assert status == 200 and reply["kind"] == "ask_location", reply
        number = (await web.post("/api/location", {"skip": True}))[1]["number"]
    kept = stored_file(world, (await world.service.domain.tickets.get(number)).photo).read_bytes()
    notice = await world.sees(world.supervisor, "待派单", number)
    assert photo_bytes(world, notice) == kept
    await world.presses(world.supervisor, notice, "派单")
    choice = await world.sees(world.supervisor, "派给哪个网格", number)
    await world.presses(world.supervisor, choice, buttons(choice)[0])
    assert (await world.service.domain.tickets.get(number)).grid_id is not None


async def test_a_text_too_long_for_a_caption_follows_its_photo(world: World) -> None:
    caption = "西正路8号门口的井盖坏了，" + "晚上路过的人很多，" * 120 + "请尽快处理。"
    async with browser(world) as web:
        number = await open_with_photo(world, web, camera_jpeg(60, 40), caption)
    kept = stored_file(world, (await world.service.domain.tickets.get(number)).photo).read_bytes()
    offer = await world.sees(world.worker, "新工单", number, "请尽快处理")  # the whole text, with its buttons
    assert "photo" not in offer and buttons(offer) == ["接单", "退回"]
    photo = await world.sees(world.worker, number, "照片")
    assert photo_bytes(world, photo) == kept and photo["message_id"] < offer["message_id"]


async def test_a_lost_photo_file_degrades_to_the_text_with_a_note_and_holds_nothing_back(world: World) -> None:
    tickets = world.service.domain.tickets
    grid = (await world.service.domain.grids.current()).locate_text(PLACED)
    lost = await tickets.open(NewRequest("web:lost-photo-owner", PLACED, "municipal", location=grid,
                                         photo="web:" + "0" * 32 + ".jpg"))
    offer = await world.sees(world.worker, "新工单", lost.ticket.number, "照片文件已找不到")
    assert "photo" not in offer and buttons(offer) == ["接单", "退回"]
    later = await tickets.open(NewRequest("web:someone-else", "西正路8号路边的垃圾桶满了没人清", "sanitation",
                                          location=grid))
    await world.sees(world.worker, "新工单", later.ticket.number)


async def test_a_photo_telegram_refuses_degrades_to_the_text_with_a_note(world: World) -> None:
    world.server.fail_next("sendPhoto", status=400, times=2, description="Bad Request: IMAGE_PROCESS_FAILED")
    async with browser(world) as web:
        number = await open_with_photo(world, web, camera_jpeg(60, 40))
    for worker in (world.worker, world.colleague):
        offer = await world.sees(worker, "新工单", number, "照片未能发出")
        assert "photo" not in offer


async def show(world: World, monkeypatch: pytest.MonkeyPatch, *args: str) -> CliResult:
    """`gridbot tickets show …` as the operator of the running service's data dir runs it (in a thread:
    the command runs an event loop of its own)."""
    settings = world.service.settings
    monkeypatch.setenv("GRIDBOT_REDIS_URL", str(settings.redis_url))
    monkeypatch.setenv("GRIDBOT_PUBLIC_URL", f"http://127.0.0.1:{world.service.http_port}")
    return await asyncio.to_thread(run_gridbot_inline, ["tickets", "show", *args], settings.data_dir, monkeypatch)


async def test_tickets_show_gives_staff_the_photo_and_a_link_that_opens_it(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    async with browser(world) as web:
        number = await open_with_photo(world, web, camera_jpeg(300, 200))
    tickets, worker = world.service.domain.tickets, f"telegram:{world.worker.id}"
    await tickets.accept(number, worker)
    await tickets.resolve(number, worker, "井盖已更换", photo="telegram:AgACAgIAAxkBAAIResult")
    ticket = await tickets.get(number)
    path = stored_file(world, ticket.photo)
    result = await show(world, monkeypatch, number, "--json")
    assert result.status == 0, result.err
    shown = json.loads(result.out)
    assert {k: v for k, v in shown["photo"].items() if k != "url"} == {
        "reference": ticket.photo, "path": str(path), "bytes": path.stat().st_size}
    assert shown["result_photo"] == {"reference": "telegram:AgACAgIAAxkBAAIResult", "path": None, "bytes": None,
                                     "url": None}  # the worker's photo stays in Telegram
    text = (await show(world, monkeypatch, number)).out
    assert f"photo: {ticket.photo}  {path} ({path.stat().st_size:,} bytes)" in text
    # the same signed link to the same photo (its expiry counts from each command's own clock)
    assert f"link: {shown['photo']['url'].split('?')[0]}?exp=" in text and "result photo: telegram:AgACAgIAAxkBAAIResult" in text
    assert (world.service.settings.photo_link_key_path.stat().st_mode & 0o777) == 0o600

    async with aiohttp.ClientSession() as http, http.get(shown["photo"]["url"]) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert await response.read() == path.read_bytes()


async def test_a_photo_link_opens_only_as_signed_and_before_it_expires(world: World) -> None:
    async with browser(world) as web:
        number = await open_with_photo(world, web, camera_jpeg(30, 20))
    name = (await world.service.domain.tickets.get(number)).photo[4:]
    settings = world.service.settings
    base = f"http://127.0.0.1:{world.service.http_port}"
    secret = load_secret(settings.photo_link_key_path)
    good = PhotoLinks(secret, base).url(name)
    query = good.split("?", 1)[1]
    signature = query.split("sig=", 1)[1]
    other_name = "f" * 32 + ".jpg"
    refused = [
        good.replace(signature, "0" * len(signature)),  # a made-up signature
        good.replace("exp=", "exp=9"),  # a longer life than signed
        PhotoLinks(secret, base, now=lambda: 0.0).url(name),  # signed, but long expired
        PhotoLinks(b"another secret", base).url(name),  # signed by someone else
        f"{base}/photos/{other_name}?{query}",  # another photo's name with this one's signature
        PhotoLinks(secret, base).url(other_name),  # rightly signed, but no such photo
        f"{base}/photos/{name}",  # no signature at all
        PhotoLinks(secret, base).url("../photo-links.key"),  # rightly signed, out of the uploads directory
    ]
    async with aiohttp.ClientSession() as http:
        async with http.get(good) as response:
            assert response.status == 200
        for url in refused:
            async with http.get(url) as response:
                assert response.status == 404 and "链接已过期" in await response.text(), url
        for path in ("..%2Fphoto-links.key", "%2E%2E%2Fphoto-links.key", "..%2F..%2Fetc%2Fpasswd"):
            async with http.get(f"{base}/photos/{path}?{query}") as response:
                assert response.status == 404 and secret.hex() not in await response.text(), path
