"""The detector in service: one pass (end the calm warnings, find the clusters, raise a warning for each
new one and grow the ones already raised), and the scheduler's hook that runs a pass every
GRIDBOT_WARNING_INTERVAL_SECONDS and, sooner, as soon as a new ticket has opened.

Safe with several processes: a pass runs under a Redis lock, so two passes never raise one cluster twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from nlp.taxonomy import Taxonomy

from bot.infra import decoded, keys
from bot.infra.clock import Clock
from bot.people.routing import Routing
from bot.tickets.store import TicketStore
from bot.warnings.baseline import DailyMeans
from bot.warnings.detector import Cluster, Thresholds, find_clusters, pairs_of, recent_tickets
from bot.warnings.notify import recipients, warning_notes
from bot.warnings.store import EarlyWarning, WarningStore

LOCK_MS = 60_000
_RELEASE_LUA = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


@dataclass(frozen=True)
class PassResult:
    """What one pass did."""

    raised: tuple[EarlyWarning, ...] = ()
    grown: tuple[EarlyWarning, ...] = ()
    ended: tuple[EarlyWarning, ...] = ()
    tickets: int = 0  # tickets in the window


class WarningWatch:
    """Runs the detector over the window and keeps the warnings."""

    def __init__(self, store: TicketStore, routing: Routing, taxonomy: Taxonomy, clock: Clock,
                 thresholds: Thresholds | None = None, interval: float = 30.0) -> None:
        self.tickets = store
        self.routing = routing
        self.taxonomy = taxonomy
        self.clock = clock
        self.thresholds = thresholds or Thresholds()
        self.interval = interval
        self.warnings = WarningStore(store.redis)
        self.means = DailyMeans(store.redis)
        self._release = store.redis.register_script(_RELEASE_LUA)
        self._last_pass = float("-inf")
        self._newest_seen: list[str] | None = None

    async def tick(self) -> PassResult | None:
        """The scheduler's hook, called about every second: a pass when the interval has passed or a
        ticket opened since the last one (one cheap read tells); None when no pass ran."""
        newest = decoded.text_list(await self.tickets.redis.zrevrange(keys.all_tickets(), 0, 0))
        if self.clock.now() - self._last_pass < self.interval and newest == self._newest_seen:
            return None
        result = await self.run_pass()
        if result is not None:
            self._last_pass, self._newest_seen = self.clock.now(), newest
        return result

    async def run_pass(self) -> PassResult | None:
        """One pass under the lock; None when another process holds it (its pass covers this one's)."""
        token = secrets.token_hex(8)
        if not await self.tickets.redis.set(keys.warning_lock(), token, nx=True, px=LOCK_MS):
            return None
        try:
            return await self._pass()
        finally:
            await self._release(keys=[keys.warning_lock()], args=[token])

    async def _pass(self) -> PassResult:
        now, window = self.clock.now(), self.thresholds.window_seconds
        ended = await self.warnings.end_calm(now, window)
        recent = await recent_tickets(self.tickets, now - window, now)
        clusters = find_clusters(recent, await self.means.of(pairs_of(recent), now), self.thresholds)
        active = await self.warnings.active()
        raised, grown = [], []
        for cluster in clusters:
            numbers = set(cluster.numbers)
            match = next((w for w in active if w.category == cluster.category and numbers & set(w.numbers)), None)
            if match is None:
                warning = await self._raise(cluster, now)
                raised.append(warning)
                active.append(warning)
            elif (bigger := _grown(match, cluster)) is not match:
                await self.warnings.save(bigger)
                grown.append(bigger)
                active[active.index(match)] = bigger
        return PassResult(tuple(raised), tuple(grown), tuple(ended), len(recent))

    async def _raise(self, cluster: Cluster, now: float) -> EarlyWarning:
        tickets = cluster.tickets
        warning = EarlyWarning(
            warning_id=await self.warnings.new_id(now), category=cluster.category, numbers=cluster.numbers,
            grids=cluster.grids, grid_names=tuple(dict.fromkeys(t.grid_name for t in tickets if t.grid_name)),
            places=tuple(dict.fromkeys((t.community, t.town) for t in tickets)), nearby=cluster.nearby,
            mean=cluster.mean, raised_at=now, newest_at=max(t.created_at for t in tickets))
        to = await recipients(self.routing, await self.tickets.get_many(cluster.numbers))
        notes = warning_notes(warning, to, self.taxonomy.name(cluster.category), self.thresholds.radius_m)
        await self.warnings.create(warning, notes)
        return warning


def _grown(warning: EarlyWarning, cluster: Cluster) -> EarlyWarning:
    """``warning`` with the tickets of ``cluster`` it does not hold yet (itself when there are none)."""
    held = set(warning.numbers)
    new = [t for t in cluster.tickets if t.number not in held]
    if not new:
        return warning
    return replace(
        warning, numbers=warning.numbers + tuple(t.number for t in new),
        grids=tuple(dict.fromkeys(warning.grids + tuple(t.grid_id for t in new if t.grid_id))),
        grid_names=tuple(dict.fromkeys(warning.grid_names + tuple(t.grid_name for t in new if t.grid_name))),
        places=tuple(dict.fromkeys(warning.places + tuple((t.community, t.town) for t in new))),
        nearby=warning.nearby or cluster.nearby, newest_at=max([warning.newest_at, *(t.created_at for t in new)]))
