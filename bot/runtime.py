"""Connecting a process to Redis and building the domain objects every entry point shares."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import Redis

from nlp.taxonomy import Taxonomy, load_taxonomy

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.grid_store import GridStore
from bot.people import People, telegram_key
from bot.redis_server import EmbeddedRedis
from bot.store import TicketStore
from bot.tickets import Tickets


@asynccontextmanager
async def redis_connection(settings: Settings) -> AsyncIterator[Redis]:
    """A client on ``GRIDBOT_REDIS_URL``, or on the data dir's embedded server (joined or started)."""
    embedded = None
    url = settings.redis_url
    if url is None:
        embedded = EmbeddedRedis(settings.data_dir)
        url = embedded.start()
    client = Redis.from_url(url, decode_responses=True, health_check_interval=30)
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


def admin_keys(settings: Settings) -> frozenset[str]:
    return frozenset(telegram_key(user_id) for user_id in settings.admin_ids)


async def build_domain(redis: Redis, settings: Settings, clock: Clock | None = None) -> Domain:
    """Wire store, people, grid map and ticket service; loads the demo map when none was imported."""
    taxonomy = load_taxonomy(settings.taxonomy_path)
    store, people, grids = TicketStore(redis), People(redis), GridStore(redis)
    await grids.ensure_default(settings.demo_map_path)
    tickets = Tickets(store, people, grids, taxonomy, clock or SystemClock(), admin_keys(settings))
    return Domain(redis, taxonomy, store, people, grids, tickets)
