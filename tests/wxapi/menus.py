"""The Official Account's custom menu: ``menu/create`` checks the 3×5 structure and records it.

Limits as WeChat documents them: 1–3 top buttons (40016), each either a button with a type or a
group of 1–5 ``sub_button`` (40023); names ≤ 16 bytes on top (40018), ≤ 60 below (40025); ``click``
and the other key types need a key ≤ 128 bytes (40019), ``view`` a url ≤ 1024 bytes (40020); an
unknown type is 40017. ``menu/get`` and ``get_current_selfmenu_info`` read it back, ``menu/delete``
removes it.
"""

from __future__ import annotations

import copy
from typing import Any

from .app import Call, Endpoint
from .errors import MENU_NOT_EXIST, WxError, ok
from .state import State

KEY_TYPES = {"click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin",
             "location_select"}
OTHER_TYPES = {"view", "media_id", "article_id", "article_view_limited", "miniprogram"}


def _check_button(button: Any, top: bool) -> None:
    if not isinstance(button, dict):
        raise WxError(40017, "button must be an object")
    name = button.get("name")
    if not isinstance(name, str) or not 0 < len(name.encode()) <= (16 if top else 60):
        raise WxError(40018 if top else 40025, f"name {name!r}")
    if top and "sub_button" in button:
        subs = button["sub_button"]
        if not isinstance(subs, list) or not 1 <= len(subs) <= 5:
            raise WxError(40023, f"{name}: 1 to 5 sub buttons")
        for sub in subs:
            _check_button(sub, top=False)
        return
    kind = button.get("type")
    if kind in KEY_TYPES:
        key = button.get("key")
        if not isinstance(key, str) or not 0 < len(key.encode()) <= 128:
            raise WxError(40019 if top else 40026, f"{name}: key")
    elif kind == "view":
        url = button.get("url")
        if not isinstance(url, str) or not 0 < len(url.encode()) <= 1024:
            raise WxError(40020 if top else 40027, f"{name}: url")
    elif kind not in OTHER_TYPES:
        raise WxError(40017, f"{name}: type {kind!r}")


async def menu_create(state: State, call: Call) -> dict[str, Any]:
    buttons = call.body().get("button")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise WxError(40016, "1 to 3 buttons")
    for button in buttons:
        _check_button(button, top=True)
    state.menu = {"button": copy.deepcopy(buttons)}
    return ok()


def _current(state: State) -> dict[str, Any]:
    if state.menu is None:
        raise WxError(MENU_NOT_EXIST)
    return copy.deepcopy(state.menu)


async def menu_get(state: State, call: Call) -> dict[str, Any]:
    return {"menu": _current(state)}


async def selfmenu_info(state: State, call: Call) -> dict[str, Any]:
    buttons = [{**b, "sub_button": {"list": b["sub_button"]}} if "sub_button" in b else b
               for b in _current(state)["button"]]
    return {"is_menu_open": 1, "selfmenu_info": {"button": buttons}}


async def menu_delete(state: State, call: Call) -> dict[str, Any]:
    state.menu = None
    return ok()


MENU_ENDPOINTS: dict[str, Endpoint] = {
    "/cgi-bin/menu/create": Endpoint(menu_create),
    "/cgi-bin/menu/get": Endpoint(menu_get),
    "/cgi-bin/menu/delete": Endpoint(menu_delete),
    "/cgi-bin/get_current_selfmenu_info": Endpoint(selfmenu_info),
}
