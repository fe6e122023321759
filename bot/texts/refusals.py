"""Why something was not done, in Chinese: refused ticket steps and refused web requests.

Texts are HTML (Telegram's parse mode and the web page both render it); anything a user typed is
escaped here. Every text about a ticket carries its number.
"""

from __future__ import annotations

from bot.tickets.outcome import Refusal
from bot.texts.common import esc


REFUSALS = {
    Refusal.NOT_FOUND: "找不到这个工单。",
    Refusal.NOT_ALLOWED: "这个操作不属于您，未做任何更改。",
    Refusal.TAKEN: "工单已由{detail}接单。",
    Refusal.WRONG_STATE: "工单状态已变化，此操作已失效。",
    Refusal.BAD_INPUT: "输入有误，请重试。",
    Refusal.NO_WORKERS: "该网格还没有网格员，请选择其他网格。",
}
NOT_DONE = "操作未完成。"


def refusal(reason: Refusal | None, number: str | None = None, detail: str = "") -> str:
    """Why a ticket step did not happen (``reason`` None: an outcome without one, which should not occur)."""
    text = REFUSALS.get(reason, NOT_DONE) if reason is not None else NOT_DONE
    text = text.format(detail=esc(detail) or "其他网格员")
    return f"工单 {esc(number)}：{text}" if number else text  # a number may be typed (/cancel …)


def stale_button() -> str:
    return "这个按钮已失效，未做任何更改。"


def too_fast() -> str:
    return "您发送得太快了，多出的消息没有受理。请稍等片刻再发。"


def session_expired() -> str:
    return "会话已过期，请刷新页面。"


def csrf_failed() -> str:
    return "请求校验失败，请刷新页面后重试。"


def too_many_sessions() -> str:
    return "您所在的网络刚刚打开本页面的次数太多了，请过一两分钟再刷新。"


def bad_request() -> str:
    return "请求格式错误。"


def body_too_large() -> str:
    return "提交的内容太大了，请精简后再发。"


def too_many_pages(per_session: bool) -> str:
    """An event stream refused: over the cap of one session's pages (``per_session``), or a client's or all."""
    if per_session:
        return "本页面在太多窗口里同时打开了，请关掉几个窗口后再刷新。"
    return "现在访问的人太多，实时进展暂时连接不上，请稍后刷新页面；您的诉求不受影响。"


def edited_message() -> str:
    return "修改后的消息不会更新已提交的诉求。如需补充或更正，请直接发送一条新消息。"
