"""Who hears about a ticket: its grid's workers, and the supervisors of its community or town."""

from __future__ import annotations

from bot.people import Level, People
from bot.ticket import Ticket


class Routing:
    """Looks up the people a ticket concerns."""

    def __init__(self, people: People, admin_keys: frozenset[str] = frozenset()) -> None:
        self.people = people
        self.admin_keys = admin_keys

    async def grid_workers(self, ticket: Ticket) -> list[str]:
        return await self.people.workers_of_grid(ticket.grid_id) if ticket.grid_id else []

    async def handlers(self, ticket: Ticket) -> list[str]:
        """The worker who accepted the ticket, else every worker of its grid."""
        return [ticket.worker] if ticket.worker else await self.grid_workers(ticket)

    async def community_supervisors(self, ticket: Ticket) -> list[str]:
        return await self.people.supervisors_of(Level.COMMUNITY, ticket.community)

    async def town_supervisors(self, ticket: Ticket) -> list[str]:
        return await self.people.supervisors_of(Level.TOWN, ticket.town)

    async def dispatchers(self, ticket: Ticket) -> list[str]:
        """Who must dispatch a pending ticket: its community's supervisors, else its town's, else all."""
        found = await self.community_supervisors(ticket) or await self.town_supervisors(ticket)
        if found:
            return found
        everyone = await self.people.supervisors()
        town_level = [s.key for s in everyone if s.level == Level.TOWN]
        return town_level or [s.key for s in everyone] or sorted(self.admin_keys)

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
