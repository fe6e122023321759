"""The settings of one Official Account and one WeCom app, as the server and the simulator share them.

Tests turn them into gridbot's configuration with :meth:`OfficialAccount.settings` (keyword arguments
of ``Settings``) or :meth:`OfficialAccount.env` (``GRIDBOT_*`` variables for a ``gridbot serve``
subprocess); the same for :class:`WeComApp`.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from typing import Literal

Mode = Literal["plain", "compatible", "safe"]


def new_aes_key() -> str:
    """A random EncodingAESKey: 43 characters, the base64 of 32 bytes without its ``=``."""
    return base64.b64encode(os.urandom(32)).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class OfficialAccount:
    """A 公众号: its API credentials, its server-configuration token and EncodingAESKey.

    ``mode`` is how WeChat posts messages: ``plain`` (明文), ``compatible`` (兼容: plain fields and
    ``Encrypt`` together) or ``safe`` (安全: only ``Encrypt``); it needs ``aes_key`` unless plain.
    """

    app_id: str
    secret: str
    token: str
    aes_key: str | None
    original_id: str  # the gh_… id WeChat puts in ToUserName
    template_id: str
    mode: Mode = "plain"

    @classmethod
    def random(cls, mode: Mode = "safe") -> OfficialAccount:
        return cls(
            app_id="wx" + secrets.token_hex(8), secret=secrets.token_hex(16), token=secrets.token_hex(8),
            aes_key=None if mode == "plain" else new_aes_key(), original_id="gh_" + secrets.token_hex(6),
            template_id="tpl_" + secrets.token_urlsafe(16), mode=mode,
        )

    @property
    def encrypted(self) -> bool:
        return self.mode != "plain"

    def settings(self, api_url: str) -> dict[str, object]:
        """Keyword arguments of gridbot's ``Settings`` for this account, its API at ``api_url``."""
        return {
            "wechat_token": self.token, "wechat_app_id": self.app_id, "wechat_app_secret": self.secret,
            "wechat_aes_key": self.aes_key, "wechat_template_id": self.template_id, "wechat_api": api_url,
        }

    def env(self, api_url: str) -> dict[str, str]:
        """The same as ``GRIDBOT_*`` environment variables (unset values left out)."""
        return _env(self.settings(api_url))


@dataclass(frozen=True)
class WeComApp:
    """A WeCom self-built app (自建应用): corp id, agent id, secret, callback token and EncodingAESKey."""

    corp_id: str
    agent_id: int
    secret: str
    token: str
    aes_key: str

    @classmethod
    def random(cls) -> WeComApp:
        return cls(corp_id="ww" + secrets.token_hex(8), agent_id=1000000 + secrets.randbelow(9000),
                   secret=secrets.token_urlsafe(32), token=secrets.token_hex(8), aes_key=new_aes_key())

    def settings(self, api_url: str) -> dict[str, object]:
        """Keyword arguments of gridbot's ``Settings`` for this app, its API at ``api_url``."""
        return {
            "wecom_corp_id": self.corp_id, "wecom_agent_id": self.agent_id, "wecom_secret": self.secret,
            "wecom_token": self.token, "wecom_aes_key": self.aes_key, "wecom_api": api_url,
        }

    def env(self, api_url: str) -> dict[str, str]:
        return _env(self.settings(api_url))


def _env(settings: dict[str, object]) -> dict[str, str]:
    return {f"GRIDBOT_{name.upper()}": str(value) for name, value in settings.items() if value is not None}
