"""Fault injection, per path and per recipient: ``server.faults.add(path, error, times=1, to=None)``.

``error`` is one of:

- an errcode (-1 busy, 45015, 45047, 40001 …): answered as ``{"errcode": N, …}``, nothing done;
- an HTTP status (100…599, e.g. 502): answered with that status and a non-JSON body, nothing done;
- ``"timeout"``: the call is done (the message DELIVERED) but the answer is held ``hold`` seconds,
  longer than the client waits, like a send that arrived and whose answer was lost;
- ``"drop"``: the connection is closed without an answer; nothing done unless ``delivered=True``.

``randomly(share, …)`` makes a share of the send calls fail (for a soak), like the Bot API server's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SEND_PATHS = frozenset({
    "/cgi-bin/message/custom/send", "/cgi-bin/message/template/send",
    "/cgi-bin/message/send", "/cgi-bin/message/update_template_card",
})
DEFAULT_HOLD = 10.0


@dataclass
class Fault:
    """One injected failure; ``remaining`` None means every matching call."""

    path: str
    error: int | str
    remaining: int | None = 1
    to: str | None = None
    api: str | None = None
    hold: float = DEFAULT_HOLD
    delivered: bool = False

    @property
    def kind(self) -> str:
        """``errcode``, ``status``, ``timeout`` or ``drop``."""
        if isinstance(self.error, str):
            if self.error not in ("timeout", "drop"):
                raise ValueError(f"unknown fault {self.error!r}")
            return self.error
        return "status" if 100 <= self.error <= 599 else "errcode"

    def matches(self, api: str, path: str, recipients: list[str]) -> bool:
        return (self.path == path and self.api in (None, api)
                and (self.to is None or self.to in recipients))


@dataclass
class _Random:
    share: float
    errors: tuple[int | str, ...]
    paths: frozenset[str]
    rng: random.Random
    hold: float


@dataclass
class Faults:
    """The injected faults; ``injected`` lists (api, path, error, recipients) of every fault that fired."""

    faults: list[Fault] = field(default_factory=list)
    injected: list[tuple[str, str, int | str, list[str]]] = field(default_factory=list)
    _random: _Random | None = None

    def add(self, path: str, error: int | str, times: int | None = 1, to: str | None = None, *,
            api: str | None = None, hold: float = DEFAULT_HOLD, delivered: bool | None = None) -> Fault:
        """The next ``times`` calls of ``path`` (None: all; only those to ``to``; only on ``api``) fail.

        ``to`` is an openid or a WeCom userid (``wechat:``/``wecom:`` prefixes are accepted)."""
        if to is not None and ":" in to:
            api_of_to, to = to.split(":", 1)
            api = api or api_of_to
        fault = Fault(path, error, times, to, api, hold,
                      delivered=(error == "timeout") if delivered is None else delivered)
        fault.kind  # noqa: B018 - validates the error now rather than at the call
        self.faults.append(fault)
        return fault

    def randomly(self, share: float, errors: tuple[int | str, ...] = (-1,), paths: frozenset[str] = SEND_PATHS,
                 seed: int | None = None, hold: float = DEFAULT_HOLD) -> None:
        """From now on ``share`` (0…1) of the calls of ``paths`` fail with one of ``errors`` (a
        ``timeout`` held ``hold`` seconds); 0 stops it."""
        self._random = _Random(share, errors, paths, random.Random(seed), hold) if share > 0 else None

    def clear(self) -> None:
        self.faults.clear()
        self._random = None

    def take(self, api: str, path: str, recipients: list[str]) -> Fault | None:
        """The fault for this call, if any (a counted one is used up)."""
        for fault in self.faults:
            if fault.matches(api, path, recipients):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.faults.remove(fault)
                self.injected.append((api, path, fault.error, recipients))
                return fault
        chance = self._random
        if chance is not None and path in chance.paths and chance.rng.random() < chance.share:
            error = chance.rng.choice(chance.errors)
            self.injected.append((api, path, error, recipients))
            return Fault(path, error, None, None, api, chance.hold, delivered=error == "timeout")
        return None
