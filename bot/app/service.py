"""The running service: everything ``gridbot serve`` starts, wired in one place and stopped cleanly.

HTTP port (bound, not yet listening) → Bot API check (when a token is set) → Redis (embedded or
GRIDBOT_REDIS_URL) → grid map (demo on first run) → classifier (trained on first run) → ticket domain →
intake → Telegram (polling or webhook) → outbox delivery → scheduler → model-switch listener → HTTP
listening (health, metrics, web chat, webhook) → the webhook registered with Telegram. What fails
first is cheapest to check: a busy port or a wrong token fails before Redis or the model start.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
import aiohttp
from aiohttp import web
from redis.asyncio import Redis

from bot.faq.setup import start_answers
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.weixin.context import ChannelContext
from bot.channels.wechat.setup import start_wechat
from bot.channels.wecom.setup import start_wecom
from bot.channels.open311.setup import start_open311
from bot.channels.telegram.check import check_bot_api, register_webhook
from bot.channels.telegram.fsm import CoalescedRedisStorage
from bot.channels.telegram.updates import TelegramPoller, UpdateConsumer, UpdateLog, webhook_handler
from bot.model.store import load_or_train_default
from bot.infra.clock import Clock, SystemClock
from bot.app.config import Settings
from bot.channels.delivery import OutboxDelivery
from bot.intake.conversation import Intake
from bot.intake.reporting import FieldReports
from bot.infra.metrics import Metrics
from bot.model.holder import ModelHolder, keep_out_of_gc
from bot.photos.links import PhotoLinks, load_secret
from bot.photos.store import PhotoStore
from bot.infra.open_files import AcceptErrorThrottle
from bot.infra.rate_limit import SendLimits
from bot.infra.redis_memory import MemoryWatch
from bot.infra.embedded_redis import EmbeddedRedis
from bot.model.retrain import Retrainer
from bot.app.runtime import Domain, build_domain, embedded_or_none, redis_client
from bot.tickets.scheduler import Scheduler
from bot.app.startup import StartupError, in_daemon_thread
from bot.channels.web.inbox import InboxWakeups, WebChannel
from bot.app.http import build_app
from bot.channels.web.chat import add_chat_routes
from bot.channels.console.routes import add_console_routes
from bot.channels.web.staff_photos import add_photo_routes
from bot.app.listen import bind_http, listen_failure
from handlers import admin, fallback, patrol, resident, supervisor, worker
from handlers import field as field_reports
from handlers.middlewares import ResidentFloodLimit
from bot.intake.flood import FloodLimit
from bot.patrol.patrols import Patrols

log = logging.getLogger("gridbot")
WEBHOOK_PATH = "/telegram/webhook"
WEIXIN_CONNECTIONS = 64  # open connections to the WeChat and WeCom APIs, at most


@dataclass
class Service:
    """One gridbot process."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    redis: Redis | None = None
    domain: Domain | None = None
    models: ModelHolder | None = None
    bot: Bot | None = None
    dispatcher: Dispatcher | None = None
    poll_timeout: int = 10
    http_port: int | None = None
    metrics: Metrics | None = None
    _embedded: EmbeddedRedis | None = None
    _weixin_session: aiohttp.ClientSession | None = None
    _runner: web.AppRunner | None = None
    _sockets: list[socket.socket] = field(default_factory=list)
    _accept_errors: AcceptErrorThrottle = field(default_factory=AcceptErrorThrottle)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task] = field(default_factory=list)
    _background: set[asyncio.Task] = field(default_factory=set)

    async def start(self, progress: Callable[[str], None] | None = None) -> None:
        """Start everything; ``progress`` hears the steps of training a first model, if one is needed.

        A failure raises (StartupError: the message is for the operator); after a failed or cancelled
        start, ``stop`` stops what had started."""
        settings = self.settings
        self._sockets = bind_http(settings.http_host, settings.http_port)
        if settings.bot_token is not None:
            self.bot = _telegram_bot(settings)
            await check_bot_api(self.bot, settings.telegram_api)
        self._accept_errors.install(asyncio.get_running_loop())
        self._embedded = embedded_or_none(settings)
        self.redis = redis_client(settings, self._embedded.start() if self._embedded else settings.redis_url)
        self.domain = await build_domain(self.redis, settings, self.clock)
        classifier, metadata = await in_daemon_thread(load_or_train_default, settings, progress)
        self.models = ModelHolder(classifier, metadata, settings.models_dir)
        await asyncio.to_thread(self.models.classify, "路灯坏了")  # builds lazy tables now, not on a resident's time
        grid_map = await self.domain.grids.current()
        if grid_map is not None:
            self.models.add_place_names(grid_map.place_names())
        self.metrics = Metrics(self.redis)
        intake = Intake(self.redis, self.models, self.domain.tickets, self.domain.grids, self.domain.taxonomy,
                        self.metrics, await start_answers(self.redis, settings))
        app = build_app(settings, self.models, self.redis, self.domain.store, self.clock, self.metrics)
        wakeups = InboxWakeups()
        photos = PhotoStore(settings.uploads_dir, keep_free=settings.uploads_keep_free)
        await asyncio.to_thread(photos.make_private)
        add_chat_routes(app, intake, self.domain.tickets, photos, wakeups)
        add_console_routes(app, self.domain.tickets, photos)
        links = PhotoLinks(await asyncio.to_thread(load_secret, settings.photo_link_key_path), settings.public_url)
        add_photo_routes(app, photos, links)
        self._spawn(wakeups.listen(self.redis, self._stop))
        web_consumer = f"{os.uname().nodename}-{os.getpid()}-{id(self):x}"
        idle_ms = int(settings.reclaim_idle_seconds * 1000)
        self._spawn(OutboxDelivery(self.redis, WebChannel(self.redis), web_consumer, idle_ms,
                                   metrics=self.metrics).run(self._stop))
        open311 = start_open311(app, settings, self.redis, self.domain, self.models, self.clock, self.metrics,
                                web_consumer)
        self._spawn(open311.run(self._stop))
        self._spawn(self.metrics.run(self._stop))
        self._spawn(MemoryWatch(self.redis).run(self._stop))
        if self.bot is not None:
            self._start_telegram(intake, app, photos)
        if settings.wechat_enabled or settings.wecom_enabled:
            context = self._channel_context(intake, app, photos, links, web_consumer)
            if settings.wechat_enabled:
                start_wechat(context)
            if settings.wecom_enabled:
                start_wecom(context)
        self._spawn(Scheduler(self.domain.store, self.domain.tickets, self.clock,
                              jobs=[self.domain.warnings]).run(self._stop))
        self._spawn(self.models.listen(self.redis, self._stop))
        await self._listen(app)
        keep_out_of_gc()
        if self.bot is not None and settings.bot_mode == "webhook":
            await register_webhook(self.bot, settings.telegram_api, str(settings.webhook_url), self._webhook_secret())

    async def _listen(self, app: web.Application) -> None:
        """Serve ``app`` on the sockets bound at the start."""
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        try:
            for sock in self._sockets:
                await web.SockSite(self._runner, sock).start()
        except OSError as err:  # bound meanwhile by another process that listened first
            raise StartupError(listen_failure(self.settings.http_host, self.settings.http_port, err)) from None
        self.http_port = self._sockets[0].getsockname()[1]

    def _webhook_secret(self) -> str:
        secret = self.settings.webhook_secret
        assert secret is not None, "Settings refuse webhook mode without GRIDBOT_WEBHOOK_SECRET"
        return secret.get_secret_value()

    def _start_telegram(self, intake: Intake, app: web.Application, photos: PhotoStore) -> None:
        settings, domain, models = self.settings, self.domain, self.models
        assert self.bot is not None and domain is not None and self.redis is not None and models is not None
        self.dispatcher = Dispatcher(
            storage=CoalescedRedisStorage(self.redis),
            settings=settings, clock=self.clock, intake=intake, tickets=domain.tickets, store=domain.store,
            people=domain.people, grids=domain.grids, taxonomy=domain.taxonomy, models=models, warnings=domain.warnings,
            retrainer=Retrainer(self.redis, settings, models), background=self._background,
            patrols=Patrols(self.redis, self.clock),
            reports=FieldReports(self.redis, models, domain.tickets, domain.grids, domain.people),
        )
        self.dispatcher.message.middleware(ResidentFloodLimit(FloodLimit(self.redis, settings.resident_messages_per_minute)))
        self.dispatcher.include_routers(admin.build_router(), field_reports.build_router(), worker.build_router(),
                                        supervisor.build_router(), patrol.build_router(), resident.build_router(),
                                        fallback.build_router())
        consumer = f"{os.uname().nodename}-{os.getpid()}-{id(self):x}"
        idle_ms = int(settings.reclaim_idle_seconds * 1000)
        # Telegram's limits: about 30 messages a second overall, about one a second per chat (bursts allowed).
        # A burst counts the sends beyond the first: at most `overall` go out at once, and 3 to one chat.
        overall, per_chat = settings.telegram_messages_per_second, settings.telegram_chat_messages_per_second
        limits = SendLimits(self.redis, "telegram", overall, max(0, int(overall) - 1), per_chat, 2)
        channel = TelegramChannel(self.bot, photos, settings.telegram_send_timeout_seconds)
        self._spawn(OutboxDelivery(self.redis, channel, consumer, idle_ms, limits, self.metrics).run(self._stop))
        update_log = UpdateLog(self.redis)
        assert self.metrics is not None
        self._spawn(UpdateConsumer(self.redis, self.dispatcher, self.bot, consumer, idle_ms,
                                   self.metrics).run(self._stop))
        if settings.bot_mode == "polling":
            poller = TelegramPoller(self.bot, update_log, consumer, self.poll_timeout, settings.poll_lease_seconds)
            self._spawn(poller.run(self._stop))
        else:
            app.router.add_post(WEBHOOK_PATH, webhook_handler(update_log, self._webhook_secret()))

    def _channel_context(self, intake: Intake, app: web.Application, photos: PhotoStore, links: PhotoLinks,
                         consumer: str) -> ChannelContext:
        """What the WeChat and WeCom channels are started with; their API session closes with the service."""
        assert self.redis is not None and self.domain is not None and self.metrics is not None
        self._weixin_session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=WEIXIN_CONNECTIONS))
        return ChannelContext(self.settings, self.redis, app, intake, self.domain, photos, links, self.metrics,
                              consumer, self._stop, self._spawn, self._weixin_session)

    def _spawn(self, coro: object) -> None:
        self._tasks.append(asyncio.create_task(coro))  # type: ignore[arg-type]

    async def stop(self) -> None:
        """Stop everything that was started, also after a failed or cancelled start."""
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._background, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
        if self.bot is not None:
            await self.bot.session.close()
        if self._weixin_session is not None:
            await self._weixin_session.close()
        if self.redis is not None:
            await self.redis.aclose()
        for sock in self._sockets:
            sock.close()  # bound but never served (a server that served them has closed them already)
        if self._embedded is not None:
            self._embedded.stop()
        self._accept_errors.uninstall(asyncio.get_running_loop())
        # What start-up froze out of the collector's sweeps (keep_out_of_gc) is collectable again: a process
        # that starts services one after another (the tests) would otherwise keep every stopped one's cycles.
        gc.unfreeze()


def _telegram_bot(settings: Settings) -> Bot:
    assert settings.bot_token is not None
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api))
    return Bot(settings.bot_token.get_secret_value(), session=session,
               default=DefaultBotProperties(parse_mode=ParseMode.HTML))
