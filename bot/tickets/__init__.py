"""Tickets (工单): the record, its states and steps, the service every channel calls (opening, duplicates,
follow-ups, supervision, urgent alerts), notifications as data, the store, deadlines, escalation and the
scheduler, and the figures admins and workers read (stats, tasks)."""
