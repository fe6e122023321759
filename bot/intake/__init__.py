"""From a resident's message to a ticket: what a message is, the questions asked, drafts kept meanwhile."""
