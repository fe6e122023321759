"""The Chinese a grid worker reads while reporting a problem found on patrol (巡查上报), and about it after.

Texts are HTML, as in bot/texts/staff.py; anything the worker typed is escaped here.
"""

from __future__ import annotations

from typing import Any

from bot.texts.common import REFER_UP, RESOLVE, SEND_LOCATION, esc
from bot.tickets.sources import Source

REPORT_WORD = "上报"  # typed, or the WeCom menu's button: start a field report


def ask_report() -> str:
    return ("请发送巡查发现的问题：文字，或带说明文字的照片（也可以先发照片，再发文字）。"
            "发送任一命令即放弃上报。")


def only_workers() -> str:
    return "只有网格员可以巡查上报。请先用 /join 邀请码 绑定网格。"


def needs_words() -> str:
    return "请用文字说明发现的问题（照片请附说明文字）。"


def photo_failed() -> str:
    return "照片未能保存。请重新发送照片，或直接发送文字说明。"


def photo_kept() -> str:
    return "照片已收到，请再发送文字说明。"


def ask_location(keyboard: bool = True) -> str:
    """``keyboard``: the channel shows a 发送位置 button (Telegram); else a location message (WeCom)."""
    how = f"请点「{SEND_LOCATION}」发送位置" if keyboard else "请发送位置（＋ → 位置）"
    return f"问题在哪里？{how}，或输入地址（如 西正路8号）。"


def location_not_found(address: str) -> str:
    return f"没有找到「{esc(address)}」所在的网格。请发送位置，或换一种写法输入地址。"


def out_of_area() -> str:
    return "这个位置不在本平台的网格范围内。请发送问题所在的位置，或输入地址。"


def location_received() -> str:
    return "位置已收到，正在生成工单。"


def abandoned() -> str:
    return "已放弃上报，没有生成工单。"


def nothing_pending() -> str:
    return "没有进行中的上报。要上报问题，请发送 /report（企业微信：上报）。"


def reported(number: str, data: dict[str, Any]) -> str:
    """To the reporter once the ticket opened: theirs to handle, or where it went."""
    urgent = "🚨 <b>紧急</b>，已同时通知指挥中心。\n" if data.get("urgent") else ""
    head = f"{urgent}已上报：工单 <b>{number}</b>（{Source.PATROL.label}）\n类别：{esc(data['category_name'])}\n"
    where = esc(data.get("grid_name") or data.get("community") or "位置待确认")
    if data.get("kept"):
        return (head + f"网格：{where}，已由您接单。\n处理好后点「{RESOLVE}」并发送结果照片即可办结；"
                f"需要上级协调的点「{REFER_UP}」。")
    if data.get("status") == "pending":
        return head + f"位置：{where}，已转指挥中心派单。"
    return head + f"已派给 {where} 的网格员处理。"


def referred(number: str) -> str:
    return f"工单 <b>{number}</b> 已转指挥中心（{REFER_UP}）。"


def closed_by_you(number: str) -> str:
    return f"工单 <b>{number}</b> 已办结并关闭（巡查上报，无需居民评价）。"


def referred_line() -> str:
    """In a supervisor's 待派单 message about a field report its reporter referred up."""
    return f"\n网格员巡查上报，{REFER_UP}。"
