"""Answering the callback query of a pressed inline button."""

from __future__ import annotations

from ..errors import bad
from ..params import Params
from ..state import Handler, State


async def answer_callback_query(state: State, p: Params) -> bool:
    """Each query is answered at most once, with at most 200 characters."""
    query_id = p.get_str("callback_query_id", required=True)
    assert query_id is not None
    if query_id not in state.callback_queries or query_id in state.callback_answers:
        raise bad("query is too old and response timeout expired or query ID is invalid")
    text = p.get_str("text")
    if text is not None and len(text) > 200:
        raise bad("MESSAGE_TOO_LONG")
    state.callback_answers[query_id] = {
        "text": text,
        "show_alert": p.get_bool("show_alert"),
        "url": p.get_str("url"),
        "cache_time": p.get_int("cache_time", 0),
    }
    state.pulse.wake()
    return True


METHODS: dict[str, Handler] = {"answerCallbackQuery": answer_callback_query}
