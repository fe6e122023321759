"""The Telegram channel: Bot API calls, durable intake of updates, FSM storage, the start-up check."""
