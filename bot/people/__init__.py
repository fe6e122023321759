"""People: the directory of workers, supervisors and admins, and who a ticket goes to (routing)."""
