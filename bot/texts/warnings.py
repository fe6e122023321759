"""Every Chinese text about early warnings (预警): the supervisor's message, ``/warnings``, the console's list.

Texts are HTML where Telegram shows them (the console escapes its own); each names the warning's number
(W…), its category, its place and its tickets' numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bot.texts.common import esc, listing, when

if TYPE_CHECKING:
    from bot.warnings.store import EarlyWarning

HEADING = "预警"
NUMBERS_SHOWN = 20  # numbers listed in a message; the rest are counted


def place(grid_names: Sequence[str], communities: Sequence[str], nearby: bool, radius_m: int = 300) -> str:
    """Where a warning is: its communities and grids; "一带" and the radius when found by distance."""
    where = " ".join(p for p in (listing(communities), listing(grid_names)) if p) or "未定位网格"
    return f"{where}一带（相距 {radius_m} 米内）" if nearby else where


def numbers_line(numbers: Sequence[str]) -> str:
    shown = listing(numbers[:NUMBERS_SHOWN])
    return shown + (f" 等 {len(numbers)} 件" if len(numbers) > NUMBERS_SHOWN else "")


def usual(mean: float) -> str:
    return f"近 30 天日均 {mean:.1f} 件"


def warning_message(warning_id: str, data: dict[str, Any]) -> str:
    """To the community supervisor: a surge of one category in one place (SPEC: headed 预警)."""
    numbers = list(data.get("numbers", []))
    return (f"⚠️ <b>{HEADING}</b> {warning_id}\n"
            f"{esc(data.get('place', ''))}：24 小时内{esc(data.get('category_name', ''))}类诉求 {len(numbers)} 件，"
            f"明显高于平常（{usual(float(data.get('mean', 0.0)))}）。\n"
            f"工单：{numbers_line(numbers)}\n"
            f"请研判是否为同一问题；调度台可将这些工单合并为一案。发送 /warnings 查看当前预警。")


def of(warning: EarlyWarning, radius_m: float) -> str:
    """The place of ``warning``."""
    return place(warning.grid_names, warning.communities, warning.nearby, int(radius_m))


def warnings_list(warnings: Sequence[EarlyWarning], category_name: Callable[[str], str], radius_m: float) -> str:
    """``/warnings``: the active warnings a supervisor covers, newest first."""
    if not warnings:
        return "当前没有预警。"
    items = [f"⚠️ <b>{w.warning_id}</b> {esc(category_name(w.category))} · {esc(of(w, radius_m))}"
             f"（{when(w.raised_at)} 起{'，' + linked_state(w.linked_into) if w.linked_into else ''}）\n"
             f"工单 {len(w.numbers)} 件：{numbers_line(w.numbers)}" for w in warnings]
    return f"当前预警 {len(warnings)} 条：\n\n" + "\n\n".join(items)


def not_a_supervisor() -> str:
    return "/warnings 仅供指挥调度员和管理员使用。"


# -- the console ------------------------------------------------------------------------------------

TITLE = "预警"
NAV_LABEL = "预警"
NO_WARNINGS = "当前没有预警。"
COLUMNS = ("编号", "类别", "地点", "工单数", "平常", "开始", "最新", "状态")
LINK = "合并为一案"
LINK_HINT = "其余工单将作为第一件工单的重复件关闭，居民随后跟进第一件工单。"
ACTIVE, ENDED = "持续中", "已平息"
TICKETS = "工单"


def linked_state(into: str) -> str:
    return f"已合并至 {into}"


def linked_result(into: str, linked: int, skipped: int) -> str:
    """What linking a warning's tickets as one case did."""
    skipped_text = f"，{skipped} 件未合并（已办结、已关闭或不在本账号范围内）" if skipped else ""
    return f"已将 {linked} 件工单合并至 {into}{skipped_text}。"


def nothing_to_link() -> str:
    return "没有可合并的工单：至少需要两件未办结的工单。"
