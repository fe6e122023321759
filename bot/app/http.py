"""The aiohttp application: state in ``web.AppKey``s, handlers that validate at the edge."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.infra.clock import Clock
from bot.app.config import Settings
from bot.infra.metrics import Metrics
from bot.tickets.stats import overdue_count
from bot.tickets.store import TicketStore
from bot.model.holder import ModelHolder
from bot.infra.redis_memory import read_memory
from bot.app.security import add_security_headers

SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
STORE = web.AppKey("store", TicketStore)
CLOCK = web.AppKey("clock", Clock)
MODELS = web.AppKey("models", ModelHolder)
REDIS = web.AppKey("redis", Redis)


async def healthz(request: web.Request) -> web.Response:
    """200 when Redis answers and a model is loaded; 503 otherwise. The body names the model and says
    how full Redis is (with a warning when it is filling)."""
    models = request.app[MODELS]
    try:
        redis_ok = bool(await request.app[REDIS].ping())
    except (RedisError, OSError):
        redis_ok = False
    body: dict[str, Any] = {"status": "ok" if redis_ok else "unavailable", "redis": redis_ok,
                            "model": models.metadata.version}
    if redis_ok and (memory := await read_memory(request.app[REDIS])) is not None:
        body["redis_memory"] = memory.as_json()
    return web.json_response(body, status=200 if redis_ok else 503)


async def metrics_page(request: web.Request) -> web.Response:
    """Prometheus text: updates, classifications, tickets by state, overdue, notifications, latency."""
    store = request.app[STORE]
    overdue = await overdue_count(store, request.app[CLOCK])
    text = await request.app[METRICS].render(await store.count_by_status(), overdue)
    return web.Response(text=text, content_type="text/plain", charset="utf-8")


def build_app(settings: Settings, models: ModelHolder, redis: Redis, store: TicketStore, clock: Clock,
              metrics: Metrics) -> web.Application:
    """The HTTP application with everything it serves."""
    app = web.Application(client_max_size=6 * 1024 * 1024)  # photo uploads: 5 MB + form
    app[SETTINGS] = settings
    app[MODELS] = models
    app[REDIS] = redis
    app[METRICS] = metrics
    app[STORE] = store
    app[CLOCK] = clock
    add_security_headers(app, settings.map_tile_origin)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    return app
