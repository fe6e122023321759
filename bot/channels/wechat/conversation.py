"""The resident conversation on the Official Account: one message or event from the inbound stream →
the same intake and ticket calls as Telegram and the web chat → the answers, as customer-service messages.

Text, voice (its ``Recognition``), image, location and the account's events. WeChat's choices (menu
taps) and typed words stand in for Telegram's commands and buttons (bot/channels/wechat/typed.py).
WeChat sends a photo without words: it waits (bot/channels/wechat/memory.py) for the text that follows,
and goes with it when that text is a new request. A location answers a waiting "where?", or is kept for
the next request that asks for one. Locations are GCJ-02 (Tencent's map); the grid map is WGS84.
"""

from __future__ import annotations

import logging


from bot.channels.wechat.memory import ResidentMemory
from bot.channels.wechat.messages import CATEGORY_ITEM, CustomMessages, Outgoing, Text, parse_item
from bot.channels.wechat.photos import WeChatPhotos
from bot.channels.wechat.replies import FAQ_ITEM, category_choices, reply_messages
from bot.channels.wechat.typed import Command, chosen_category, skips_location, typed_command, typed_stars
from bot.channels.weixin.inbound import dedupe_id
from bot.faq.answers import FaqChoice
from bot.grids.coordinates import gcj02_to_wgs84
from bot.photos.store import PhotoRefusal
from bot.intake.conversation import Intake, Step
from bot.intake.flood import FloodLimit
from bot.intake.replies import OTHER_CATEGORY, IntakeReply, ReplyKind
from bot.texts import faq as faq_texts
from bot.texts import refusals as refusal_texts
from bot.texts import residents as resident_texts
from bot.texts import wechat as wechat_texts
from bot.texts.render import ButtonAction
from bot.tickets.states import Status

log = logging.getLogger(__name__)
CHANNEL = "wechat"
# Events WeChat sends about its own work (a template or mass send finished) or that need no answer.
SILENT_EVENTS = frozenset({"unsubscribe", "TEMPLATESENDJOBFINISH", "MASSSENDJOBFINISH", "VIEW",
                           "view_miniprogram", "kf_create_session", "kf_close_session", "kf_switch_session"})
# The photo went with the text (as the new request, or its draft waiting for an answer).
_TAKES_PHOTO = frozenset({ReplyKind.OPENED, ReplyKind.LINKED, ReplyKind.ASK_CATEGORY, ReplyKind.ASK_LOCATION})


def resident_key(openid: str) -> str:
    """The recipient key of an Official Account follower."""
    return f"{CHANNEL}:{openid}"


class ResidentConversation:
    """Handles the inbound stream's entries (the Official Account's messages and events)."""

    def __init__(self, intake: Intake, memory: ResidentMemory, photos: WeChatPhotos, messages: CustomMessages,
                 flood: FloodLimit) -> None:
        self.intake = intake
        self.tickets = intake.tickets
        self.memory = memory
        self.photos = photos
        self.messages = messages
        self.flood = flood

    async def handle(self, fields: dict[str, str]) -> None:
        """One message or event: do what it asks, then answer it. A resident's messages over the flood
        limit are not handled (events are not counted: WeChat reports a follower's place every few seconds)."""
        openid = fields.get("FromUserName", "")
        if not openid:
            log.warning("dropping a WeChat message without a sender: %.200s", fields)
            return
        resident = resident_key(openid)
        if fields.get("MsgType") != "event" and not await self.flood.admits(resident):
            if await self.flood.tell(resident):
                await self.messages.answer(openid, [Text(refusal_texts.too_fast())])
            return
        answers = await self.respond(resident, fields, f"{CHANNEL}:{dedupe_id(fields)}")
        await self.messages.answer(openid, answers)

    async def respond(self, resident: str, fields: dict[str, str], request_id: str) -> list[Outgoing]:
        match fields.get("MsgType", ""):
            case "text":
                item = fields.get("bizmsgmenuid", "")
                if item:
                    return await self.tapped(resident, item, request_id)
                return await self.text(resident, fields.get("Content", ""), request_id)
            case "voice":
                words = fields.get("Recognition", "").strip()
                return await self.text(resident, words, request_id) if words else [Text(wechat_texts.voice_needs_text())]
            case "image":
                return await self.image(resident, fields.get("MediaId", ""))
            case "location":
                return await self.location(resident, fields.get("Location_X", ""), fields.get("Location_Y", ""),
                                           request_id)
            case "event":
                return await self.event(resident, fields)
        return [Text(wechat_texts.media_unsupported())]

    async def text(self, resident: str, text: str, request_id: str) -> list[Outgoing]:
        """A typed (or spoken) text: a command, a typed choice, else whatever the intake says it is."""
        typed = typed_command(text)
        if typed is not None:
            return await self.command(resident, typed.command, typed.argument)
        chosen = await self._typed_choice(resident, text, request_id)
        if chosen is not None:
            return chosen
        photo = await self.memory.photo(resident)
        reply = await self.intake.message(resident, text.strip(), request_id, photo)
        if photo is not None and reply.kind in _TAKES_PHOTO and not reply.answered and reply.small_talk is None:
            await self.memory.forget_photo(resident)
        return await self._placed_if_known(resident, reply, request_id, reply.answered)

    async def _typed_choice(self, resident: str, text: str, request_id: str) -> list[Outgoing] | None:
        """A typed answer to a waiting question: a category, 跳过 for "where?", or a rating (None: not one)."""
        step = await self.intake.waiting_step(resident)
        if step is Step.CATEGORY:
            pending = await self.intake.pending(resident)
            code = chosen_category(text, category_choices(pending)) if pending is not None else None
            return await self.category(resident, code, request_id) if code is not None else None
        if step is Step.LOCATION and skips_location(text):
            return reply_messages(await self.intake.skip_location(resident, request_id), True)
        stars = typed_stars(text)
        if stars is not None:
            waiting = await self._waiting_for_rating(resident)
            return await self.rate(resident, waiting, stars) if waiting is not None else None
        return None

    async def _waiting_for_rating(self, resident: str) -> str | None:
        """The number of the resident's newest ticket that is resolved and not yet rated."""
        for ticket in await self.tickets.seen_by(resident, limit=20):
            if ticket.resident == resident and ticket.status is Status.RESOLVED:
                return ticket.number
        return None

    async def tapped(self, resident: str, item_id: str, request_id: str) -> list[Outgoing]:
        """A tapped menu item (``bizmsgmenuid``)."""
        item = parse_item(item_id)
        if item.kind == CATEGORY_ITEM and len(item.args) == 1:
            return await self.category(resident, item.args[0], request_id)
        if item.kind == ButtonAction.RATE and len(item.args) == 2 and item.args[1].isdigit():
            return await self.rate(resident, item.args[0], int(item.args[1]))
        if item.kind == FAQ_ITEM and len(item.args) == 1 and item.args[0] in tuple(FaqChoice):
            return await self.faq(resident, FaqChoice(item.args[0]), request_id)
        return [Text(refusal_texts.stale_button())]

    async def category(self, resident: str, code: str, request_id: str) -> list[Outgoing]:
        reply = await self.intake.choose_category(resident, code, request_id)
        if reply.kind is ReplyKind.NOTHING_PENDING:
            return [Text(refusal_texts.stale_button())]
        noted: list[Outgoing] = [Text(resident_texts.category_noted(self.intake.taxonomy.name(code)))]
        return noted + await self._placed_if_known(resident, reply, request_id)

    async def faq(self, resident: str, choice: FaqChoice, request_id: str) -> list[Outgoing]:
        """已解决 or 转人工办理 tapped under a knowledge-base answer."""
        reply = await self.intake.faq_choice(resident, choice)
        if reply.kind is ReplyKind.NOTHING_PENDING:
            return [Text(faq_texts.stale_choice())]
        return await self._placed_if_known(resident, reply, request_id)

    async def rate(self, resident: str, number: str, stars: int) -> list[Outgoing]:
        outcome = await self.tickets.rate(number, resident, stars)
        if outcome.ok:
            return [Text(resident_texts.rated(number, stars))]
        return [Text(refusal_texts.refusal(outcome.refusal, number, outcome.detail))]

    async def command(self, resident: str, command: Command, argument: str) -> list[Outgoing]:
        if command is Command.MY_TICKETS:
            return [Text(resident_texts.my_tickets(await self.tickets.seen_by(resident, limit=20)))]
        if command is Command.HELP:
            return [Text(self._welcome())]
        if not argument:
            return [Text(wechat_texts.cancel_usage())]
        outcome = await self.tickets.cancel(argument, resident)  # done: the outbox says it is withdrawn
        return [] if outcome.ok else [Text(refusal_texts.refusal(outcome.refusal, argument, outcome.detail))]

    async def image(self, resident: str, media_id: str) -> list[Outgoing]:
        """A photo: kept for the words that follow (WeChat sends none with it)."""
        saved = await self.photos.fetch(media_id)
        if saved is None:
            return [Text(wechat_texts.photo_not_received())]
        if isinstance(saved, PhotoRefusal):
            store = self.photos.store
            return [Text(resident_texts.photo_refused(saved, store.max_bytes, store.max_pixels))]
        await self.memory.keep_photo(resident, saved)
        return [Text(wechat_texts.photo_waits())]

    async def location(self, resident: str, lat_text: str, lon_text: str, request_id: str) -> list[Outgoing]:
        """A location message: the answer to "where?", else the place of the next request that needs one."""
        point = wgs84_point(lat_text, lon_text)
        if point is None:
            return [Text(resident_texts.location_malformed())]
        if await self.intake.waiting_step(resident) is Step.LOCATION:
            return reply_messages(await self.intake.locate_by_point(resident, *point, request_id), True)
        await self.memory.keep_place(resident, *point)
        return [Text(wechat_texts.place_kept())]

    async def event(self, resident: str, fields: dict[str, str]) -> list[Outgoing]:
        event, key = fields.get("Event", ""), fields.get("EventKey", "")
        if event == "subscribe":
            return [Text(self._welcome())]
        if event == "CLICK" and key == "report":
            return [Text(wechat_texts.how_to_report())]
        if event == "CLICK" and key in ("my_tickets", "help"):
            return await self.command(resident, Command.MY_TICKETS if key == "my_tickets" else Command.HELP, "")
        if event == "LOCATION":  # the account may report where the follower is: remembered, not answered
            point = wgs84_point(fields.get("Latitude", ""), fields.get("Longitude", ""))
            if point is not None:
                await self.memory.keep_place(resident, *point)
            return []
        return [] if event in SILENT_EVENTS else [Text(wechat_texts.event_unsupported())]

    async def _placed_if_known(self, resident: str, reply: IntakeReply, request_id: str,
                               after_location: bool = False) -> list[Outgoing]:
        """``reply``'s messages; a "where?" is answered at once with the place the resident sent just before."""
        place = await self.memory.place(resident) if reply.kind is ReplyKind.ASK_LOCATION else None
        if place is not None:
            placed = await self.intake.locate_by_point(resident, *place, request_id)
            if placed.kind in (ReplyKind.OPENED, ReplyKind.LINKED):
                return reply_messages(reply)[:-1] + [Text(wechat_texts.located_by_remembered_place())]
        return reply_messages(reply, after_location)

    def _welcome(self) -> str:
        names = (c.name for c in self.intake.taxonomy.categories if c.code != OTHER_CATEGORY)
        return f"{resident_texts.welcome(names)}\n{wechat_texts.welcome_extra()}"


def wgs84_point(lat_text: str, lon_text: str) -> tuple[float, float] | None:
    """(lat, lon) in WGS84 of a GCJ-02 position WeChat sent as text; None when it is not one."""
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    wgs_lon, wgs_lat = gcj02_to_wgs84(lon, lat)
    return wgs_lat, wgs_lon
