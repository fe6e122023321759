"""The console's classifier page (分类模型): versions, metrics, corrections to review, retraining, rollback."""

from __future__ import annotations

from typing import Any

from bot.texts.admin import gate_comparison

CLASSIFIER = "分类模型"
NOT_FOUND = "页面不存在。"
VERSIONS = "模型版本"
VERSION_COLUMNS = ("版本", "训练时间", "训练样本", "macro-F1", "准确率", "状态", "")
SERVING, CURRENT = "服务中", "当前版本"
SHOW, SWITCH = "查看指标", "切换到此版本"
METRICS = "模型指标"
PER_CLASS = "各类别 F1"
PER_CLASS_COLUMNS = ("类别", "精确率", "召回率", "F1", "样本数")
CONFUSION = "混淆矩阵（行：真实类别，列：预测类别）"
CORRECTIONS = "标注纠正队列"
CORRECTION_COLUMNS = ("工单号", "内容", "纠正为", "来源", "时间", "审核", "")
ACCEPT, REJECT = "采纳", "驳回"
REVIEWS = {"pending": "待审核", "accepted": "已采纳", "rejected": "已驳回"}
NO_CORRECTIONS = "暂无纠正。"
RETRAIN = "重新训练"
RETRAIN_HINT = "用语料加上未驳回的纠正重新训练；新模型的留出集 macro-F1 不低于当前模型才会上线。"
RETRAIN_STATES = {"": "尚未训练", "running": "训练中", "done": "已完成", "failed": "训练中断"}
STARTING = "正在准备训练"
RETRAIN_BUSY = "已有一个训练任务在进行，请稍后再试。"
RETRAIN_FAILED = "训练失败，请查看服务日志。"
REVIEWED = "已记录审核结果。"
NO_SUCH_CORRECTION = "没有这条纠正。"
SWITCH_REFUSED = "无法切换：没有这个版本，或正在训练。"


def by_whom(key: str) -> str:
    """Who made a correction: a console account, a Telegram/WeCom supervisor, or a resident."""
    channel, _, name = key.partition(":")
    return {"console": f"调度台 {name}", "telegram": "Telegram 用户", "web": "网页居民", "wechat": "微信居民",
            "wecom": "企业微信"}.get(channel, key) if name else key


def headline(macro_f1: str, accuracy: str, n: object) -> str:
    """A version's held-out figures in one line."""
    return f"留出集 macro-F1 {macro_f1} · 准确率 {accuracy} · 留出样本 {n} 条"


def nature_headline(macro_f1: str, accuracy: str) -> str:
    """The nature classifier's held-out figures in one line."""
    return f"诉求性质：留出集 macro-F1 {macro_f1} · 准确率 {accuracy}"


def switched(version: str) -> str:
    return f"已切换到版本 {version}（所有进程）。"


def retrain_result(result: dict[str, Any]) -> str:
    """A finished retraining in words (its ``RetrainResult`` as JSON)."""
    compare = gate_comparison(result["new_macro_f1"], result["old_macro_f1"], result.get("new_nature_f1"),
                              result.get("old_nature_f1"))
    if result["switched"]:
        return f"新模型 {result['new_version']} 已上线（所有进程已切换）。{compare}；纠正样本 {result['corrections']} 条"
    return f"新模型不如当前模型，未切换，继续使用 {result['old_version']}。{compare}"
