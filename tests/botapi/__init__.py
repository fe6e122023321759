"""A local Telegram Bot API server (``server.BotAPIServer``) and user-side helpers (``client``) for tests."""
