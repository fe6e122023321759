"""Starting the Official Account channel in a running service: its routes, its inbound consumer and
its outbox delivery, wired to the service's parts (``ChannelContext``)."""

from __future__ import annotations

import aiohttp
from redis.asyncio import Redis

from bot.channels.delivery import OutboxDelivery
from bot.channels.wechat.channel import WeChatChannel
from bot.channels.wechat.conversation import CHANNEL, ResidentConversation
from bot.intake.flood import FloodLimit
from bot.channels.wechat.endpoint import WeChatEndpoint
from bot.channels.wechat.memory import ResidentMemory
from bot.channels.wechat.messages import CustomMessages
from bot.channels.wechat.photos import WeChatPhotos
from bot.channels.wechat.ticket_page import KEY_FILE, LINK_TTL_SECONDS, PATH, TicketPage
from bot.channels.weixin.api import WeixinApi, wechat_token_fetcher
from bot.channels.weixin.context import ChannelContext
from bot.channels.weixin.crypto import MessageCrypto
from bot.channels.weixin.inbound import InboundConsumer, InboundLog
from bot.channels.weixin.replay import ReplayGuard
from bot.channels.weixin.tokens import AccessTokens
from bot.app.config import Settings
from bot.infra.rate_limit import SendLimits
from bot.photos.links import PhotoLinks, load_secret

# Customer-service sends: WeChat allows far more than a city's notices; one follower gets a few at once.
MESSAGES_PER_SECOND, PER_FOLLOWER_PER_SECOND = 50.0, 1.0


def wechat_api(settings: Settings, redis: Redis, session: aiohttp.ClientSession) -> WeixinApi:
    """The Official Account's API client, its access token shared through Redis (by every process and
    command of one Redis)."""
    assert settings.wechat_app_id is not None and settings.wechat_app_secret is not None
    fetch = wechat_token_fetcher(session, settings.wechat_api, settings.wechat_app_id,
                                 settings.wechat_app_secret.get_secret_value(), settings.weixin_send_timeout_seconds)
    tokens = AccessTokens(redis, CHANNEL, fetch)
    return WeixinApi(session, settings.wechat_api, tokens, settings.weixin_send_timeout_seconds)


def message_crypto(settings: Settings) -> MessageCrypto | None:
    """The decryption of encrypted (安全/兼容) mode, when an EncodingAESKey is set."""
    if settings.wechat_aes_key is None or settings.wechat_token is None or settings.wechat_app_id is None:
        return None
    return MessageCrypto(settings.wechat_token.get_secret_value(), settings.wechat_aes_key.get_secret_value(),
                         settings.wechat_app_id)


def start_wechat(ctx: ChannelContext) -> None:
    """Mount ``/wechat`` and the ticket pages, and run the inbound consumer and the outbox delivery."""
    settings = ctx.settings
    assert settings.wechat_token is not None
    api = wechat_api(settings, ctx.redis, ctx.session)
    messages = CustomMessages(api)
    secret = load_secret(settings.data_dir / KEY_FILE)  # a few bytes, once at start
    page = TicketPage(PhotoLinks(secret, settings.public_url, LINK_TTL_SECONDS, path=PATH), ctx.domain.tickets)
    page.add_routes(ctx.app)
    WeChatEndpoint(settings.wechat_token.get_secret_value(), message_crypto(settings),
                   InboundLog(ctx.redis, CHANNEL), ReplayGuard(ctx.redis, CHANNEL)).add_routes(ctx.app)
    flood = FloodLimit(ctx.redis, settings.resident_messages_per_minute)
    photos = WeChatPhotos(api, ctx.photos)
    conversation = ResidentConversation(ctx.intake, ResidentMemory(ctx.redis), photos, messages, flood)
    idle_ms = int(settings.reclaim_idle_seconds * 1000)
    ctx.spawn(InboundConsumer(ctx.redis, CHANNEL, ctx.consumer, conversation.handle, idle_ms).run(ctx.stop))
    limits = SendLimits(ctx.redis, CHANNEL, MESSAGES_PER_SECOND, int(MESSAGES_PER_SECOND) - 1, PER_FOLLOWER_PER_SECOND, 2)
    channel = WeChatChannel(messages, page, settings.wechat_template_id, photos)
    ctx.spawn(OutboxDelivery(ctx.redis, channel, ctx.consumer, idle_ms, limits, ctx.metrics).run(ctx.stop))
