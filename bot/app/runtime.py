"""Connecting a process to Redis and building the domain objects every entry point shares."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.sentinel import Sentinel

from nlp.taxonomy import Taxonomy, load_taxonomy

from bot.infra.clock import Clock, SystemClock
from bot.app.config import Settings
from bot.grids.store import GridStore
from bot.people.directory import People, telegram_key
from bot.infra.embedded_redis import EmbeddedRedis
from bot.tickets.store import TicketStore
from bot.tickets.service import Tickets
from bot.warnings.detector import Thresholds
from bot.warnings.watch import WarningWatch


def redis_client(settings: Settings, url: str | None) -> Redis:
    """A client on the Sentinel-monitored master (GRIDBOT_REDIS_SENTINELS) or on ``url``.

    On one URL the pool is a blocking one: past ``redis_max_connections`` in use, a command waits for a
    connection (up to 20 s) instead of failing. Through Sentinel, the client asks the sentinels for the
    current master on every new connection, so after a failover it reconnects to the promoted replica."""
    if settings.redis_sentinels:
        sentinel = Sentinel(settings.redis_sentinels, socket_timeout=5)
        return sentinel.master_for(settings.redis_sentinel_master, decode_responses=True,
                                   max_connections=settings.redis_max_connections)
    assert url is not None
    pool = BlockingConnectionPool.from_url(url, decode_responses=True, health_check_interval=30,
                                           max_connections=settings.redis_max_connections, timeout=20)
    return Redis(connection_pool=pool)


def embedded_or_none(settings: Settings) -> EmbeddedRedis | None:
    """The data dir's embedded server, unless an external Redis (URL or Sentinel) is configured."""
    if settings.redis_url is not None or settings.redis_sentinels:
        return None
    return EmbeddedRedis(settings.data_dir, settings.redis_maxmemory)


@asynccontextmanager
async def redis_connection(settings: Settings) -> AsyncIterator[Redis]:
    """A client on the configured Redis, or on the data dir's embedded server (joined or started)."""
    embedded = embedded_or_none(settings)
    client = redis_client(settings, embedded.start() if embedded else settings.redis_url)
    try:
        yield client
    finally:
        await client.aclose()
        if embedded is not None:
            embedded.stop()


@dataclass
class Domain:
    """The domain objects of one process."""

    redis: Redis
    taxonomy: Taxonomy
    store: TicketStore
    people: People
    grids: GridStore
    tickets: Tickets
    warnings: WarningWatch


def admin_keys(settings: Settings) -> frozenset[str]:
    return frozenset(telegram_key(user_id) for user_id in settings.admin_ids)


async def build_domain(redis: Redis, settings: Settings, clock: Clock | None = None) -> Domain:
    """Wire store, people, grid map and ticket service; loads the demo map when none was imported."""
    taxonomy = load_taxonomy(settings.taxonomy_path)
    store, people, grids = TicketStore(redis), People(redis), GridStore(redis)
    await grids.ensure_default(settings.demo_map_path)
    tickets = Tickets(store, people, grids, taxonomy, clock or SystemClock(), admin_keys(settings))
    return Domain(redis, taxonomy, store, people, grids, tickets, warning_watch(tickets, settings))


def warning_watch(tickets: Tickets, settings: Settings) -> WarningWatch:
    """The early-warning detector with the configured thresholds (GRIDBOT_WARNING_*)."""
    thresholds = Thresholds(min_count=settings.warning_min_count, ratio=settings.warning_ratio)
    return WarningWatch(tickets.store, tickets.routing, tickets.taxonomy, tickets.clock, thresholds,
                        settings.warning_interval_seconds)
