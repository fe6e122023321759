"""Chinese texts for admins: statistics, model information, retraining progress and results, and the
command line's ticket list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from nlp.artifact import ModelMetadata
from nlp.natures import NATURES, nature_name

from bot.tickets.stats import Period, Stats
from bot.texts.common import esc, listing
from bot.tickets.record import Ticket
from bot.tickets.sources import Source

if TYPE_CHECKING:  # the model stack loads only where retraining happens, not for every CLI command
    from bot.model.retrain import RetrainResult

URGENT_MARK = "🚨"
UNLOCATED = "未定位"  # the grid of tickets nobody has placed yet, in the stats
NO_NATURE = "未识别"  # the nature of tickets the model gave none (a model without natures)
LIST_TEXT_LIMIT = 30


def not_admin() -> str:
    return "抱歉，该命令仅限管理员使用。"


def _top(counter: Counter[str], limit: int = 5, name: Callable[[str], str] = str) -> str:
    return listing(f"{esc(name(k))} {v}" for k, v in counter.most_common(limit)) or "无"


def source_name(source: str) -> str:
    """A ticket's source in Chinese (an unknown one, e.g. of a newer version, as it is)."""
    return Source(source).label if source in set(Source) else source


def _period(title: str, period: Period) -> str:
    grids = _top(period.by_grid, name=lambda grid: grid or UNLOCATED)
    sources = _top(period.by_source, name=source_name)
    natures = _top(period.by_nature, len(NATURES) + 1, name=lambda code: nature_name(code) or NO_NATURE)
    return (f"<b>{title}</b>：共 {period.total} 件\n　按状态：{_top(period.by_status, 6)}\n"
            f"　按类别：{_top(period.by_category)}\n　按性质：{natures}\n　按网格：{grids}\n　按来源：{sources}")


def stats(data: Stats) -> str:
    return "\n".join([_period("今天", data.today), _period("近 7 天", data.week), f"超时未办结：{data.overdue} 件"])


def ticket_list_header() -> tuple[str, ...]:
    """The column names of ``gridbot tickets list``."""
    return ("工单号", "状态", "紧急", "类别", "网格", "办理时限", "内容")


def ticket_row(ticket: Ticket, category_name: str, deadline: str) -> tuple[str, ...]:
    """One ticket as the cells of ``gridbot tickets list`` (plain text, the message on one short line)."""
    text = " ".join(ticket.text.split())
    if len(text) > LIST_TEXT_LIMIT:
        text = text[: LIST_TEXT_LIMIT - 1] + "…"
    return (ticket.number, ticket.status.label, URGENT_MARK if ticket.urgent else "", category_name,
            ticket.grid_id or ticket.community or "-", deadline, text)


def no_tickets() -> str:
    return "没有符合条件的工单。"


def reindexed(count: int) -> str:
    """``gridbot tickets reindex``'s answer."""
    return f"已重建指挥调度台的工单索引：{count} 张工单。"


# The columns of the console's export (CSV and XLSX), in order.
EXPORT_COLUMNS = ("工单编号", "状态", "类别", "诉求性质", "紧急", "网格编号", "网格", "社区", "镇街", "处理人", "创建时间",
                  "办理期限", "超期", "督办级别", "诉求内容（已脱敏）")
EXPORT_FILE_STEM = "工单导出"
EXPORT_SHEET = "工单"
YES, NO = "是", "否"


def exports_busy() -> str:
    """429: too many exports are running in this process."""
    return "当前导出任务较多，请稍后再试。"


def model(metadata: ModelMetadata) -> str:
    metrics = metadata.metrics
    urgency = metrics.get("urgency") or {}
    lines = [
        f"当前模型：<b>{metadata.version}</b>（{metadata.created_at}）",
        f"训练样本：{metadata.n_train} 条，类别 {len(metadata.labels)} 个",
        f"留出集：准确率 {metrics.get('accuracy', 0):.3f}，macro-F1 {metrics.get('macro_f1', 0):.3f}",
    ]
    if urgency.get("recall") is not None:
        lines.append(f"紧急识别：召回率 {urgency['recall']:.3f}，误报率 {urgency['false_urgent_rate']:.3f}")
    if isinstance(nature := metrics.get("nature"), dict):
        lines.append(f"诉求性质：准确率 {nature.get('accuracy', 0):.3f}，macro-F1 {nature.get('macro_f1', 0):.3f}")
    return "\n".join(lines)


def retrain_started() -> str:
    return "已开始重新训练（语料 + 所有人工纠正），完成后会通知您。"


def retrain_training(corpus: int, corrections: int) -> str:
    """Retraining's first progress report: what it trains on."""
    return f"开始训练：语料 {corpus} 条 + 纠正 {corrections} 条"


def retrain_comparing(seconds: float) -> str:
    """Retraining's second progress report: trained, now judged against the current model."""
    return f"训练完成（{seconds:.0f} 秒），正在与当前模型比较"


def progress(text: str) -> str:
    return f"⏳ {esc(text)}"


def gate_comparison(new: float, old: float, new_nature: float | None, old_nature: float | None) -> str:
    """The held-out figures a retraining compared: categories, and natures when either model has them."""
    compare = f"留出集 macro-F1：新 {new:.4f} / 旧 {old:.4f}"
    if new_nature is None and old_nature is None:
        return compare
    shown = lambda value: "无" if value is None else f"{value:.4f}"  # noqa: E731
    return f"{compare}；诉求性质 macro-F1：新 {shown(new_nature)} / 旧 {shown(old_nature)}"


def retrain_result(result: RetrainResult) -> str:
    if result.busy:
        return "已有一个训练任务在进行，请稍后再试。"
    compare = gate_comparison(result.new_macro_f1, result.old_macro_f1, result.new_nature_f1, result.old_nature_f1)
    if result.switched:
        return f"✅ 新模型 <b>{result.new_version}</b> 已上线（所有进程已切换）。\n{compare}\n纠正样本：{result.corrections} 条"
    return f"⚠️ 新模型不如当前模型，未切换，继续使用 {result.old_version}。\n{compare}"
