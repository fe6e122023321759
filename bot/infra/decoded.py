"""Redis replies as the str values they are: every gridbot client decodes responses.

bot/app/runtime.py (and the test and benchmark wiring) open each client with ``decode_responses=True``,
so a reply holds ``str``, never ``bytes``. redis-py cannot see that option and types every reply as
``bytes | str`` (and several commands as a union over their option-dependent shapes). These functions
state it once, where a reply is read; at run time each returns its argument unchanged.
"""

from __future__ import annotations

from typing import Any, cast


def text(reply: bytes | str | None) -> str | None:
    """A string reply (GET, GETDEL, HGET), None when the key or field is missing."""
    return cast("str | None", reply)


def text_list(reply: list[Any]) -> list[str]:
    """A list of members (LRANGE, ZRANGE, ZREVRANGE, ZRANGEBYSCORE without scores)."""
    return cast("list[str]", reply)


def optional_texts(reply: list[Any]) -> list[str | None]:
    """Values of several keys (MGET), None for each missing one."""
    return cast("list[str | None]", reply)


def text_set(reply: set[bytes | str]) -> set[str]:
    """The members of a set (SMEMBERS)."""
    return cast("set[str]", reply)


def text_hash(reply: dict[bytes | str, bytes | str]) -> dict[str, str]:
    """A hash's fields and values (HGETALL)."""
    return cast("dict[str, str]", reply)


def scored(reply: list[Any]) -> list[tuple[str, float]]:
    """Members with their scores (ZRANGE… WITHSCORES)."""
    return cast("list[tuple[str, float]]", reply)


def stream_entries(reply: Any) -> list[tuple[str, dict[str, str]]]:
    """The entries of an XREAD/XREADGROUP reply over one stream (``[[stream, entries]]``), [] when none."""
    return reply[0][1] if reply else []
