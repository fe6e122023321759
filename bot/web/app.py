"""The aiohttp application: state in ``web.AppKey``s, handlers that validate at the edge."""

from __future__ import annotations

from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.config import Settings
from bot.model_holder import ModelHolder

SETTINGS = web.AppKey("settings", Settings)
MODELS = web.AppKey("models", ModelHolder)
REDIS = web.AppKey("redis", Redis)


async def healthz(request: web.Request) -> web.Response:
    """200 when Redis answers and a model is loaded; 503 otherwise. The body names the model."""
    models = request.app[MODELS]
    try:
        redis_ok = bool(await request.app[REDIS].ping())
    except (RedisError, OSError):
        redis_ok = False
    body = {"status": "ok" if redis_ok else "unavailable", "redis": redis_ok, "model": models.metadata.version}
    return web.json_response(body, status=200 if redis_ok else 503)


def build_app(settings: Settings, models: ModelHolder, redis: Redis) -> web.Application:
    """The HTTP application with everything it serves."""
    app = web.Application(client_max_size=1024 * 1024)
    app[SETTINGS] = settings
    app[MODELS] = models
    app[REDIS] = redis
    app.router.add_get("/healthz", healthz)
    return app
