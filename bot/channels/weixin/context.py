"""What a WeChat or WeCom channel is started with: the running service's parts it uses."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from redis.asyncio import Redis

from bot.app.config import Settings
from bot.app.runtime import Domain
from bot.infra.metrics import Metrics
from bot.intake.conversation import Intake
from bot.photos.links import PhotoLinks
from bot.photos.store import PhotoStore


@dataclass
class ChannelContext:
    """The service's parts a channel's ``start_*`` function wires itself to."""

    settings: Settings
    redis: Redis
    app: web.Application  # routes may still be added
    intake: Intake
    domain: Domain
    photos: PhotoStore
    links: PhotoLinks
    metrics: Metrics
    consumer: str  # this process's name in consumer groups
    stop: asyncio.Event
    spawn: Callable[[Coroutine[Any, Any, Any]], None]  # run a task until the service stops
    session: aiohttp.ClientSession  # for API calls; closed by the service
