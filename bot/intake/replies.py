"""What the intake answers a resident's message with: the contract between the intake and every channel.

A channel reads :class:`IntakeReply` and turns it into its own messages; it compares ``kind`` with
:class:`ReplyKind` members, never with strings, so a misspelt kind fails at import (or in mypy), not by
silently showing nothing. The members are strings, and their values are the ``kind`` the web page reads
in its JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from nlp.faq import FaqEntry
from nlp.smalltalk import SmallTalk
from nlp.urgency import Hazard

from bot.tickets.alerts import Alert
from bot.tickets.record import Ticket

# The category a resident picks when none of the offered ones fits: offered apart from the likely ones.
OTHER_CATEGORY = "other"


class ReplyKind(StrEnum):
    """What happened to the resident's message, and so what the channel tells them next."""

    OPENED = "opened"  # a new ticket
    LINKED = "linked"  # joined a neighbour's open ticket about the same matter
    PLACED = "placed"  # named the place of the ticket just opened without one
    ASK_CATEGORY = "ask_category"  # unsure of the category: which of the options is it?
    ASK_LOCATION = "ask_location"  # no grid found: where is it?
    LOCATION_NOT_FOUND = "location_not_found"  # the address given names no grid: ask again
    OUT_OF_AREA = "out_of_area"  # the shared location is outside the service area: ask again
    NOTHING_PENDING = "nothing_pending"  # an answer, but no request waits for one (an old button)
    SMALL_TALK = "small_talk"  # a greeting, thanks, a nod: answered, nothing opened
    COMMAND = "command"  # a bot command this reply does not handle
    EMPTY = "empty"  # nothing in words (only emoji or punctuation)
    FAQ_ANSWER = "faq_answer"  # a question the knowledge base answers: 已解决 / 转人工办理?
    FAQ_SOLVED = "faq_solved"  # the resident chose 已解决: nothing opened

    @property
    def asks(self) -> bool:
        """This kind asks a question about the resident's waiting request."""
        return self in _QUESTIONS


_QUESTIONS = frozenset({ReplyKind.ASK_CATEGORY, ReplyKind.ASK_LOCATION, ReplyKind.LOCATION_NOT_FOUND,
                        ReplyKind.OUT_OF_AREA})


@dataclass(frozen=True)
class IntakeReply:
    """What the channel should tell the resident next."""

    kind: ReplyKind
    ticket: Ticket | None = None  # opened, linked or placed; for thanks: the ticket they were passed on for
    options: tuple[tuple[str, str], ...] = ()  # (code, Chinese name) for ask_category, without OTHER_CATEGORY
    services: tuple[str, ...] = ()  # emergency numbers to show at once
    hazards: tuple[Hazard, ...] = ()  # the dangers named, for safety advice that fits
    alert: Alert | None = None  # an urgent ticket: who was told of it
    grid_name: str | None = None
    address: str = ""
    # The request that was waiting for its place, opened unplaced because the answer was a new request.
    earlier: Ticket | None = None
    towns: tuple[str, ...] = ()  # out_of_area: the towns the service covers
    small_talk: SmallTalk | None = None  # the message was small talk of this kind
    command: str | None = None  # the message was this bot command (without the slash), not handled here
    answered: bool = False  # the message answered the question about a waiting request
    parts: tuple[Ticket, ...] = ()  # a message holding several requests: the ticket of each (``ticket`` is the first)
    faq: FaqEntry | None = None  # faq_answer: the entry that answers the resident's question
    to_human: bool = False  # the resident chose 转人工办理: this reply is their question as a request

    @property
    def waiting(self) -> bool:
        """A question about the resident's request is open (it is asked in this reply)."""
        return self.kind.asks
