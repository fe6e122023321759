"""WeCom's send limits, shared by every process: per member, and for the whole app.

WeCom takes at most 30 messages a minute and 1,000 an hour for one member. A burst of 13 at once, then
16 a minute, keeps both for any window of time: at most 13 + 16 = 29 in a minute (one short of 30, so a
send the network delayed and the next one arriving together stay inside), 973 in an hour. The app as a
whole may call an API 10,000 times a minute; 100 sends a second stays well below.
"""

from __future__ import annotations

from redis.asyncio import Redis

from bot.infra.rate_limit import SendLimits

MEMBER_PER_MINUTE, MEMBER_BURST = 16, 12  # a burst counts the sends beyond the first
APP_PER_SECOND = 100


def wecom_limits(redis: Redis, minute_seconds: float = 60.0) -> SendLimits:
    """The limits of the WeCom app (``minute_seconds``: how long a minute is; tests shorten it)."""
    scale = 60.0 / minute_seconds
    return SendLimits(redis, "wecom", APP_PER_SECOND * scale, APP_PER_SECOND - 1,
                      MEMBER_PER_MINUTE / minute_seconds, MEMBER_BURST)
