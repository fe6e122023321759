"""Infrastructure under the domain: Redis keys and the embedded server, streams, concurrency, rate limits, metrics, the clock."""
