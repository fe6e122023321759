"""``GET /photos/NAME?exp=…&sig=…``: a resident's photo, for staff holding a signed link.

A wrong or expired signature, a name that is not a stored photo's, and a photo since removed all get
the same 404, so links cannot be guessed and names cannot be probed. Only names of the uploads
directory's own form are looked up, so no path can lead out of it.
"""

from __future__ import annotations

from aiohttp import web

from bot.texts import staff as staff_texts
from bot.photos.links import PhotoLinks
from bot.photos.store import PhotoStore

PHOTO_STORE = web.AppKey("photo_store", PhotoStore)
PHOTO_LINKS = web.AppKey("photo_links", PhotoLinks)


async def staff_photo(request: web.Request) -> web.StreamResponse:
    """The photo named in the path, if the link's signature holds and has not expired."""
    name = request.match_info["name"]
    query = request.query
    if not request.app[PHOTO_LINKS].valid(name, query.get("exp", ""), query.get("sig", "")):
        return _not_found()
    photo = request.app[PHOTO_STORE].find_name(name)
    if photo is None:
        return _not_found()
    return web.FileResponse(photo.path, headers={
        "Content-Type": photo.content_type,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",  # a shared office computer keeps no copy
        "Referrer-Policy": "no-referrer",
    })


def _not_found() -> web.Response:
    return web.Response(status=404, text=staff_texts.photo_link_invalid(), content_type="text/plain", charset="utf-8",
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def add_photo_routes(app: web.Application, photos: PhotoStore, links: PhotoLinks) -> None:
    """Serve staff photo links on the app of :func:`bot.app.http.build_app`."""
    app[PHOTO_STORE], app[PHOTO_LINKS] = photos, links
    app.router.add_get("/photos/{name}", staff_photo)
