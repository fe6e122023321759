"""Infrastructure under the domain: Redis keys and channels, decoded replies, the embedded server and its
memory alert, streams, concurrency, rate limits, metrics, the clock and local time, open-files limits."""
