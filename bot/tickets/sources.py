"""Who filed a ticket (``Ticket.source``, SPEC): a resident, a grid worker on patrol, another city system
through Open311, or a dispatch-console account."""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    """The filer of a ticket."""

    RESIDENT = "resident"
    PATROL = "patrol"
    OPEN311 = "open311"
    CONSOLE = "console"

    @property
    def label(self) -> str:
        return SOURCE_NAMES[self]


SOURCE_NAMES: dict[Source, str] = {
    Source.RESIDENT: "居民",
    Source.PATROL: "巡查上报",
    Source.OPEN311: "其他系统",
    Source.CONSOLE: "调度台",
}


# A field report's filer is no resident: its ticket's ``resident`` is this prefix and the reporter's
# key (bot/tickets/field_reports.py), which no channel delivers to.
FILER_PREFIX = "patrol:"


def filer_key(worker: str) -> str:
    """The ``resident`` of a ticket ``worker`` reported on patrol (``patrol:telegram:42``)."""
    return FILER_PREFIX + worker


def reporter_of(resident: str) -> str | None:
    """The worker who filed a field report with this ``resident`` key (None: a resident filed it)."""
    return resident[len(FILER_PREFIX):] if resident.startswith(FILER_PREFIX) else None


def is_resident(key: str) -> bool:
    """Is ``key`` someone to tell as a resident (not the filer key of a field report)?"""
    return not key.startswith(FILER_PREFIX)
