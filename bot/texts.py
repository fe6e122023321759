"""Every Chinese text residents, workers, supervisors and admins see: functions from data to text.

Texts are HTML (Telegram's parse mode and the web page both render it); anything a user typed is
escaped here. Every text about a ticket carries its number.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.ticket import Ticket
from bot.ticket_states import STATUS_LABELS, Status

LOCAL_TIME = ZoneInfo("Asia/Shanghai")
MESSAGE_LIMIT = 4096
EMERGENCY_NAMES = {"110": "报警 110", "119": "火警 119", "120": "急救 120"}

SEND_LOCATION = "发送位置"
SKIP_LOCATION = "不清楚位置，直接提交"
OTHER_CATEGORY = "其他"
ACCEPT, RETURN, RESOLVE = "接单", "退回", "办结"
DISPATCH, RECATEGORISE = "派单", "改类别"


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


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, LOCAL_TIME).strftime("%m月%d日 %H:%M")


def status_label(status: str) -> str:
    return STATUS_LABELS[Status(status)]


# -- residents -------------------------------------------------------------------------------------

def welcome(categories: Iterable[str]) -> str:
    return (
        "您好！这里是<b>网格服务</b>。请直接用文字告诉我您遇到的问题，也可以发带说明的照片。\n"
        f"我能受理：{'、'.join(categories)}。\n"
        "我会判断问题类别，找到您所在的网格，派给负责的网格员，并把每一步进展告诉您。\n"
        "遇到火灾、燃气泄漏、有人受伤等紧急情况，请先拨打 110 / 119 / 120。\n"
        "常用命令：/my 我的工单，/cancel 工单号 撤回。\n"
        "隐私说明：您的留言、位置和照片只用于处理工单，仅对负责的网格员和管理人员可见。"
    )


def emergency(services: Iterable[str]) -> str:
    numbers = "、".join(EMERGENCY_NAMES[s] for s in services)
    return f"⚠️ <b>这可能是紧急情况，请立即拨打：{numbers}</b>\n我们也已通知网格员和指挥中心。"


def ask_category(options: Iterable[str]) -> str:
    return f"想确认一下，您反映的问题属于哪一类？（可能是：{'、'.join(options)}）"


def ask_location() -> str:
    return (
        "请告诉我问题发生的位置：点下方「发送位置」，或直接输入地址（如路名门牌、小区名）。\n"
        f"如果说不清，可以点「{SKIP_LOCATION}」，由指挥中心派单。"
    )


def location_received() -> str:
    return "收到，正在为您提交……"


def earlier_request_unplaced(number: str) -> str:
    return f"这条按新的诉求处理。上一条诉求已提交为工单 <b>{number}</b>，位置由工作人员确认。"


def nothing_pending() -> str:
    return "请先用文字描述遇到的问题，再发送位置。"


def category_noted(name: str) -> str:
    return f"好的，类别：{esc(name)}。"


def location_not_found(address: str) -> str:
    return f"没能根据「{esc(address)}」找到对应网格，请换个说法，或点「发送位置」。"


def ticket_opened_from(number: str, data: dict[str, Any]) -> str:
    grid = data.get("grid_name") or data.get("grid_id")
    where = f"网格：{esc(grid)}" if grid else "网格：待指挥中心派单"
    return (
        f"✅ 已受理，工单号 <b>{number}</b>\n类别：{esc(data['category_name'])}\n{where}\n"
        f"办理时限：{when(data['deadline_at'])} 前\n进展会随时通知您。"
    )


def linked(number: str) -> str:
    return f"附近已有居民反映了同样的问题，您的诉求已并入工单 <b>{number}</b>，进展会同步通知您。"


def status_changed(number: str, data: dict[str, Any]) -> str:
    status = data["status"]
    label = status_label(status)
    if status == Status.ACCEPTED:
        who = f"网格员{esc(data['worker_name'])}" if data.get("worker_name") else "网格员"
        return f"工单 <b>{number}</b>：{who}已接单，正在处理（{label}）。"
    if status == Status.PENDING:
        return f"工单 <b>{number}</b>：正在重新安排网格员（{label}）。"
    if status == Status.ASSIGNED and data.get("rating"):
        return f"工单 <b>{number}</b>：收到您的评价，已重新派给网格员处理（{label}）。"
    if status == Status.CLOSED and data.get("rating"):
        return f"工单 <b>{number}</b>：感谢您的评价（{data['rating']} 分），工单已关闭。"
    return f"工单 <b>{number}</b>：状态更新为「{label}」。"


def resolved(number: str, note: str) -> str:
    return (f"工单 <b>{number}</b> 已办结（已办结）。\n处理结果：{esc(note)}\n"
            "请为这次处理打分：1 很不满意 … 5 很满意（1–2 分会重新处理）。")


def resolved_for_follower(number: str, note: str) -> str:
    return f"您反映的问题（工单 <b>{number}</b>）已办结。\n处理结果：{esc(note)}"


def my_tickets(tickets: list[Ticket]) -> str:
    if not tickets:
        return "您还没有工单。直接发文字描述问题即可提交。"
    lines = [f"<b>{t.number}</b>　{t.status.label}　{esc(t.text[:20])}" for t in tickets[:20]]
    return "您的工单：\n" + "\n".join(lines)


def cancel_usage() -> str:
    return "请在命令后写工单号，例如：/cancel T20261124-0007"


def cancelled(number: str) -> str:
    return f"工单 <b>{number}</b> 已撤回。"


def media_unsupported() -> str:
    return "暂时只能处理文字和带文字说明的照片。请用文字描述问题，或发照片时附上说明。"


def photo_needs_caption() -> str:
    return "收到照片，请在照片说明里写上发生了什么、在哪里，再发一次。"


def empty_text() -> str:
    return "请用文字描述您遇到的问题。"


def maybe_repeated() -> str:
    return "（系统恢复后补发：如果您已经收到过这条消息，请忽略本条。）"


def group_chat() -> str:
    return "为保护隐私，请私聊我提交诉求。"


def rated(number: str, stars: int) -> str:
    return f"已收到对工单 <b>{number}</b> 的评价：{stars} 分。"


# -- workers -----------------------------------------------------------------------------------------

def new_ticket(number: str, data: dict[str, Any]) -> str:
    urgent = "🚨 <b>紧急</b> " if data.get("urgent") else ""
    return (f"{urgent}新工单 <b>{number}</b>\n类别：{esc(data['category_name'])}\n内容：{esc(data['text'])}\n"
            f"时限：{when(data['deadline_at'])} 前")


def taken(number: str) -> str:
    return f"工单 <b>{number}</b> 已由同事接单。"


def reopened(number: str, data: dict[str, Any]) -> str:
    return f"工单 <b>{number}</b> 居民评价 {data.get('rating')} 分，不满意，已重新派单：{esc(data['text'])}"


def closed(number: str, data: dict[str, Any]) -> str:
    return f"工单 <b>{number}</b> 居民评价 {data.get('rating', '-')} 分，已关闭。"


def cancelled_by_resident(number: str) -> str:
    return f"工单 <b>{number}</b> 已被居民撤回，无需处理。"


def reminder(number: str, data: dict[str, Any]) -> str:
    return f"⏰ 工单 <b>{number}</b> 将于 {when(data['deadline_at'])} 到期，请尽快处理。"


def overdue(number: str) -> str:
    return f"❗ 工单 <b>{number}</b> 已超时，已上报指挥中心。"


def recategorised(number: str, data: dict[str, Any]) -> str:
    return f"工单 <b>{number}</b> 的类别已改为「{esc(data['category_name'])}」。"


def accepted_by_you(number: str) -> str:
    return f"您已接单 <b>{number}</b>。处理完成后点「{RESOLVE}」。"


def ask_return_reason(number: str) -> str:
    return f"请说明退回工单 <b>{number}</b> 的原因（发送任一命令即放弃退回）："


def returned(number: str) -> str:
    return f"工单 <b>{number}</b> 已退回指挥中心。"


def ask_result(number: str) -> str:
    return f"请发送工单 <b>{number}</b> 的处理结果（文字，可附照片；发送任一命令即放弃办结）："


def step_abandoned(number: str) -> str:
    return f"已放弃：工单 <b>{number}</b> 保持原状态。要执行的命令请再发送一次。"


def resolved_by_you(number: str) -> str:
    return f"工单 <b>{number}</b> 已办结，已通知居民评价。"


def tasks(tickets: list[Ticket]) -> str:
    if not tickets:
        return "您当前没有待办工单。"
    lines = [f"<b>{t.number}</b>　{t.status.label}　{when(t.deadline_at)} 到期　{esc(t.text[:20])}" for t in tickets]
    return "待办工单（按时限排序）：\n" + "\n".join(lines)


def joined(grids: Iterable[str]) -> str:
    return f"绑定成功，您负责的网格：{'、'.join(grids)}。新工单会发到这里。"


def join_failed() -> str:
    return "邀请码无效或已过期，请向管理员重新获取。用法：/join 邀请码"


# -- supervisors ---------------------------------------------------------------------------------------

def needs_dispatch(number: str, data: dict[str, Any]) -> str:
    reason = f"\n退回原因：{esc(data['reason'])}" if data.get("reason") else ""
    where = esc(data.get("community") or "位置不明")
    return (f"待派单 <b>{number}</b>（{where}）\n类别：{esc(data['category_name'])}\n内容：{esc(data['text'])}{reason}")


def escalated(number: str, data: dict[str, Any]) -> str:
    return (f"❗ 超时上报 <b>{number}</b>（第 {data.get('level', 1)} 级）\n类别：{esc(data['category_name'])}\n"
            f"内容：{esc(data['text'])}\n原时限：{when(data['deadline_at'])}")


def urgent_alert(number: str, data: dict[str, Any]) -> str:
    return f"🚨 紧急工单 <b>{number}</b>（{esc(data.get('community') or '')}）：{esc(data['text'])}"


def choose_grid(number: str) -> str:
    return f"把工单 <b>{number}</b> 派给哪个网格？"


def choose_category(number: str) -> str:
    return f"工单 <b>{number}</b> 改为哪个类别？"


def dispatched(number: str, grid_id: str) -> str:
    return f"工单 <b>{number}</b> 已派给 {esc(grid_id)}。"


def recategorised_done(number: str, name: str) -> str:
    return f"工单 <b>{number}</b> 类别已改为「{esc(name)}」，并记为训练样本。"


# -- refusals and admin ---------------------------------------------------------------------------------

REFUSALS = {
    "not_found": "找不到这个工单。",
    "not_allowed": "这个操作不属于您，未做任何更改。",
    "taken": "工单已由{detail}接单。",
    "wrong_state": "工单状态已变化，此操作已失效。",
    "bad_input": "输入有误，请重试。",
    "no_workers": "该网格还没有网格员，请选择其他网格。",
}


def refusal(reason: str, number: str | None = None, detail: str = "") -> str:
    text = REFUSALS.get(reason, "操作未完成。").format(detail=esc(detail) or "其他网格员")
    return f"工单 {number}：{text}" if number else text


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


def too_many_pages(cap: str) -> str:
    """An event stream refused: ``cap`` is which limit it hit (session, client or total)."""
    if cap == "session":
        return "本页面在太多窗口里同时打开了，请关掉几个窗口后再刷新。"
    return "现在访问的人太多，实时进展暂时连接不上，请稍后刷新页面；您的诉求不受影响。"


def edited_message() -> str:
    return "修改后的消息不会更新已提交的诉求。如需补充或更正，请直接发送一条新消息。"
