"""A ticket's photos on the console, with real photos: in scope the image itself (200, image/jpeg, the
stored bytes, never cached); another community's ticket, a photo the ticket does not have, or any other
name is 404."""

from __future__ import annotations

import io

from PIL import Image

from bot.people.directory import telegram_key
from bot.photos.store import PhotoStore, StoredPhoto
from bot.tickets.service import NewRequest
from tests.console_harness import BY01, XY02, Console
from tests.telegram_harness import World
from tests.test_photos import camera_jpeg


async def test_a_photo_in_scope_is_served_and_one_out_of_scope_is_404(world: World, console: Console) -> None:
    assert world.service.domain is not None
    tickets, resident = world.service.domain.tickets, f"telegram:{world.resident.id}"
    store = PhotoStore(world.service.settings.uploads_dir)
    ours_photo, theirs_photo, result = [await store.save(camera_jpeg(800, 600)) for _ in range(3)]
    assert isinstance(ours_photo, StoredPhoto) and isinstance(theirs_photo, StoredPhoto)
    assert isinstance(result, StoredPhoto)
    ours = (await tickets.open(NewRequest(resident=resident, text="西隅的井盖坏了", category="municipal",
                                          location=XY02, photo=ours_photo.reference))).ticket.number
    theirs = (await tickets.open(NewRequest(resident=resident, text="北隅的井盖坏了", category="municipal",
                                            location=BY01, photo=theirs_photo.reference))).ticket.number
    await console.login("xiyu")
    _, page = await console.page(f"/console/tickets/{ours}")
    assert f'src="/console/tickets/{ours}/photos/ticket"' in page and "/photos/result" not in page
    async with console.http.get(f"{console.base}/console/tickets/{ours}/photos/ticket") as response:
        assert response.status == 200 and response.content_type == "image/jpeg"
        assert response.headers["Cache-Control"] == "private, no-store"
        body = await response.read()
    assert body == ours_photo.path.read_bytes() and Image.open(io.BytesIO(body)).size == (600, 800)  # upright
    for path in (f"{theirs}/photos/ticket", f"{ours}/photos/result", f"{ours}/photos/other",
                 f"{ours}/photos/..%2F{ours_photo.name}"):
        async with console.http.get(f"{console.base}/console/tickets/{path}") as response:
            assert response.status == 404, path
            assert "image" not in response.content_type
    worker = telegram_key(world.worker.id)
    await console.post(f"/console/tickets/{ours}/dispatch", {"grid": "GC-XY-01", "worker": worker})
    assert (await tickets.accept(ours, worker)).ok
    assert (await tickets.resolve(ours, worker, "已更换井盖", result.reference)).ok
    async with console.http.get(f"{console.base}/console/tickets/{ours}/photos/result") as response:
        assert response.status == 200 and await response.read() == result.path.read_bytes()
