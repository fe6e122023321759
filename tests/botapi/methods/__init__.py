"""The Bot API methods the server answers, grouped by area; :data:`METHODS` is the whole table."""

from __future__ import annotations

from ..state import Handler
from . import bot, callbacks, editing, sending, updates

METHODS: dict[str, Handler] = {
    **bot.METHODS, **updates.METHODS, **sending.METHODS, **editing.METHODS, **callbacks.METHODS,
}
