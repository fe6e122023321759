"""The WeCom app's API calls gridbot makes: messages to members, card updates, downloading a member's photo.

Every message to a member counts against WeCom's per-member limit (30 a minute) and the app's own,
through one :class:`bot.infra.rate_limit.SendLimits` shared by every process: outbox delivery admits its
sends itself, and the direct answers of the staff conversation wait here. Card updates
(``update_template_card``) are not messages and are not counted.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.channels.weixin.api import WeixinApi, WeixinError, WeixinUnanswered
from bot.channels.weixin.markup import plain
from bot.infra.rate_limit import SendLimits

log = logging.getLogger(__name__)
TEXT_LIMIT_BYTES = 2048  # WeCom's limit for a text message's content
NO_SUCH_MEMBER = 81013  # "user, party and tag all invalid": not a member the app can reach


def cut_bytes(text: str, limit: int = TEXT_LIMIT_BYTES) -> str:
    """``text`` within ``limit`` bytes of UTF-8, cut at a character with "…"."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len("…".encode())
    return text.encode("utf-8")[:room].decode("utf-8", "ignore") + "…"


class WeComClient:
    """One WeCom app (``agent_id``) talking to its members, who are named by their account (userid)."""

    def __init__(self, api: WeixinApi, agent_id: int, limits: SendLimits | None = None) -> None:
        self.api = api
        self.agent_id = agent_id
        self.limits = limits

    async def send(self, userid: str, msgtype: str, body: dict[str, Any]) -> dict[str, Any]:
        """``message/send`` of one message; an account WeCom does not know is :data:`NO_SUCH_MEMBER`."""
        answer = await self.api.post("/cgi-bin/message/send",
                                     {"touser": userid, "msgtype": msgtype, "agentid": self.agent_id, msgtype: body})
        if answer.get("invaliduser"):  # WeCom answers 0 and names the accounts it could not reach
            raise WeixinError(NO_SUCH_MEMBER, f"invalid user {answer['invaliduser']}")
        return answer

    async def send_text(self, userid: str, text: str) -> None:
        await self.send(userid, "text", {"content": cut_bytes(text)})

    async def send_card(self, userid: str, card: dict[str, Any]) -> str | None:
        """Send a template card; its ``response_code`` (to update it later), when WeCom gave one."""
        answer = await self.send(userid, "template_card", card)
        code = answer.get("response_code")
        return str(code) if code else None

    async def update_card(self, userid: str, response_code: str, *, replace_name: str | None = None,
                          card: dict[str, Any] | None = None) -> None:
        """Change a sent card: its buttons replaced by one grey label (``replace_name``), or the whole card."""
        payload: dict[str, Any] = {"userids": [userid], "agentid": self.agent_id, "response_code": response_code}
        if card is not None:
            payload["template_card"] = card
        else:
            payload["button"] = {"replace_name": replace_name or ""}
        await self.api.post("/cgi-bin/message/update_template_card", payload)

    async def download(self, media_id: str, limit_bytes: int) -> bytes:
        """A member's uploaded photo (``media/get``)."""
        return await self.api.download("/cgi-bin/media/get", {"media_id": media_id}, limit_bytes)

    async def reply(self, userid: str, html_text: str) -> None:
        """An answer in the staff conversation (a staff text, made plain), within the send limits.

        An answer WeCom does not take is logged, not retried: the member sees nothing happened and asks
        again, as when a Telegram answer is lost."""
        if self.limits is not None:
            await self.limits.wait(userid)
        try:
            await self.send_text(userid, plain(html_text))
        except (WeixinError, WeixinUnanswered) as err:
            log.warning("answer to WeCom member %s not sent: %s", userid, err)

    async def update_quietly(self, userid: str, response_code: str | None, **change: Any) -> bool:
        """:meth:`update_card`, logging a refusal (a used or expired response code) instead of raising."""
        if not response_code:
            return False
        try:
            await self.update_card(userid, response_code, **change)
        except (WeixinError, WeixinUnanswered) as err:
            log.warning("card of WeCom member %s not updated: %s", userid, err)
            return False
        return True
