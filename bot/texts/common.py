"""What every text shares: escaping, cutting to Telegram's limit, dates, lists, button labels.

Texts are HTML (Telegram's parse mode and the web page both render it); anything a user typed is
escaped here. Every text about a ticket carries its number.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime

from bot.infra.clock import LOCAL_TIME
from bot.tickets.states import STATUS_LABELS, Status


MESSAGE_LIMIT = 4096
EMERGENCY_NAMES = {"110": "报警 110", "119": "火警 119", "120": "急救 120"}

SEND_LOCATION = "发送位置"
SKIP_LOCATION = "不清楚位置，直接提交"
OTHER_CATEGORY = "其他"
ACCEPT, RETURN, RESOLVE = "接单", "退回", "办结"
DISPATCH, RECATEGORISE = "派单", "改类别"
REFER_UP = "需上级处理"  # on a field report its reporter keeps: hand it to the supervisors


def esc(text: object) -> str:
    """User-supplied text, safe inside HTML."""
    return html.escape(str(text), quote=False)


def cut(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Shorten ``text`` below Telegram's limit without breaking an HTML entity or tag."""
    if len(text) <= limit:
        return text
    cut_at = limit - 1
    for opener in ("&", "<"):
        start = text.rfind(opener, 0, cut_at)
        if start != -1 and text.find(";" if opener == "&" else ">", start, cut_at) == -1:
            cut_at = start
    return text[:cut_at] + "…"


def listing(items: Iterable[str]) -> str:
    """Items of a list in a sentence, with the Chinese enumeration comma."""
    return "、".join(items)


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, LOCAL_TIME).strftime("%m月%d日 %H:%M")


def status_label(status: str) -> str:
    return STATUS_LABELS[Status(status)]
