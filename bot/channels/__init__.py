"""Channels: delivery of the outbox, and one package per channel (Telegram, the web chat)."""
