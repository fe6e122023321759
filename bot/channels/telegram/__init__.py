"""The Telegram channel: notifications sent as Bot API calls, durable intake of updates, FSM storage,
the start-up check."""
