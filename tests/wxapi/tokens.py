"""Access tokens: issued per account, checked on every call, expired or revoked by the test.

Strict on purpose: a forced refresh (or a legacy ``/cgi-bin/token`` call) invalidates the account's
previous token at once, so a process still holding it sees 40001 and must re-read the shared one.
Unknown tokens answer 40001 on WeChat and 40014 on WeCom (as the real APIs do), revoked ones 40001,
expired ones 42001.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .errors import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_MISSING,
    INVALID_ACCESS_TOKEN,
    INVALID_CREDENTIAL,
    WxError,
)


@dataclass
class Token:
    """One issued access token of ``api`` ("wechat" or "wecom") for ``owner`` (app id or corp id)."""

    value: str
    api: str
    owner: str
    issued_at: float
    expires_at: float
    revoked: bool = False


class TokenIssuer:
    """Every token ever issued, the current one per account, and how often each endpoint was asked."""

    def __init__(self, clock: Callable[[], float], lifetime: int) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.issued: list[Token] = []
        self.fetches: Counter[str] = Counter()  # by endpoint: stable_token, token, gettoken
        self._by_value: dict[str, Token] = {}
        self._current: dict[tuple[str, str], Token] = {}

    def issue(self, api: str, owner: str, *, force: bool, endpoint: str) -> Token:
        """The account's valid token, or a new one (``force``, or none valid) that replaces it."""
        self.fetches[endpoint] += 1
        current = self._current.get((api, owner))
        if current is not None and not force and self._valid(current):
            return current
        if current is not None:
            current.revoked = True
        now = self.clock()
        token = Token(secrets.token_urlsafe(48), api, owner, now, now + self.lifetime)
        self.issued.append(token)
        self._by_value[token.value] = token
        self._current[(api, owner)] = token
        return token

    def check(self, value: str | None, api: str) -> Token:
        """The token a call carries, or the WxError the real API answers for it."""
        if not value:
            raise WxError(ACCESS_TOKEN_MISSING)
        token = self._by_value.get(value)
        if token is None or token.api != api:
            raise WxError(INVALID_CREDENTIAL if api == "wechat" else INVALID_ACCESS_TOKEN)
        if token.revoked:
            raise WxError(INVALID_CREDENTIAL)
        if self.clock() >= token.expires_at:
            raise WxError(ACCESS_TOKEN_EXPIRED)
        return token

    def current(self, api: str, owner: str) -> Token | None:
        return self._current.get((api, owner))

    def revoke(self, value: str) -> None:
        """The token stops working at once (40001), like one revoked by a secret reset."""
        self._by_value[value].revoked = True

    def revoke_all(self) -> None:
        for token in self.issued:
            token.revoked = True

    def expire(self, value: str) -> None:
        """The token is past its lifetime (42001)."""
        self._by_value[value].expires_at = self.clock()

    def _valid(self, token: Token) -> bool:
        return not token.revoked and self.clock() < token.expires_at
