"""Grid workers' patrols (人在网中走): a patrol's track from Telegram live locations, and each grid's
daily coverage (who walked it, how long, how much of it)."""
