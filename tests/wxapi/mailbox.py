"""Everything delivered, per recipient, in order; and waiting for what has not arrived yet.

Recipients are ``wechat:OPENID`` and ``wecom:USERID`` (gridbot's recipient keys). A bare id means
both (a test rarely gives an openid and a userid the same value); simulator objects with a ``key``
attribute are accepted too. Entries are live dicts: a card update changes the card's entry in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.botapi.pulse import Pulse

from .reading import describe, text_of

Entry = dict[str, Any]
Predicate = Callable[[Entry], Any]
_PREDICATE_ERRORS = (KeyError, TypeError, AttributeError, IndexError)


def recipient_keys(recipient: object) -> tuple[str, ...]:
    """The mailbox keys a recipient argument stands for."""
    key = getattr(recipient, "key", recipient)
    if not isinstance(key, str):
        raise TypeError(f"not a recipient: {recipient!r}")
    if key.startswith(("wechat:", "wecom:")):
        return (key,)
    return (f"wechat:{key}", f"wecom:{key}")


def _matches(predicate: Predicate | None, entry: Entry) -> bool:
    if predicate is None:
        return True
    try:
        return bool(predicate(entry))
    except _PREDICATE_ERRORS:
        return False


class Mailbox:
    """Delivered messages by recipient key; every delivery and card update wakes the waiters."""

    def __init__(self, pulse: Pulse) -> None:
        self.pulse = pulse
        self.entries: list[Entry] = []  # everything, in delivery order
        self._by_key: dict[str, list[Entry]] = {}

    def deliver(self, api: str, to: str, entry: Entry) -> Entry:
        entry.update(api=api, to=to, key=f"{api}:{to}", seq=len(self.entries))
        self.entries.append(entry)
        self._by_key.setdefault(entry["key"], []).append(entry)
        self.pulse.wake()
        return entry

    def of(self, recipient: object) -> list[Entry]:
        """What ``recipient`` received, oldest first."""
        found = [e for key in recipient_keys(recipient) for e in self._by_key.get(key, [])]
        return sorted(found, key=lambda e: e["seq"])

    def texts_of(self, recipient: object) -> list[str]:
        return [text_of(e) for e in self.of(recipient)]

    async def wait_for(self, recipient: object, predicate: Predicate | None = None, timeout: float = 5.0,
                       *, after: int = 0) -> Entry:
        """The first entry of ``recipient`` (from index ``after`` of :meth:`of`) matching ``predicate``.

        Earlier entries count too, so what arrived while the test awaited something else is found;
        pass ``after=len(server.sent(x))`` to wait for something new. A predicate raising
        KeyError/TypeError/AttributeError/IndexError counts as "no match"."""
        def check() -> Entry | None:
            return next((e for e in self.of(recipient)[after:] if _matches(predicate, e)), None)

        found = await self.pulse.wait_for(check, timeout)
        if found is None:
            raise AssertionError(
                f"nothing{' matching' if predicate else ''} delivered to {recipient_keys(recipient)} within "
                f"{timeout}s (after #{after}); delivered:\n{describe(self.of(recipient))}")
        return found

    async def wait_for_text(self, recipient: object, *fragments: str, timeout: float = 5.0, after: int = 0) -> Entry:
        """The first entry whose text (:func:`~tests.wxapi.reading.text_of`) holds every fragment."""
        return await self.wait_for(recipient, lambda e: all(f in text_of(e) for f in fragments), timeout,
                                   after=after)
