"""Who hears about a ticket (its grid's workers, the supervisors of its community or town), and which
part of the map a supervisor, an admin or a console account covers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts, username_of
from bot.grids.map import Grid, GridMap
from bot.tickets.alerts import Reached
from bot.people.directory import Level, People
from bot.tickets.record import Ticket


@dataclass(frozen=True)
class Coverage:
    """The part of the map one person or console account steers: a :class:`Scope` (the one rule of who
    sees which placed ticket, for console accounts and Telegram/WeCom supervisors alike), and whether
    they may place tickets nobody has placed yet.

    Unplaced tickets: city and admin scopes always; Telegram/WeCom supervisors too (``places_unplaced``),
    since routing hands an unplaced ticket to them to place (:meth:`Routing.above_grid`) and its words
    already reached them; a town or community console account never (the board shows it only to the city)."""

    scope: Scope
    places_unplaced: bool = True

    def covers(self, community: str | None, town: str | None) -> bool:
        """May this person see, dispatch and recategorise a ticket of this community/town?"""
        if community is None and town is None:
            return self.scope.everything or self.places_unplaced
        return self.scope.sees(community, town)

    def grids(self, grid_map: GridMap) -> list[Grid]:
        """The grids of ``grid_map`` this person may dispatch a ticket to, in file order."""
        return [grid for grid in grid_map.grids if self.scope.sees(grid.community, grid.town)]


class Routing:
    """Looks up the people a ticket concerns."""

    def __init__(self, people: People, admin_keys: frozenset[str] = frozenset()) -> None:
        self.people = people
        self.admin_keys = admin_keys
        self.accounts = Accounts(people.redis)

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
        """What ``key`` steers: everything for an admin, their area for a supervisor, its scope for an
        enabled console account (``console:USERNAME``); None for anyone else."""
        if self.is_admin(key):
            return Coverage(Scope(Role.ADMIN))
        if username_of(key) is not None:
            account = await self.accounts.active(key)
            return Coverage(account.scope, places_unplaced=False) if account is not None else None
        supervisor = await self.people.get_supervisor(key)
        if supervisor is None:
            return None
        if supervisor.level == Level.TOWN:
            return Coverage(Scope(Role.TOWN, town=supervisor.area))
        return Coverage(Scope(Role.COMMUNITY, community=supervisor.area))

    async def covers(self, key: str, community: str | None, town: str | None) -> bool:
        """May ``key`` dispatch and recategorise tickets of this community/town? (admins: always)."""
        coverage = await self.coverage(key)
        return coverage is not None and coverage.covers(community, town)
