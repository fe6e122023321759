"""The parameters of Open311 calls, validated at the edge: the search of ``GET requests`` and the
fields of ``POST requests``. Anything invalid raises :class:`Open311Error` (400)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
import re

from bot.channels.open311.errors import bad_request
from bot.channels.open311.mapping import CLOSED, OPEN, statuses_of
from bot.infra.clock import LOCAL_TIME
from bot.texts import open311 as texts
from bot.tickets.record import NUMBER_PATTERN
from bot.tickets.window import Window

MAX_REQUESTS = 1000  # listed at most, and ids asked for at once
WINDOW_DAYS = 90  # the default and the longest range of a search
MAX_DESCRIPTION = 2000
NUMBER = re.compile(NUMBER_PATTERN)


@dataclass(frozen=True)
class Search:
    """``GET requests``: the ids asked for (then nothing else counts), else a window."""

    ids: tuple[str, ...] = ()
    window: Window | None = None


@dataclass(frozen=True)
class Posted:
    """The fields of ``POST requests`` gridbot uses (names, emails and phones are never read)."""

    api_key: str
    description: str
    service_code: str | None
    point: tuple[float, float] | None
    address: str | None


def _when(query: Mapping[str, str], name: str) -> float | None:
    raw = query.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace(" ", "+") if raw.count(" ") == 1 and "T" in raw else raw)
    except ValueError:
        raise bad_request(texts.bad_date(name)) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TIME)).timestamp()


def search(query: Mapping[str, str], now: float) -> Search:
    """The search a ``GET requests`` query asks for (see :mod:`bot.channels.open311.routes`)."""
    ids = tuple(dict.fromkeys(part.strip() for part in query.get("service_request_id", "").split(",") if part.strip()))
    if len(ids) > MAX_REQUESTS:
        raise bad_request(texts.too_many_ids(MAX_REQUESTS))
    if ids:
        return Search(ids=tuple(number for number in ids if NUMBER.fullmatch(number)))
    span = WINDOW_DAYS * 86400
    start, end = _when(query, "start_date"), _when(query, "end_date")
    end = end if end is not None else (start + span if start is not None else now)
    start = start if start is not None else end - span
    if start > end or end - start > span:
        raise bad_request(texts.bad_date_range(WINDOW_DAYS))
    state = query.get("status", "").strip().lower()
    if state not in ("", OPEN, CLOSED):
        raise bad_request(texts.bad_status())
    codes = tuple(code.strip() for code in query.get("service_code", "").split(",") if code.strip())
    return Search(window=Window(start, end, codes, statuses_of(state) if state else ()))


def _coordinate(raw: str, bound: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise bad_request(texts.bad_coordinates()) from None
    if not math.isfinite(value) or abs(value) > bound:
        raise bad_request(texts.bad_coordinates())
    return value


def posted(form: Mapping[str, str]) -> Posted:
    """The fields of a ``POST requests`` form; the api_key is checked by the caller, first."""
    lat, lon = form.get("lat", "").strip(), form.get("long", "").strip()
    address = form.get("address_string", "").strip() or None
    if bool(lat) != bool(lon) or not (lat or address):
        raise bad_request(texts.missing_location())
    point = (_coordinate(lat, 90), _coordinate(lon, 180)) if lat else None
    description = form.get("description", "").strip()
    if not description:
        raise bad_request(texts.missing_description())
    if len(description) > MAX_DESCRIPTION or (address is not None and len(address) > MAX_DESCRIPTION):
        raise bad_request(texts.description_too_long(MAX_DESCRIPTION))
    code = form.get("service_code", "").strip() or None
    return Posted(form.get("api_key", ""), description, code, point, address)
