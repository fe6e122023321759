"""A ticket's timeline for staff: its audit entries with each actor told by role and name, never by a
resident's id. Who an actor is: a console account (its username), a worker or supervisor (their name),
an admin (also one at the command line: ``cli:$USER``), the system, an Open311 client (its key's name)
or else a resident (no name at all)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.accounts.store import username_of
from bot.people.routing import Routing
from bot.tickets.escalation import SYSTEM
from bot.tickets.record import AuditEntry

OPEN311_PREFIX = "open311:"
CLI_PREFIX = "cli:"
# Steps only a resident takes: whoever took one took it as a resident (a worker may be one too), so it
# is shown as a resident's, never under their staff name.
RESIDENT_STEPS = frozenset({"open", "place", "praise", "cancel", "link", "reopen"})
STAFF = frozenset({"worker", "supervisor", "admin"})


class ActorKind(StrEnum):
    """What kind of actor took a step (the texts put a Chinese word on each)."""

    ACCOUNT = "account"
    WORKER = "worker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SYSTEM = "system"
    OPEN311 = "open311"
    RESIDENT = "resident"


@dataclass(frozen=True)
class Actor:
    """Who took a step: the kind, and a name safe to show staff ('' when there is none to show)."""

    kind: ActorKind
    name: str = ""


@dataclass(frozen=True)
class Step:
    """One audit entry as the timeline shows it; ``worker`` names the worker a dispatch went to."""

    entry: AuditEntry
    actor: Actor
    worker: str = ""


async def actor(routing: Routing, key: str) -> Actor:
    """Who ``key`` is, as staff may be told (a resident is only ever 'a resident')."""
    if (username := username_of(key)) is not None:
        return Actor(ActorKind.ACCOUNT, username)
    if key == SYSTEM:
        return Actor(ActorKind.SYSTEM)
    if key.startswith(CLI_PREFIX):  # an operator at the command line (gridbot tickets show --reveal)
        return Actor(ActorKind.ADMIN, key.removeprefix(CLI_PREFIX))
    if key.startswith(OPEN311_PREFIX):
        return Actor(ActorKind.OPEN311, key.removeprefix(OPEN311_PREFIX).split(":", 1)[0])
    if routing.is_admin(key):
        return Actor(ActorKind.ADMIN)
    if (worker := await routing.people.get_worker(key)) is not None:
        return Actor(ActorKind.WORKER, worker.name)
    if (supervisor := await routing.people.get_supervisor(key)) is not None:
        return Actor(ActorKind.SUPERVISOR, supervisor.name)
    return Actor(ActorKind.RESIDENT)


async def timeline(routing: Routing, entries: list[AuditEntry]) -> list[Step]:
    """``entries`` (oldest first) with their actors, each key looked up once."""
    known: dict[str, Actor] = {}
    steps = []
    for entry in entries:
        worker_key = str(entry.data.get("worker") or "")
        for key in (entry.actor, worker_key):
            if key and key not in known:
                known[key] = await actor(routing, key)
        who = known[entry.actor]
        if who.kind in STAFF and _as_resident(entry):
            who = Actor(ActorKind.RESIDENT)
        steps.append(Step(entry, who, known[worker_key].name if worker_key else ""))
    return steps


def _as_resident(entry: AuditEntry) -> bool:
    rated = entry.action == "close" and ("stars" in entry.data or entry.note.startswith("rating"))
    reported = entry.action == "open" and entry.data.get("source") == "patrol"  # a worker's own field report
    return (entry.action in RESIDENT_STEPS and not reported) or rated
