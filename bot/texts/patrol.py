"""What grid workers are told about their patrols, and how patrol figures read in the CLI."""

from __future__ import annotations

from bot.patrol.daily import PatrolSummary
from bot.texts.common import esc

NOT_A_WORKER = "只有网格员可以开始巡查。请先用 /join 绑定网格。"
STARTED = ("🚶 巡查已开始。请点 📎 →「位置」→「共享实时位置」，巡查期间的位置会记录为巡查轨迹"
           "（仅您的指挥调度员和管理员可见，保存90天）。结束时再发送 /patrol。")
LIST_HEADER = ("网格", "名称", "覆盖率", "巡查时长", "网格员")
NOT_LIVE = "已记下这个位置。共享「实时位置」可以自动记录整条巡查路线。"


def minutes(seconds: float) -> str:
    """A duration as residents and workers read it: 1小时5分钟, 12分钟."""
    total = int(round(seconds / 60))
    return f"{total // 60}小时{total % 60}分钟" if total >= 60 else f"{total}分钟"


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def ended(summary: PatrolSummary) -> str:
    """The summary a worker gets when ending a patrol."""
    lines = [f"✅ 巡查结束：用时 {minutes(summary.seconds)}，行程约 {summary.metres / 1000:.1f} 公里。"]
    if summary.grids:
        lines.append("覆盖网格：" + "；".join(f"{esc(g.name)} {percent(share)}" for g, share in summary.grids))
    else:
        lines.append("没有收到巡查期间的位置，本次没有轨迹。下次请共享实时位置。")
    return "\n".join(lines)


def no_patrols(day: str, keep_days: int) -> str:
    return f"{day} 没有巡查记录（巡查轨迹保存 {keep_days} 天）。"
