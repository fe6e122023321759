"""Who may read a ticket's record whole: its resident's words keep their personal numbers in the
ticket itself, and every other view masks them (nlp.masking). An admin reads them whole on purpose
(``gridbot tickets show --reveal``), and every such reading stays in the ticket's audit trail.
"""

from __future__ import annotations

from dataclasses import replace

from nlp.masking import mask_personal

from bot.infra.clock import Clock
from bot.tickets.record import AuditEntry, Ticket
from bot.tickets.store import TicketStore
from bot.tickets.timeline import CLI_PREFIX


def cli_actor(user: str) -> str:
    """The audit actor of an operator at the command line: ``cli:`` and their login name."""
    return CLI_PREFIX + user

REVEALED = "revealed"  # the audit action of reading a ticket's words whole


def masked_ticket(ticket: Ticket) -> Ticket:
    """``ticket`` as anyone but the resident reads it: the words and the result note masked."""
    return replace(ticket, text=mask_personal(ticket.text),
                   result_note=mask_personal(ticket.result_note) if ticket.result_note else ticket.result_note)


def masked_entry(entry: AuditEntry) -> AuditEntry:
    """An audit entry with the words in its note masked (a return reason, a result note)."""
    return replace(entry, note=mask_personal(entry.note))


async def record_reveal(store: TicketStore, clock: Clock, number: str, actor: str) -> AuditEntry:
    """Note in ``number``'s trail that ``actor`` read it whole (the ticket itself is not changed)."""
    ticket = await store.get(number)
    status = str(ticket.status) if ticket is not None else None
    entry = AuditEntry(clock.now(), actor, REVEALED, status, status, "read the record unmasked")
    await store.append_audit(number, entry)
    return entry
