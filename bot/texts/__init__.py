"""Everything people read: all user-facing Chinese, and the channel-neutral rendering of notifications."""
