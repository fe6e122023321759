"""Channels deliver notifications to people: Telegram, and the web chat."""
