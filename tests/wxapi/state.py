"""Everything the server knows, in one object the endpoint handlers and the test side share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.botapi.pulse import Pulse

from .accounts import OfficialAccount, WeComApp
from .cards import CardBook
from .mailbox import Mailbox
from .media import MediaStore
from .people import Followers, Members
from .tokens import TokenIssuer


@dataclass
class RecordedCall:
    """One API call as the server received it (failed ones too)."""

    api: str
    path: str
    query: dict[str, str]
    payload: Any
    time: float
    answer: Any = None  # the JSON answered (None for media bytes, drops and HTTP-status faults)


class State:
    """Accounts, tokens, people, media, cards, the menu; every call and every delivery."""

    def __init__(self, account: OfficialAccount, app: WeComApp, clock: Callable[[], float], *,
                 token_lifetime: int, custom_quota: int, member_limit: int | None, strict_users: bool) -> None:
        self.account, self.app, self.clock = account, app, clock
        self.pulse = Pulse()
        self.tokens = TokenIssuer(clock, token_lifetime)
        self.followers = Followers(clock, custom_quota, strict_users)
        self.members = Members(clock, member_limit)
        self.media = MediaStore()
        self.cards = CardBook(clock)
        self.mailbox = Mailbox(self.pulse)
        self.templates: dict[str, list[str] | None] = {account.template_id: None}  # id → required data keys
        self.menu: dict[str, Any] | None = None
        self.calls: Counter[str] = Counter()  # by "api path", e.g. "wechat /cgi-bin/stable_token"
        self.requests: list[RecordedCall] = []
        self.card_updates: list[dict[str, Any]] = []
        self.internal_errors: list[str] = []  # bugs of this server: tests expect none
        self._msgid = 1_000_000_000

    def next_msgid(self) -> int:
        self._msgid += 1
        return self._msgid
