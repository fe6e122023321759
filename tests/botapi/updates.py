"""The updates the server holds for the bot: every update by id, those not yet confirmed, and
redeliveries (the same update once more, as after a lost confirmation), which go out first."""

from __future__ import annotations

import copy
import itertools
from typing import Any

from .pulse import Pulse


class UpdateQueue:
    """Updates waiting for getUpdates or the webhook."""

    def __init__(self, pulse: Pulse) -> None:
        self.pulse = pulse
        self.all: dict[int, dict[str, Any]] = {}
        self._pending: list[dict[str, Any]] = []
        self._redeliveries: list[dict[str, Any]] = []
        self._ids = itertools.count(880_000_001)

    def enqueue(self, content: dict[str, Any]) -> int:
        """A new update with ``content`` (e.g. ``{"message": …}``); returns its update_id."""
        update_id = next(self._ids)
        update = {"update_id": update_id, **content}
        self.all[update_id] = update
        self._pending.append(update)
        self.pulse.wake()
        return update_id

    def redeliver(self, update_id: int) -> None:
        if update_id not in self.all:
            raise AssertionError(f"unknown update_id {update_id}")
        self._redeliveries.append(self.all[update_id])
        self.pulse.wake()

    @property
    def waiting(self) -> list[dict[str, Any]]:
        """Redeliveries first, then the pending updates, in the order they go out."""
        return [*self._redeliveries, *self._pending]

    def confirm(self, offset: int) -> None:
        """getUpdates' ``offset``: positive confirms the updates before it, negative keeps the last ones."""
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` updates, copied: redeliveries are handed out once, pending ones until confirmed."""
        batch = self._redeliveries[:limit]
        del self._redeliveries[: len(batch)]
        batch += self._pending[: limit - len(batch)]
        return [copy.deepcopy(u) for u in batch]

    def next(self) -> dict[str, Any] | None:
        """The update the webhook delivers next (not removed until :meth:`drop`)."""
        source = self._redeliveries or self._pending
        return source[0] if source else None

    def drop(self, update: dict[str, Any]) -> None:
        """``update`` (this very object) leaves the queue: delivered, or given up."""
        for queue in (self._redeliveries, self._pending):
            for index, item in enumerate(queue):
                if item is update:
                    del queue[index]
                    break

    def clear_pending(self) -> None:
        """``drop_pending_updates``."""
        self._pending.clear()
