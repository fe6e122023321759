"""The Official Account API: access tokens, customer messages, template messages (menus: :mod:`.menus`).

- ``POST /cgi-bin/stable_token`` {grant_type, appid, secret, force_refresh}: the same token while it
  is valid, a new one (the old one dead at once) with ``force_refresh``; wrong appid 40013, wrong
  secret 40125. ``GET /cgi-bin/token`` (legacy) issues a new token on every call.
- ``POST /cgi-bin/message/custom/send``: text / image / msgmenu / news, within the 48-hour window and
  the per-message quota (:mod:`.people`).
- ``POST /cgi-bin/message/template/send``: {touser, template_id, url, data} → msgid; 40037 unknown template.
"""

from __future__ import annotations

from typing import Any

from .app import Call, Endpoint
from .errors import (
    APPID_MISSING,
    ARGUMENT_INVALID,
    ARTICLE_SIZE_OUT_OF_LIMIT,
    EMPTY_CONTENT,
    EMPTY_NEWS_DATA,
    INVALID_APPID,
    INVALID_APPSECRET,
    INVALID_GRANT_TYPE,
    INVALID_MEDIA_ID,
    INVALID_MESSAGE_TYPE,
    INVALID_OPENID,
    INVALID_TEMPLATE_ID,
    SECRET_MISSING,
    WxError,
    bad_format,
    ok,
)
from .media import media_get, media_upload
from .menus import MENU_ENDPOINTS
from .state import State


def _issue(state: State, grant_type: Any, appid: Any, secret: Any, *, force: bool, endpoint: str) -> dict[str, Any]:
    if grant_type != "client_credential":
        raise WxError(INVALID_GRANT_TYPE)
    if not appid:
        raise WxError(APPID_MISSING)
    if appid != state.account.app_id:
        raise WxError(INVALID_APPID)
    if not secret:
        raise WxError(SECRET_MISSING)
    if secret != state.account.secret:
        raise WxError(INVALID_APPSECRET)
    token = state.tokens.issue("wechat", appid, force=force, endpoint=endpoint)
    return {"access_token": token.value, "expires_in": max(0, int(token.expires_at - state.clock()))}


async def stable_token(state: State, call: Call) -> dict[str, Any]:
    p = call.body()
    return _issue(state, p.get("grant_type"), p.get("appid"), p.get("secret"),
                  force=bool(p.get("force_refresh")), endpoint="stable_token")


async def legacy_token(state: State, call: Call) -> dict[str, Any]:
    q = call.query
    return _issue(state, q.get("grant_type"), q.get("appid"), q.get("secret"), force=True, endpoint="token")


def _content(p: dict[str, Any], field: str) -> dict[str, Any]:
    value = p.get(field)
    if not isinstance(value, dict):
        raise bad_format(f"{field} missing")
    return value


def check_custom(state: State, p: dict[str, Any]) -> str:
    """The msgtype of a well-formed customer message, or the WxError for it."""
    msgtype = p.get("msgtype")
    if msgtype == "text":
        if not str(_content(p, "text").get("content") or "").strip():
            raise WxError(EMPTY_CONTENT)
    elif msgtype == "image":
        if _content(p, "image").get("media_id") not in state.media.items:
            raise WxError(INVALID_MEDIA_ID)
    elif msgtype == "msgmenu":
        menu = _content(p, "msgmenu")
        items = menu.get("list")
        if not isinstance(items, list) or not items:
            raise bad_format("msgmenu.list empty")
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not item.get("id") or not str(item.get("content") or "").strip():
                raise bad_format(f"msgmenu.list[{i}] needs id and content")
    elif msgtype == "news":
        articles = _content(p, "news").get("articles")
        if not isinstance(articles, list) or not articles:
            raise WxError(EMPTY_NEWS_DATA)
        if len(articles) > 1:
            raise WxError(ARTICLE_SIZE_OUT_OF_LIMIT, "one article only")
    else:
        raise WxError(INVALID_MESSAGE_TYPE, str(msgtype))
    return msgtype


def _touser(p: dict[str, Any]) -> str:
    touser = p.get("touser")
    if not isinstance(touser, str) or not touser:
        raise WxError(INVALID_OPENID, "touser missing")
    return touser


def _delivery(state: State, call: Call, kind: str, msgtype: str, msgid: int | None) -> dict[str, Any]:
    return {"kind": kind, "msgtype": msgtype, "payload": call.payload, "msgid": msgid,
            "time": state.clock(), "answered": not call.unanswered}


async def custom_send(state: State, call: Call) -> dict[str, Any]:
    p = call.body()
    touser = _touser(p)
    msgtype = check_custom(state, p)
    follower = state.followers.check_custom(touser)
    follower.customer_since_message += 1
    state.mailbox.deliver("wechat", touser, _delivery(state, call, "custom", msgtype, None))
    return ok()


def _check_template_data(data: Any, required: list[str] | None) -> None:
    if not isinstance(data, dict):
        raise bad_format("data missing")
    for key, value in data.items():
        if not isinstance(value, dict) or not isinstance(value.get("value"), str):
            raise bad_format(f"data.{key}.value must be a string")
    for key in required or []:
        if not (data.get(key) or {}).get("value"):
            raise WxError(ARGUMENT_INVALID, f"data.{key}.value empty")


async def template_send(state: State, call: Call) -> dict[str, Any]:
    p = call.body()
    touser = _touser(p)
    template_id = p.get("template_id")
    if template_id not in state.templates:
        raise WxError(INVALID_TEMPLATE_ID)
    _check_template_data(p.get("data"), state.templates[template_id])
    if "url" in p and not isinstance(p["url"], str):
        raise bad_format("url must be a string")
    state.followers.check_template(touser)
    msgid = state.next_msgid()
    state.mailbox.deliver("wechat", touser, _delivery(state, call, "template", "template", msgid))
    return ok(msgid=msgid)


ENDPOINTS: dict[str, Endpoint] = {
    "/cgi-bin/stable_token": Endpoint(stable_token, auth=False),
    "/cgi-bin/token": Endpoint(legacy_token, auth=False),
    "/cgi-bin/message/custom/send": Endpoint(custom_send),
    "/cgi-bin/message/template/send": Endpoint(template_send),
    "/cgi-bin/media/get": Endpoint(media_get),
    "/cgi-bin/media/upload": Endpoint(media_upload),
    **MENU_ENDPOINTS,
}
