"""The Official Account's custom menu (自定义菜单), read from a file and checked before WeChat sees it.

The file (training_data/wechat_menu.json) is the body of ``menu/create``: ``{"button": [...]}``, 1–3
top buttons, each a button with a ``type`` or a group of 1–5 ``sub_button``; names at most 16 bytes on
top and 60 below, as WeChat requires. gridbot answers the ``click`` keys ``report`` (我要反映),
``my_tickets`` (我的工单) and ``help`` (使用说明); a click button with another key is refused here,
since gridbot could only say it does not know it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.channels.weixin.api import WeixinApi

CREATE_PATH = "/cgi-bin/menu/create"
CLICK_KEYS = ("report", "my_tickets", "help")
KEY_TYPES = frozenset({"click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album",
                       "pic_weixin", "location_select"})


class MenuFileError(ValueError):
    """A menu file WeChat would refuse, or gridbot could not answer."""


def read_menu(path: Path) -> dict[str, Any]:
    """The menu in ``path``, checked."""
    try:
        menu = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise MenuFileError(err.strerror or str(err)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MenuFileError(f"not UTF-8 JSON ({err})") from None
    buttons = menu.get("button") if isinstance(menu, dict) else None
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise MenuFileError('needs "button": a list of 1 to 3 buttons')
    for button in buttons:
        _check(button, top=True)
    return {"button": buttons}


def _check(button: Any, top: bool) -> None:
    if not isinstance(button, dict):
        raise MenuFileError("a button must be an object")
    name = button.get("name")
    if not isinstance(name, str) or not 0 < len(name.encode()) <= (16 if top else 60):
        raise MenuFileError(f"button name {name!r} must be 1 to {16 if top else 60} bytes")
    if top and "sub_button" in button:
        subs = button["sub_button"]
        if not isinstance(subs, list) or not 1 <= len(subs) <= 5:
            raise MenuFileError(f"{name}: sub_button must list 1 to 5 buttons")
        for sub in subs:
            _check(sub, top=False)
        return
    kind, key = button.get("type"), button.get("key")
    if kind == "click" and key not in CLICK_KEYS:
        raise MenuFileError(f"{name}: click key {key!r} is not one gridbot answers ({', '.join(CLICK_KEYS)})")
    if kind in KEY_TYPES and not (isinstance(key, str) and 0 < len(key.encode()) <= 128):
        raise MenuFileError(f"{name}: {kind} needs a key of 1 to 128 bytes")
    if kind == "view" and not isinstance(button.get("url"), str):
        raise MenuFileError(f"{name}: view needs a url")
    if kind not in KEY_TYPES and kind != "view":
        raise MenuFileError(f"{name}: type {kind!r} is not supported (click or view)")


async def create_menu(api: WeixinApi, menu: dict[str, Any]) -> list[str]:
    """Make ``menu`` the account's menu; returns the top buttons' names."""
    await api.post(CREATE_PATH, menu)
    return [button["name"] for button in menu["button"]]
