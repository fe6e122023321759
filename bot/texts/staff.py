"""Every Chinese text grid workers and supervisors read: new tickets, their steps, dispatching.

Texts are HTML (Telegram's parse mode and the web page both render it); anything a user typed is
escaped here. Every text about a ticket carries its number. A resident's words come masked in a
notification's data (:meth:`bot.tickets.steps.TicketSteps.summary`); those read off a ticket here are
masked here (nlp.masking).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nlp.masking import mask_personal

from bot.tickets.record import Ticket
from bot.tickets.states import Status
from bot.texts.common import RESOLVE, esc, when
from bot.texts.field_reports import closed_by_you, referred_line


def _nature(data: dict[str, Any]) -> str:
    """The ticket's nature as a line after its category ('' when the model gave none)."""
    return f"\n性质：{esc(data['nature_name'])}" if data.get("nature_name") else ""


def new_ticket(number: str, data: dict[str, Any]) -> str:
    urgent = "🚨 <b>紧急</b> " if data.get("urgent") else ""
    return (f"{urgent}新工单 <b>{number}</b>\n类别：{esc(data['category_name'])}{_nature(data)}\n"
            f"内容：{esc(data['text'])}\n时限：{when(data['deadline_at'])} 前")


def photo_lost() -> str:
    """Below a ticket whose photo could not be found: the message goes out without it."""
    return "（居民附了照片，但照片文件已找不到。）"


def photo_not_sent() -> str:
    """Below a message whose photo Telegram refused: the message goes out without it."""
    return "（本条消息附带的照片未能发出。）"


def photo_of(number: str) -> str:
    """The caption of a photo whose message is too long to be its caption (the message follows)."""
    return f"工单 <b>{number}</b> 的照片，详情见下一条消息。"


def photo_link_invalid() -> str:
    """A staff photo link that is wrong, expired, or names no photo (all the same answer)."""
    return "找不到这张照片，或链接已过期。请向管理员索取新链接。"


def taken(number: str, data: dict[str, Any]) -> str:
    """To the grid's other workers (on any channel) once one of them accepted: who it was."""
    who = f"同事{esc(data['worker_name'])}" if data.get("worker_name") else "同事"
    return f"工单 <b>{number}</b> 已由{who}接单。"


def reopened(number: str, data: dict[str, Any]) -> str:
    return f"工单 <b>{number}</b> 居民评价 {data.get('rating')} 分，不满意，已重新派单：{esc(data['text'])}"


def closed(number: str, data: dict[str, Any]) -> str:
    return f"工单 <b>{number}</b> 居民评价 {data.get('rating', '-')} 分，已关闭。"


def praised(number: str) -> str:
    return f"🌟 居民对工单 <b>{number}</b> 表示感谢，辛苦了！"


def cancelled_by_resident(number: str) -> str:
    return f"工单 <b>{number}</b> 已被居民撤回，无需处理。"


def raised(number: str, data: dict[str, Any]) -> str:
    """To the workers of a ticket a supervisor handed one level up: it is still theirs to handle."""
    above = "社区指挥调度员" if data.get("level") == 1 else "镇街指挥中心"
    return f"工单 <b>{number}</b> 已由指挥调度员上报至{above}督办，请继续处理。"


def redispatched(number: str) -> str:
    """To the workers who had a ticket a supervisor has since sent elsewhere (改派)."""
    return f"工单 <b>{number}</b> 已由指挥中心改派，无需再处理。"


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


def resolved_by_you(number: str, closed: bool = False) -> str:
    """``closed``: a field report, which nobody rates, closed with its result."""
    if closed:
        return closed_by_you(number)
    return f"工单 <b>{number}</b> 已办结，已通知居民评价。"


def tasks(tickets: list[Ticket]) -> str:
    if not tickets:
        return "您当前没有待办工单。"
    lines = [f"<b>{t.number}</b>　{t.status.label}　{when(t.deadline_at)} 到期　{esc(mask_personal(t.text)[:20])}"
             for t in tickets]
    return "待办工单（按时限排序）：\n" + "\n".join(lines)


def joined(grids: Iterable[str]) -> str:
    return f"绑定成功，您负责的网格：{'、'.join(grids)}。新工单会发到这里。"


def join_failed() -> str:
    return "邀请码无效或已过期，请向管理员重新获取。用法：/join 邀请码"


# -- supervisors ---------------------------------------------------------------------------------------

def needs_dispatch(number: str, data: dict[str, Any]) -> str:
    reason = f"\n退回原因：{esc(mask_personal(data['reason']))}" if data.get("reason") else ""
    reason += referred_line() if data.get("referred") else ""
    where = esc(data.get("community") or "位置不明")
    return (f"待派单 <b>{number}</b>（{where}）\n类别：{esc(data['category_name'])}{_nature(data)}\n"
            f"内容：{esc(data['text'])}{reason}")


def escalated(number: str, data: dict[str, Any]) -> str:
    return (f"❗ 超时上报 <b>{number}</b>（第 {data.get('level', 1)} 级）\n类别：{esc(data['category_name'])}"
            f"{_nature(data)}\n内容：{esc(data['text'])}\n原时限：{when(data['deadline_at'])}")


def urgent_alert(number: str, data: dict[str, Any]) -> str:
    unplaced = "\n还没有网格员接收，请立即派单。" if data.get("status") == Status.PENDING else ""
    return f"🚨 紧急工单 <b>{number}</b>（{esc(data.get('community') or '位置不明')}）：{esc(data['text'])}{unplaced}"


def choose_grid(number: str) -> str:
    return f"把工单 <b>{number}</b> 派给哪个网格？"


def choose_category(number: str) -> str:
    return f"工单 <b>{number}</b> 改为哪个类别？"


def dispatched(number: str, grid_id: str) -> str:
    return f"工单 <b>{number}</b> 已派给 {esc(grid_id)}。"


def recategorised_done(number: str, name: str) -> str:
    return f"工单 <b>{number}</b> 类别已改为「{esc(name)}」，并记为训练样本。"
