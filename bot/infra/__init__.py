"""Infrastructure under the domain: Redis keys and channels and the embedded server, streams, concurrency, rate limits, metrics, the clock and local time."""
