"""Who hears about a ticket (its grid's workers, the supervisors of its community or town), and which
part of the map a supervisor or an admin covers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.grids.map import Grid, GridMap
from bot.tickets.alerts import Reached
from bot.people.directory import Level, People
from bot.tickets.record import Ticket


@dataclass(frozen=True)
class Coverage:
    """The part of the map one person supervises: a community, a town, or (``level`` None) everything."""

    level: Level | None
    area: str = ""

    def covers(self, community: str | None, town: str | None) -> bool:
        """May this person dispatch and recategorise a ticket of this community/town?"""
        if self.level is None or (community is None and town is None):
            return True  # unlocated tickets are every supervisor's to place
        if self.level == Level.TOWN:
            return town is None or self.area == town
        return self.area == community

    def grids(self, grid_map: GridMap) -> list[Grid]:
        """The grids of ``grid_map`` this person may dispatch a ticket to, in file order."""
        return [grid for grid in grid_map.grids if self.covers(grid.community, grid.town)]


class Routing:
    """Looks up the people a ticket concerns."""

    def __init__(self, people: People, admin_keys: frozenset[str] = frozenset()) -> None:
        self.people = people
        self.admin_keys = admin_keys

    async def community_supervisors(self, ticket: Ticket) -> list[str]:
        return await self.people.supervisors_of(Level.COMMUNITY, ticket.community)

    async def town_supervisors(self, ticket: Ticket) -> list[str]:
        return await self.people.supervisors_of(Level.TOWN, ticket.town)

    async def dispatchers(self, ticket: Ticket) -> list[str]:
        """Who must dispatch a pending ticket: the first level above its grid that has anyone."""
        return (await self.above_grid(ticket))[1]

    async def above_grid(self, ticket: Ticket) -> tuple[Reached | None, list[str]]:
        """The first level above the grid that has anyone who may act on ``ticket``, and who they are:
        its community's supervisors, else its town's; for a ticket nobody has placed, any supervisor
        (town level first); else the admins. (None, []) when there is nobody at all."""
        if found := await self.community_supervisors(ticket):
            return Reached.COMMUNITY, found
        if found := await self.town_supervisors(ticket):
            return Reached.TOWN, found
        if ticket.community is None and ticket.town is None:  # every supervisor may place it (covers)
            everyone = await self.people.supervisors()
            if town_level := [s.key for s in everyone if s.level == Level.TOWN]:
                return Reached.TOWN, town_level
            if everyone:
                return Reached.COMMUNITY, [s.key for s in everyone]
        if self.admin_keys:
            return Reached.ADMINS, sorted(self.admin_keys)
        return None, []

    def is_admin(self, key: str) -> bool:
        """Is ``key`` one of the admins (GRIDBOT_ADMIN_IDS)?"""
        return key in self.admin_keys

    async def coverage(self, key: str) -> Coverage | None:
        """What ``key`` supervises: everything for an admin, their area for a supervisor; None for anyone else."""
        if self.is_admin(key):
            return Coverage(None)
        supervisor = await self.people.get_supervisor(key)
        return Coverage(supervisor.level, supervisor.area) if supervisor is not None else None

    async def covers(self, key: str, community: str | None, town: str | None) -> bool:
        """May ``key`` dispatch and recategorise tickets of this community/town? (admins: always)."""
        coverage = await self.coverage(key)
        return coverage is not None and coverage.covers(community, town)
