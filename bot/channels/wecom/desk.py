"""What the WeCom staff conversation works with: the domain, the app's API, and its own Redis state."""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels.wecom.client import WeComClient
from bot.channels.wecom.state import CardCodes, WaitingSteps
from bot.intake.reporting import FieldReports
from bot.people.directory import People, wecom_key
from bot.photos.links import PhotoLinks
from bot.photos.store import PhotoStore
from bot.tickets.service import Tickets
from bot.tickets.store import TicketStore
from nlp.taxonomy import Taxonomy


@dataclass(frozen=True)
class Member:
    """The WeCom member a callback came from: their account and their recipient key."""

    userid: str
    key: str

    @classmethod
    def of(cls, userid: str) -> Member:
        key = wecom_key(userid)
        return cls(key.partition(":")[2], key)


@dataclass(frozen=True)
class Desk:
    """The parts the staff conversation and the card presses share."""

    tickets: Tickets
    people: People
    store: TicketStore
    taxonomy: Taxonomy
    client: WeComClient
    steps: WaitingSteps
    codes: CardCodes
    photos: PhotoStore
    links: PhotoLinks
    reports: FieldReports

    async def reply(self, member: Member, html_text: str) -> None:
        await self.client.reply(member.userid, html_text)
