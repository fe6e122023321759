"""Who may receive what: the Official Account's followers and the WeCom app's members.

Followers (openids): customer messages only within 48 hours of the follower's last message (45015,
also after unsubscribing), and at most ``quota`` of them since that message (45047); a test marks a
follower ``outside_window`` to skip the wait. Template messages need a subscribed follower (43004).
Members (userids): unknown ones are ``invaliduser``; at most ``limit`` app messages a minute each (45009).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .errors import (
    INVALID_OPENID,
    MEMBER_FREQ_LIMIT,
    OUT_OF_RESPONSE_COUNT,
    OUT_OF_TIME_LIMIT,
    REQUIRE_SUBSCRIBE,
    WxError,
)

WINDOW_SECONDS = 48 * 3600


@dataclass
class Follower:
    openid: str
    subscribed: bool = True
    last_message_at: float | None = None
    customer_since_message: int = 0
    outside: bool = False


class Followers:
    """The account's followers and the customer-message rules."""

    def __init__(self, clock: Callable[[], float], quota: int, strict: bool) -> None:
        self.clock = clock
        self.quota = quota
        self.strict = strict  # unknown openids answer 40003
        self.by_openid: dict[str, Follower] = {}

    def get(self, openid: str) -> Follower:
        follower = self.by_openid.get(openid)
        if follower is None:
            if self.strict:
                raise WxError(INVALID_OPENID, openid)
            follower = self.add(openid)
        return follower

    def add(self, openid: str) -> Follower:
        return self.by_openid.setdefault(openid, Follower(openid))

    def messaged(self, openid: str) -> None:
        """The follower sent a message (or clicked the menu, subscribed): the window opens again."""
        follower = self.add(openid)
        follower.subscribed, follower.outside = True, False
        follower.last_message_at = self.clock()
        follower.customer_since_message = 0

    def check_custom(self, openid: str) -> Follower:
        follower = self.get(openid)
        last = follower.last_message_at
        if (not follower.subscribed or follower.outside or last is None
                or self.clock() - last > WINDOW_SECONDS):
            raise WxError(OUT_OF_TIME_LIMIT)
        if follower.customer_since_message >= self.quota:
            raise WxError(OUT_OF_RESPONSE_COUNT)
        return follower

    def check_template(self, openid: str) -> Follower:
        follower = self.get(openid)
        if not follower.subscribed:
            raise WxError(REQUIRE_SUBSCRIBE)
        return follower


class Members:
    """The app's members (visible range) and the per-member rate limit."""

    def __init__(self, clock: Callable[[], float], limit_per_minute: int | None) -> None:
        self.clock = clock
        self.limit = limit_per_minute
        self.known: set[str] = set()
        self._sent_at: dict[str, deque[float]] = {}
        self.rate_limited: list[str] = []  # userids a send was refused for, once per refusal

    def split(self, userids: list[str]) -> tuple[list[str], list[str]]:
        """(known, unknown) of ``userids``."""
        return [u for u in userids if u in self.known], [u for u in userids if u not in self.known]

    def take_sends(self, userids: list[str]) -> None:
        """Count one message to each of ``userids``, or refuse all (45009) if one is over the limit."""
        if self.limit is None:
            return
        now = self.clock()
        for userid in userids:
            times = self._sent_at.setdefault(userid, deque())
            while times and times[0] <= now - 60:
                times.popleft()
        over = [u for u in userids if len(self._sent_at[u]) >= self.limit]
        if over:
            self.rate_limited.extend(over)
            raise WxError(MEMBER_FREQ_LIMIT, f"over {self.limit}/min: {'|'.join(over)}")
        for userid in userids:
            self._sent_at[userid].append(now)
