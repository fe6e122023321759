"""Photos between WeChat and the photo store: a resident's WeChat photo downloaded (``media/get``) and
kept as the web chat keeps an upload (re-encoded, private), so workers on every channel get it as they
get a web photo; and a stored photo (a worker's result photo) uploaded (``media/upload``) to be sent
to a resident."""

from __future__ import annotations

import logging

from bot.channels.weixin.api import WeixinApi, WeixinError, WeixinUnanswered
from bot.photos.store import PhotoRefusal, PhotoStore

log = logging.getLogger(__name__)
MEDIA_PATH = "/cgi-bin/media/get"
UPLOAD_PATH = "/cgi-bin/media/upload"


class WeChatPhotos:
    """Fetches the photos residents send."""

    def __init__(self, api: WeixinApi, store: PhotoStore) -> None:
        self.api = api
        self.store = store

    async def fetch(self, media_id: str) -> str | PhotoRefusal | None:
        """The stored photo's reference, why it was refused, or None when WeChat did not give it."""
        if not media_id:
            return None
        try:
            data = await self.api.download(MEDIA_PATH, {"media_id": media_id}, self.store.max_bytes + 1)
        except (WeixinError, WeixinUnanswered) as err:
            log.warning("photo %s not downloaded: %s", media_id, err)
            return None
        saved = await self.store.save(data)
        return saved if isinstance(saved, PhotoRefusal) else saved.reference

    async def uploaded(self, reference: str | None) -> str | None:
        """The WeChat media id of a stored photo, uploaded now; None when it is not one of the store's
        (a Telegram file stays on Telegram) or cannot be read or uploaded."""
        stored = self.store.find(reference)
        data = await self.store.read(stored) if stored is not None else None
        if stored is None or data is None:
            return None
        try:
            answer = await self.api.upload(UPLOAD_PATH, {"type": "image"}, stored.name, data, "image/jpeg")
        except (WeixinError, WeixinUnanswered) as err:
            log.warning("photo %s not uploaded to WeChat: %s", reference, err)
            return None
        return str(answer.get("media_id") or "") or None
