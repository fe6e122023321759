"""Tickets (工单): the record, its states and steps, the service every channel calls, the store, deadlines, escalation and the scheduler."""
