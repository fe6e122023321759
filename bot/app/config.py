"""Settings, read once at start from the environment (``GRIDBOT_*``) and ``.env``, validated by pydantic."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.channels.weixin.crypto import valid_aes_key
from bot.app.tile_url import tile_origin, tile_url_problem
from bot.infra.addresses import is_loopback
from bot.infra.open_files import max_event_streams

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TELEGRAM_API = "https://api.telegram.org"
WECHAT_API = "https://api.weixin.qq.com"
WECOM_API = "https://qyapi.weixin.qq.com"
# WeChat's rule for the server token of an Official Account or a WeCom app.
WEIXIN_TOKEN = re.compile(r"[A-Za-z0-9]{3,32}")
# Telegram's rule for setWebhook's secret_token, sent back in X-Telegram-Bot-Api-Secret-Token.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_SECRET_RULE = "1–256 characters of A–Z a–z 0–9 _ -"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_SIZE = re.compile(r"(\d+)\s*(b|k|kb|m|mb|g|gb)?", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2, "g": 1000**3, "gb": 1024**3}
MIN_REDIS_MAXMEMORY = 32 * 1024**2


class Settings(BaseSettings):
    """gridbot configuration; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="GRIDBOT_", env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api: str = TELEGRAM_API
    bot_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    redis_url: str | None = None
    # Sentinel instead of one URL: "host:port,host:port" and the monitored master's name.
    redis_sentinels: Annotated[list[tuple[str, int]], NoDecode] = Field(default_factory=list)
    redis_sentinel_master: str = "mymaster"
    redis_max_connections: int = Field(default=100, ge=8)
    # The embedded Redis's memory limit, in Redis's notation (512mb, 2gb); see bot.infra.redis_memory.
    redis_maxmemory: int = 1024**3
    # Disk space web photo uploads always leave free (for Redis's files, in the same data dir): 1gb.
    uploads_keep_free: int = Field(default=1024**3, ge=0)
    data_dir: Path = Path("./var")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)  # 0: any free port
    # The address residents and staff reach gridbot at: links in notices; https makes cookies Secure.
    public_url: str = "http://127.0.0.1:8080"
    # Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs); nobody else's ever is.
    trusted_proxies: Annotated[tuple[IPNetwork, ...], NoDecode] = ()
    # Web chat limits per client IP. Carrier NAT puts thousands of residents behind one address, so
    # they are far above what a busy community needs, and far below what a script does.
    web_sessions_per_ip_per_minute: int = Field(default=600, ge=1)
    web_event_streams_per_session: int = Field(default=4, ge=1)
    web_event_streams_per_ip: int = Field(default=1000, ge=1)
    # Open event streams in all (one socket each); unset: half the open-files limit, at most 10000.
    web_event_streams_total: int | None = Field(default=None, ge=1)
    # dispatch console (指挥调度): sessions end after 8 h unused and 7 days after login; failed logins
    # allowed in any one minute per username and per client IP (successful ones do not count)
    console_idle_seconds: int = Field(default=8 * 3600, ge=60)
    console_session_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    console_logins_per_username_per_minute: int = Field(default=5, ge=1)
    console_logins_per_ip_per_minute: int = Field(default=20, ge=1)
    training_dir: Path = PROJECT_ROOT / "training_data"
    # Operations knobs (README, Operations): how long a dead process's pending updates and
    # notifications wait before another process takes them, and how long a poller's lease lasts.
    reclaim_idle_seconds: float = Field(default=15.0, gt=0)
    poll_lease_seconds: int = Field(default=15, ge=2)
    resident_messages_per_minute: int = Field(default=20, ge=1)
    # Open311 calls per API key (or, for reads without a key, per client address): a steady rate a
    # minute, after a burst.
    open311_requests_per_minute: int = Field(default=60, ge=1)
    open311_burst: int = Field(default=30, ge=0)
    # Early warning (预警, bot/warnings/): at least this many requests of one category in one grid (or
    # within 300 m) in 24 hours, and at least this many times the grid's 30-day daily mean; and how
    # often the detector runs at the latest (it also runs as soon as a ticket opens).
    warning_min_count: int = Field(default=5, ge=2)
    warning_ratio: float = Field(default=3.0, ge=1.0)
    warning_interval_seconds: float = Field(default=30.0, gt=0)
    # Telegram's limits (about 30 messages a second overall, 1 a second per chat): lower them for a
    # smaller bot, raise them only against a local Bot API server (benchmarks).
    telegram_messages_per_second: float = Field(default=30.0, gt=0)
    telegram_chat_messages_per_second: float = Field(default=1.0, gt=0)
    # A send not answered by then is retried, flagged as a possible repeat (Telegram may have taken it).
    telegram_send_timeout_seconds: float = Field(default=15.0, gt=0)

    # WeChat Official Account for residents (README, WeChat): unset, no WeChat channel.
    wechat_token: SecretStr | None = None
    wechat_app_id: str | None = None
    wechat_app_secret: SecretStr | None = None
    wechat_aes_key: SecretStr | None = None  # set: encrypted (安全/兼容) mode
    wechat_template_id: str | None = None  # the status notice sent when a customer-service message is refused
    wechat_api: str = WECHAT_API
    # WeCom self-built app for workers and supervisors: unset, no WeCom channel.
    wecom_corp_id: str | None = None
    wecom_agent_id: int | None = None
    wecom_secret: SecretStr | None = None
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None
    wecom_api: str = WECOM_API
    # A WeChat or WeCom API call not answered by then is retried, flagged as a possible repeat.
    weixin_send_timeout_seconds: float = Field(default=10.0, gt=0)
    # The console map's background: a city's own XYZ tile service (Web Mercator), such as
    # https://tiles.city.gov.cn/{z}/{x}/{y}.png, and the credit its terms ask for; unset, no tiles.
    map_tile_url: str | None = None
    map_tile_attribution: str | None = None

    @field_validator("redis_sentinels", mode="before")
    @classmethod
    def _split_sentinels(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        sentinels = []
        for part in (p.strip() for p in value.split(",") if p.strip()):
            host, _, port = part.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"sentinel {part!r} is not host:port")
            sentinels.append((host, int(port)))
        return sentinels

    @field_validator("public_url")
    @classmethod
    def _public_url_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or len(value) < 10:
            raise ValueError(f"GRIDBOT_PUBLIC_URL must be an http:// or https:// address, not {value!r}")
        return value.rstrip("/")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_proxies(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        networks = []
        for part in (p.strip() for p in value.split(",") if p.strip()):
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"GRIDBOT_TRUSTED_PROXIES must be comma-separated IP addresses or CIDR "
                                 f"networks (such as 10.0.0.5,172.16.0.0/12), not {part!r}") from None
        return tuple(networks)

    @field_validator("redis_maxmemory", mode="before")
    @classmethod
    def _parse_size(cls, value: object) -> object:
        value = _size(value, "GRIDBOT_REDIS_MAXMEMORY")
        if isinstance(value, int) and value < MIN_REDIS_MAXMEMORY:
            raise ValueError(f"GRIDBOT_REDIS_MAXMEMORY must be at least 32mb, not {value} bytes")
        return value

    @field_validator("uploads_keep_free", mode="before")
    @classmethod
    def _parse_keep_free(cls, value: object) -> object:
        return _size(value, "GRIDBOT_UPLOADS_KEEP_FREE")

    @field_validator("web_event_streams_total")
    @classmethod
    def _streams_fit_open_files(cls, value: int | None) -> int | None:
        if value is not None and value > max_event_streams():
            raise ValueError(f"GRIDBOT_WEB_EVENT_STREAMS_TOTAL={value} is more than the open-files limit allows "
                             f"(at most {max_event_streams()}: each stream is an open socket)")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            bad = [part for part in parts if not part.lstrip("-").isdigit()]
            if bad:
                raise ValueError(f"GRIDBOT_ADMIN_IDS must be comma-separated Telegram user ids, not {bad[0]!r}")
            return [int(part) for part in parts]
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_telegram_accepts(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None  # an empty value is no secret: webhook mode then refuses to start
        secret = value.get_secret_value()
        if not WEBHOOK_SECRET.fullmatch(secret):  # the value itself is never echoed
            found = f"is {len(secret)} characters long" if len(secret) > 256 else "has other characters"
            raise ValueError(f"GRIDBOT_WEBHOOK_SECRET must be {WEBHOOK_SECRET_RULE} (Telegram's rule); it {found}")
        return value

    @field_validator("map_tile_url", "map_tile_attribution")
    @classmethod
    def _empty_is_unset(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else value.strip()

    @model_validator(mode="after")
    def _map_tiles_are_safe(self) -> Settings:
        if self.map_tile_url is not None:
            problem = tile_url_problem(self.map_tile_url)
            if problem is not None:
                raise ValueError(problem)
        elif self.map_tile_attribution is not None:
            raise ValueError("GRIDBOT_MAP_TILE_ATTRIBUTION is set but GRIDBOT_MAP_TILE_URL is not")
        return self

    @property
    def map_tile_origin(self) -> str | None:
        """The tile service's scheme://host[:port], the one image source the console's CSP adds."""
        return tile_origin(self.map_tile_url) if self.map_tile_url is not None else None

    @model_validator(mode="after")
    def _weixin_is_complete(self) -> Settings:
        problem = weixin_problem(self)
        if problem is not None:
            raise ValueError(problem)
        return self

    @property
    def wechat_enabled(self) -> bool:
        """Whether the Official Account channel runs (its token, app id and secret are set)."""
        return self.wechat_token is not None

    @property
    def wecom_enabled(self) -> bool:
        """Whether the WeCom channel runs (its five settings are set)."""
        return self.wecom_corp_id is not None

    @model_validator(mode="after")
    def _webhook_is_safe(self) -> Settings:
        if self.bot_mode == "webhook" and self.bot_token:
            problem = webhook_problem(self.webhook_url, self.webhook_secret)
            if problem is not None:
                raise ValueError(problem)
        return self

    @property
    def public_is_https(self) -> bool:
        """Whether residents and staff reach gridbot over https (cookies are then marked Secure)."""
        return self.public_url.startswith("https://")

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def uploads_dir(self) -> Path:
        """Residents' photos from the web chat (re-encoded, private)."""
        return self.data_dir / "uploads"

    @property
    def photo_link_key_path(self) -> Path:
        """The secret that signs staff links to photos (created on first use, ``0600``)."""
        return self.data_dir / "photo-links.key"

    @property
    def corpus_path(self) -> Path:
        return self.training_dir / "requests.csv"

    @property
    def taxonomy_path(self) -> Path:
        return self.training_dir / "categories.yaml"

    @property
    def faq_path(self) -> Path:
        """The knowledge base's first contents (bot/faq/store.py seeds Redis from it once)."""
        return self.training_dir / "faq.yaml"

    @property
    def demo_map_path(self) -> Path:
        return self.training_dir / "grids" / "demo.geojson"

    @property
    def userdict_path(self) -> Path:
        return self.training_dir / "userdict.txt"


def _size(value: object, setting: str) -> object:
    """A size given in Redis's notation (512mb, 2gb) as bytes; anything but a string as it is."""
    if not isinstance(value, str):
        return value
    found = _SIZE.fullmatch(value.strip())
    if found is None:
        raise ValueError(f"{setting} must be a size such as 512mb or 2gb, not {value!r}")
    return int(found.group(1)) * _SIZE_UNITS[(found.group(2) or "").lower()]


def webhook_problem(url: str | None, secret: SecretStr | None) -> str | None:
    """Why webhook mode must not start with this URL and secret, or None.

    Without a secret anyone who reaches the webhook could pose as any Telegram user, admins included.
    Telegram posts webhooks only to https; plain http is allowed on a loopback address, for a Bot API
    server on the same machine (tests, a local ``telegram-bot-api``)."""
    if not url:
        return "GRIDBOT_BOT_MODE=webhook needs GRIDBOT_WEBHOOK_URL"
    if secret is None:
        return (f"GRIDBOT_BOT_MODE=webhook needs GRIDBOT_WEBHOOK_SECRET ({WEBHOOK_SECRET_RULE}), "
                "so that only Telegram can post updates")
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in ("https", "http"):
        return f"GRIDBOT_WEBHOOK_URL must be an https:// address, not {url!r}"
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return (f"GRIDBOT_WEBHOOK_URL must be https:// (Telegram posts webhooks only over https), not {url!r}; "
                "http:// is accepted only on a loopback address")
    return None


def weixin_problem(settings: Settings) -> str | None:
    """Why the WeChat or WeCom settings must not start, or None: one channel's settings come all
    together, the keys are what WeChat issues, and the app secret never travels over plain http."""
    wechat = {"GRIDBOT_WECHAT_TOKEN": settings.wechat_token, "GRIDBOT_WECHAT_APP_ID": settings.wechat_app_id,
              "GRIDBOT_WECHAT_APP_SECRET": settings.wechat_app_secret}
    wecom = {"GRIDBOT_WECOM_CORP_ID": settings.wecom_corp_id, "GRIDBOT_WECOM_AGENT_ID": settings.wecom_agent_id,
             "GRIDBOT_WECOM_SECRET": settings.wecom_secret, "GRIDBOT_WECOM_TOKEN": settings.wecom_token,
             "GRIDBOT_WECOM_AES_KEY": settings.wecom_aes_key}
    for channel, values, extra in (("WeChat", wechat, settings.wechat_aes_key), ("WeCom", wecom, None)):
        missing = [name for name, value in values.items() if not _given(value)]
        if len(missing) == len(values):
            if extra is not None:
                return "GRIDBOT_WECHAT_AES_KEY is set but the Official Account is not (GRIDBOT_WECHAT_TOKEN, …)"
            continue
        if missing:
            return f"the {channel} channel needs {', '.join(missing)} as well"
    return _weixin_value_problem(settings)


def _weixin_value_problem(settings: Settings) -> str | None:
    for name, token in (("GRIDBOT_WECHAT_TOKEN", settings.wechat_token), ("GRIDBOT_WECOM_TOKEN", settings.wecom_token)):
        if token is not None and not WEIXIN_TOKEN.fullmatch(token.get_secret_value()):
            return f"{name} must be 3–32 letters or digits (WeChat's rule for the server token)"
    for name, key in (("GRIDBOT_WECHAT_AES_KEY", settings.wechat_aes_key), ("GRIDBOT_WECOM_AES_KEY", settings.wecom_aes_key)):
        if key is not None and not valid_aes_key(key.get_secret_value()):
            return f"{name} must be the 43-character EncodingAESKey the admin console shows"
    for name, url in (("GRIDBOT_WECHAT_API", settings.wechat_api), ("GRIDBOT_WECOM_API", settings.wecom_api)):
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            return f"{name} must be an https:// address, not {url!r}"
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            return f"{name} must be https:// (the app secret goes to it), not {url!r}; http:// only on a loopback address"
    return None


def _given(value: object) -> bool:
    if isinstance(value, SecretStr):
        return bool(value.get_secret_value())
    return value is not None and value != ""

