"""Who hears about a ticket: its grid's workers, and the supervisors of its community or town."""

from __future__ import annotations

from bot.tickets.alerts import Reached
from bot.people.directory import Level, People
from bot.tickets.record import Ticket


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

    async def covers(self, key: str, community: str | None, town: str | None) -> bool:
        """May ``key`` dispatch and recategorise tickets of this community/town? (admins: always)."""
        if key in self.admin_keys:
            return True
        supervisor = await self.people.get_supervisor(key)
        if supervisor is None:
            return False
        if community is None and town is None:
            return True  # unlocated tickets are every supervisor's to place
        if supervisor.level == Level.TOWN:
            return town is None or supervisor.area == town
        return supervisor.area == community
