"""Tickets (工单): the record, its states and steps, the service every channel calls, duplicate detection, the store, deadlines, escalation and the scheduler."""
