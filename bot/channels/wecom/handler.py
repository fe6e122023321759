"""One received WeCom callback → the staff conversation: texts, images and card presses, by sender.

Callbacks come from the durable log (:class:`bot.channels.weixin.inbound.InboundConsumer`), one member's
in order. A callback of another app of the corp, or from an account that cannot be one, is dropped;
events other than a card press and the menu's 上报 (entering the app, a location report) need no answer.
A field report (bot/channels/wecom/reporting.py) sees a text, image or location message first.
"""

from __future__ import annotations

import logging

from bot.channels.wecom.conversation import on_image, on_text
from bot.channels.wecom.desk import Desk, Member
from bot.channels.wecom.presses import on_press
from bot.channels.wecom.reporting import MENU_KEY, on_location, on_report_image, on_report_text
from bot.channels.wecom.reporting import start as start_report
from bot.people.directory import valid_wecom_userid
from bot.texts import wecom as wecom_texts

log = logging.getLogger(__name__)
CARD_EVENT = "template_card_event"


class WeComHandler:
    """Handles the callbacks of the app ``agent_id``."""

    def __init__(self, desk: Desk, agent_id: int) -> None:
        self.desk = desk
        self.agent_id = agent_id

    async def handle(self, fields: dict[str, str]) -> None:
        userid, agent = fields.get("FromUserName", ""), fields.get("AgentID", "")
        if not valid_wecom_userid(userid) or (agent and agent != str(self.agent_id)):
            log.warning("WeCom callback of agent %r from %r dropped", agent[:20], userid[:80])
            return
        member, kind = Member.of(userid), fields.get("MsgType", "")
        if kind == "text":
            if not await on_report_text(self.desk, member, fields.get("Content", "")):
                await on_text(self.desk, member, fields.get("Content", ""))
        elif kind == "image":
            if not await on_report_image(self.desk, member, fields.get("MediaId", "")):
                await on_image(self.desk, member, fields.get("MediaId", ""))
        elif kind == "event":
            if fields.get("Event") == CARD_EVENT:
                await on_press(self.desk, member, fields.get("EventKey", ""), fields.get("ResponseCode", ""),
                               fields.get("TaskId", ""))
            elif fields.get("Event") == "click" and fields.get("EventKey") == MENU_KEY:
                await start_report(self.desk, member)
        elif kind == "location":  # the place of a field report; else nothing it could be
            if not await on_location(self.desk, member, fields.get("Location_X", ""), fields.get("Location_Y", "")):
                await self.desk.reply(member, wecom_texts.help_text())
        else:  # voice, video, a file, a link
            await self.desk.reply(member, wecom_texts.help_text())
