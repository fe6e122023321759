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
