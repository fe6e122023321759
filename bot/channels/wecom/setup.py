"""Wiring the WeCom channel into a running service: ``/wecom``, its callback consumer, its outbox delivery."""

from __future__ import annotations

from bot.channels.delivery import OutboxDelivery
from bot.channels.wecom.callback import add_wecom_routes
from bot.channels.wecom.channel import WeComChannel
from bot.channels.wecom.client import WeComClient
from bot.channels.wecom.desk import Desk
from bot.channels.wecom.handler import WeComHandler
from bot.channels.wecom.limits import wecom_limits
from bot.channels.wecom.state import CardCodes, WaitingSteps
from bot.channels.weixin.api import WeixinApi, wecom_token_fetcher
from bot.channels.weixin.context import ChannelContext
from bot.channels.weixin.crypto import MessageCrypto
from bot.channels.weixin.inbound import InboundConsumer, InboundLog
from bot.channels.weixin.tokens import AccessTokens
from bot.intake.reporting import FieldReports

CHANNEL = "wecom"


def start_wecom(ctx: ChannelContext) -> None:
    """Add ``/wecom`` to the app and start handling callbacks and delivering ``wecom:`` notifications."""
    settings, redis, domain = ctx.settings, ctx.redis, ctx.domain
    corp_id, agent_id = settings.wecom_corp_id, settings.wecom_agent_id
    secret, token, aes_key = settings.wecom_secret, settings.wecom_token, settings.wecom_aes_key
    assert corp_id and agent_id is not None and secret and token and aes_key, "Settings refuse a partial WeCom setup"
    timeout = settings.weixin_send_timeout_seconds
    fetch = wecom_token_fetcher(ctx.session, settings.wecom_api, corp_id, secret.get_secret_value(), timeout)
    api = WeixinApi(ctx.session, settings.wecom_api, AccessTokens(redis, CHANNEL, fetch), timeout)
    limits = wecom_limits(redis)
    client, codes = WeComClient(api, agent_id, limits), CardCodes(redis)
    reports = FieldReports(redis, ctx.intake.models, domain.tickets, domain.grids, domain.people)
    desk = Desk(domain.tickets, domain.people, domain.store, domain.taxonomy, client, WaitingSteps(redis), codes,
                ctx.photos, ctx.links, reports)
    crypto = MessageCrypto(token.get_secret_value(), aes_key.get_secret_value(), corp_id)
    add_wecom_routes(ctx.app, crypto, InboundLog(redis, CHANNEL))
    idle_ms = int(settings.reclaim_idle_seconds * 1000)
    ctx.spawn(InboundConsumer(redis, CHANNEL, ctx.consumer, WeComHandler(desk, agent_id).handle,
                              idle_ms).run(ctx.stop))
    ctx.spawn(OutboxDelivery(redis, WeComChannel(client, codes, ctx.links), ctx.consumer, idle_ms, limits,
                             ctx.metrics).run(ctx.stop))
