"""What a test reads and waits for: the bot's messages, edits and callback answers.

``wait_for_message`` only accepts messages newer than the newest message of the chat at the moment
it is called (the user's own message included), so a reply to what a test just sent cannot be missed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .reading import chat_id_of, describe_message
from .state import State
from .users import User

T = TypeVar("T")
_PREDICATE_ERRORS = (KeyError, TypeError, AttributeError, IndexError)

Chat = int | User | dict[str, Any]


def _matches(predicate: Callable[[dict[str, Any]], Any] | None, message: dict[str, Any]) -> bool:
    if predicate is None:
        return True
    try:
        return bool(predicate(message))
    except _PREDICATE_ERRORS:
        return False


class ChatWatcher:
    """The reading side of :class:`~tests.botapi.server.BotAPIServer` (mixed into it)."""

    state: State

    def messages_to(self, chat: Chat) -> list[dict[str, Any]]:
        """Live (edits applied, deleted ones gone) bot messages in a chat, oldest first."""
        bot_id = self.state.bot_id
        return [m for m in self.state.chats.in_order(chat_id_of(chat)) if m.get("from", {}).get("id") == bot_id]

    def messages_from(self, user: User, chat: int | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The user's own messages (as sent in updates, edits applied) in a chat (default: private)."""
        chat_id = user.id if chat is None else chat_id_of(chat)
        return [m for m in self.state.chats.in_order(chat_id) if m.get("from", {}).get("id") == user.id]

    def describe_chat(self, chat: Chat, last: int = 10) -> str:
        messages = self.state.chats.in_order(chat_id_of(chat))[-last:]
        if not messages:
            return "  (no messages)"
        return "\n".join("  " + describe_message(m, self.state.bot_id) for m in messages)

    async def _wait(self, check: Callable[[], T | None], timeout: float, failure: Callable[[], str]) -> T:
        """``check()``'s first non-None value, re-checked on every server event; else AssertionError(failure())."""
        result = await self.state.pulse.wait_for(check, timeout)
        if result is None:
            raise AssertionError(failure())
        return result

    def edits_of(self, chat_id: int, message_id: int) -> list[dict[str, Any]]:
        return [e for e in self.state.edits if e["chat_id"] == chat_id and e["message_id"] == message_id]

    async def wait_for_message(self, chat: Chat, predicate: Callable[[dict[str, Any]], Any] | None = None,
                               timeout: float = 5.0, *, after: int | dict[str, Any] | None = None) -> dict[str, Any]:
        """The first bot message newer than the chat's newest message at call time (or than ``after``)
        that matches ``predicate``. A predicate raising KeyError/TypeError counts as "no match"."""
        return (await self.wait_for_messages(chat, 1, timeout, predicate=predicate, after=after))[0]

    async def wait_for_messages(self, chat: Chat, count: int, timeout: float = 5.0, *,
                                predicate: Callable[[dict[str, Any]], Any] | None = None,
                                after: int | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The first ``count`` new matching bot messages (see :meth:`wait_for_message`)."""
        chat_id = chat_id_of(chat)
        if after is None:
            baseline = self.state.chats.last_message_id.get(chat_id, 0)
        else:
            baseline = after if isinstance(after, int) else int(after["message_id"])

        def check() -> list[dict[str, Any]] | None:
            found = [m for m in self.messages_to(chat_id) if m["message_id"] > baseline and _matches(predicate, m)]
            return found[:count] if len(found) >= count else None

        return await self._wait(check, timeout, lambda: (
            f"expected {count} new bot message(s) in chat {chat_id}"
            f"{' matching the predicate' if predicate else ''} within {timeout}s "
            f"(after message #{baseline}); recent messages:\n{self.describe_chat(chat_id)}"))

    async def wait_for_edit(self, chat: Chat, message_id: int | dict[str, Any],
                            predicate: Callable[[dict[str, Any]], Any] | None = None,
                            timeout: float = 5.0) -> dict[str, Any]:
        """The (live) message once it has been edited.

        With a ``predicate``: as soon as the message has been edited at least once (ever) and now
        matches it — so an edit that happened while the test awaited something else still counts.
        Without one: the first edit made after this call.
        """
        chat_id = chat_id_of(chat)
        mid = message_id if isinstance(message_id, int) else int(message_id["message_id"])
        baseline = len(self.edits_of(chat_id, mid)) if predicate is None else 0

        def check() -> dict[str, Any] | None:
            message = self.state.chats.message(chat_id, mid)
            if message is None or len(self.edits_of(chat_id, mid)) <= baseline:
                return None
            return message if _matches(predicate, message) else None

        return await self._wait(check, timeout, lambda: (
            f"message #{mid} in chat {chat_id} was not edited as expected within {timeout}s; "
            f"edits: {[e['after'].get('text', e['after'].get('caption')) for e in self.edits_of(chat_id, mid)]}"
            f"\nrecent messages:\n{self.describe_chat(chat_id)}"))

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """What the bot passed to answerCallbackQuery for ``query_id`` (text, show_alert, url, cache_time)."""
        return await self._wait(lambda: self.state.callback_answers.get(query_id), timeout,
                                lambda: f"callback query {query_id} was not answered within {timeout}s")

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
        """Wait until ``condition()`` is truthy (re-checked on every server event); return its value."""
        return await self._wait(lambda: condition() or None, timeout, lambda: f"{what} not met within {timeout}s")
