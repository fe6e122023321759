"""Wiring the Open311 API into a running service: its routes, and the delivery that takes its outbox."""

from __future__ import annotations

from aiohttp import web
from redis.asyncio import Redis

from bot.accounts.apikeys import ApiKeys
from bot.app.config import Settings
from bot.app.runtime import Domain
from bot.channels.delivery import OutboxDelivery
from bot.channels.open311.channel import Open311Channel
from bot.channels.open311.routes import Open311, add_open311_routes
from bot.infra.clock import Clock
from bot.infra.metrics import Metrics
from bot.infra.rate_limit import RateLimiter
from bot.intake.filed import Filing
from bot.model.holder import ModelHolder


def start_open311(app: web.Application, settings: Settings, redis: Redis, domain: Domain, models: ModelHolder,
                  clock: Clock, metrics: Metrics, consumer: str) -> OutboxDelivery:
    """Mount ``/open311/v2/`` on ``app``; returns the outbox delivery of its (silent) channel, to be run."""
    per_second, burst = settings.open311_requests_per_minute / 60, settings.open311_burst
    api = Open311(
        filing=Filing(models, domain.tickets, domain.grids, domain.taxonomy), store=domain.store,
        taxonomy=domain.taxonomy, api_keys=ApiKeys(redis, clock), clock=clock,
        per_key=RateLimiter(redis, "open311-key", per_second, burst),
        per_client=RateLimiter(redis, "open311-ip", per_second, burst),
    )
    add_open311_routes(app, api)
    idle_ms = int(settings.reclaim_idle_seconds * 1000)
    return OutboxDelivery(redis, Open311Channel(), consumer, idle_ms, metrics=metrics)
