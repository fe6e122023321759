"""The HTTP side of gridbot: health, metrics, and (later) the web chat and the Telegram webhook."""
