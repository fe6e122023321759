"""The web chat channel: its HTTP routes and page, sessions, live updates and the inbox it delivers to."""
