"""Calling the test server directly, as a test that checks the server itself (or pokes it) does."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from .server import WxAPIServer


async def api_call(http: aiohttp.ClientSession, url: str, path: str, payload: dict[str, Any] | None = None,
                   **query: str) -> dict[str, Any]:
    """POST ``payload`` as UTF-8 JSON (GET without one) to ``url + path``; the JSON answer."""
    data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
    async with http.request("GET" if payload is None else "POST", url + path, params=query, data=data) as answer:
        assert answer.status == 200, await answer.text()
        return dict(await answer.json(content_type=None))


async def wechat_token(server: WxAPIServer, http: aiohttp.ClientSession, force: bool = False) -> str:
    """An Official Account access token from ``stable_token``."""
    answer = await api_call(http, server.wechat_url, "/cgi-bin/stable_token", {
        "grant_type": "client_credential", "appid": server.account.app_id, "secret": server.account.secret,
        "force_refresh": force})
    return str(answer["access_token"])


async def wecom_token(server: WxAPIServer, http: aiohttp.ClientSession) -> str:
    """A WeCom app access token from ``gettoken``."""
    answer = await api_call(http, server.wecom_url, "/cgi-bin/gettoken", corpid=server.app.corp_id,
                            corpsecret=server.app.secret)
    return str(answer["access_token"])


def button_card(task_id: str, title: str = "新工单", keys: tuple[str, ...] = ("accept:T1", "return:T1")) -> dict[str, Any]:
    """A minimal well-formed ``button_interaction`` template_card, one button per key."""
    return {"card_type": "button_interaction", "main_title": {"title": title}, "task_id": task_id,
            "button_list": [{"text": key.split(":")[0], "key": key} for key in keys]}
