"""What a supervisor may do to a ticket before they do it: which tickets they may dispatch or recategorise,
and the grids and categories to offer them.

Every channel (Telegram's 派单 / 改类别 buttons, and later WeCom and the console) asks here, so the
choices it shows are the ones :meth:`bot.tickets.service.Tickets.dispatch` and ``recategorise`` accept.
The rule of who covers which part of the map is :class:`bot.people.routing.Coverage`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.accounts.store import username_of
from bot.people.routing import Coverage
from bot.tickets.record import Ticket
from bot.tickets.outcome import Outcome, Refusal
from bot.tickets.steps import TicketSteps


@dataclass(frozen=True)
class Choices:
    """Whether the supervisor may act on the ticket (``outcome``), and what to offer: ``(arg, label)`` pairs."""

    outcome: Outcome
    options: tuple[tuple[str, str], ...] = ()


class SupervisorChoices(TicketSteps):
    """The checks and choices before a supervisor's step. They change nothing."""

    async def may_supervise(self, number: str, supervisor: str) -> Outcome:
        """May ``supervisor`` dispatch and recategorise ``number``? (An admin may, for any ticket.)"""
        return (await self._supervised(number, supervisor))[0]

    async def dispatch_choices(self, number: str, supervisor: str) -> Choices:
        """The grids ``supervisor`` may dispatch ``number`` to: ``(grid_id, name)`` of those they cover."""
        allowed, coverage = await self._supervised(number, supervisor)
        if coverage is None:
            return Choices(allowed)
        grid_map = await self.grids.current()
        if grid_map is None:  # no map yet: there is no grid to offer
            return Choices(Outcome.refused(Refusal.NOT_ALLOWED, allowed.ticket))
        return Choices(allowed, tuple((grid.grid_id, grid.name) for grid in coverage.grids(grid_map)))

    async def category_choices(self, number: str, supervisor: str) -> Choices:
        """The categories ``supervisor`` may move ``number`` to: ``(code, name)`` of all but its own."""
        allowed = await self.may_supervise(number, supervisor)
        if not allowed.ok or allowed.ticket is None:
            return Choices(allowed)
        current = allowed.ticket.category
        return Choices(allowed, tuple((c.code, c.name) for c in self.taxonomy.categories if c.code != current))

    async def _supervised(self, number: str, supervisor: str) -> tuple[Outcome, Coverage | None]:
        ticket = await self.store.get(number.strip().upper())
        if ticket is None:
            return Outcome.refused(Refusal.NOT_FOUND), None
        coverage = await self.routing.coverage(supervisor)
        if coverage is None or not coverage.covers(ticket.community, ticket.town):
            return self.not_theirs(supervisor, ticket), None
        return Outcome.done(ticket), coverage

    @staticmethod
    def not_theirs(steerer: str, ticket: Ticket) -> Outcome:
        """The refusal of a step on a ticket out of ``steerer``'s scope: to a console account it is not
        found (existence is not revealed); a supervisor, who was sent its number, is told it is not theirs."""
        if username_of(steerer) is not None:
            return Outcome.refused(Refusal.NOT_FOUND)
        return Outcome.refused(Refusal.NOT_ALLOWED, ticket)
