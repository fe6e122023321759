"""What a delivered message says, as one string a test can search: ``text_of(entry)``.

Entries are the dicts :class:`~tests.wxapi.mailbox.Mailbox` records. A template_card reads as its
titles, contents and buttons; once ``update_template_card`` replaced its buttons, as the replacement
text (``replace_name``) instead of the buttons.
"""

from __future__ import annotations

from typing import Any


def card_text(card: dict[str, Any], replace_name: str | None = None) -> str:
    """The visible text of a WeCom template_card."""
    lines: list[str] = []
    source = card.get("source") or {}
    main = card.get("main_title") or {}
    lines += [str(v) for v in (source.get("desc"), main.get("title"), main.get("desc")) if v]
    quote = card.get("quote_area") or {}
    lines += [str(v) for v in (quote.get("title"), quote.get("quote_text")) if v]
    if card.get("sub_title_text"):
        lines.append(str(card["sub_title_text"]))
    for item in card.get("horizontal_content_list") or []:
        lines.append(f"{item.get('keyname', '')}：{item.get('value', '')}")
    if replace_name is not None:
        lines.append(replace_name)
    else:
        lines += [str(button.get("text", "")) for button in card.get("button_list") or []]
    return "\n".join(lines)


def _template_text(payload: dict[str, Any]) -> str:
    data = payload.get("data") or {}
    lines = [f"{key}: {value.get('value', '')}" for key, value in data.items() if isinstance(value, dict)]
    if payload.get("url"):
        lines.append(str(payload["url"]))
    return "\n".join(lines)


def _menu_text(menu: dict[str, Any]) -> str:
    items = [str(item.get("content", "")) for item in menu.get("list") or []]
    return "\n".join(part for part in (menu.get("head_content", ""), *items, menu.get("tail_content", "")) if part)


def text_of(entry: dict[str, Any]) -> str:
    """The text of one delivered message (custom, template, app message or card)."""
    payload = entry["payload"]
    msgtype = entry["msgtype"]
    if entry["kind"] == "template":
        return _template_text(payload)
    if msgtype == "template_card":
        return card_text(entry["card"], entry.get("replace_name"))
    if msgtype in ("text", "markdown"):
        return str(payload[msgtype].get("content", ""))
    if msgtype == "msgmenu":
        return _menu_text(payload["msgmenu"])
    if msgtype == "news":
        articles = payload["news"].get("articles") or []
        return "\n".join(f"{a.get('title', '')}\n{a.get('description', '')}\n{a.get('url', '')}" for a in articles)
    if msgtype == "image":
        return f"[image {payload['image'].get('media_id', '')}]"
    return f"[{msgtype}]"


def menu_choices(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, content) of each choice of a ``msgmenu`` customer message."""
    if entry.get("msgtype") != "msgmenu":
        return []
    return [(str(item.get("id", "")), str(item.get("content", ""))) for item in entry["payload"]["msgmenu"]["list"]]


def describe(entries: list[dict[str, Any]], last: int = 10) -> str:
    """The last few entries, one line each, for assertion messages."""
    if not entries:
        return "  (nothing delivered)"
    return "\n".join(f"  {e['kind']}/{e['msgtype']}: {text_of(e)!r}" for e in entries[-last:])
