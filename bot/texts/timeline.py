"""A ticket's timeline in Chinese for staff (the console): who (by role and name, never a resident's
id), what (派单, 接单, 退回, 办结, 关闭, 升级, 改类别, 合并…) and the step's own words."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.tickets.timeline import ActorKind, Step

ACTOR_KINDS: dict[ActorKind, str] = {
    ActorKind.ACCOUNT: "指挥调度台",
    ActorKind.WORKER: "网格员",
    ActorKind.SUPERVISOR: "指挥调度员",
    ActorKind.ADMIN: "管理员",
    ActorKind.SYSTEM: "系统",
    ActorKind.OPEN311: "Open311",
    ActorKind.RESIDENT: "居民",
}

ACTIONS: dict[str, str] = {
    "open": "提交诉求", "assign": "派单", "accept": "接单", "return": "退回", "resolve": "办结",
    "reopen": "重新办理", "close": "关闭", "cancel": "撤回", "conclude": "结案", "recategorise": "改类别",
    "escalate": "升级", "link": "合并", "place": "补充位置", "praise": "致谢", "remind": "临期提醒",
    "revealed": "查看原文",
}
LEVELS = {1: "村社区", 2: "镇街"}
RATING = re.compile(r"rating (\d)")


def who(step: Step) -> str:
    """The actor: its role, and its name when it has one staff may see."""
    role = ACTOR_KINDS[step.actor.kind]
    return f"{role} {step.actor.name}" if step.actor.name else role


def what(step: Step) -> str:
    """The step's label (合并 for a ticket closed as another's duplicate)."""
    if step.entry.action == "conclude" and step.entry.data.get("into"):
        return ACTIONS["link"]
    return ACTIONS.get(step.entry.action, step.entry.action)


def detail(step: Step, category_name: Callable[[str], str]) -> str:
    """The step's particulars in Chinese: people's own words as they were written, the rest described."""
    entry, data = step.entry, step.entry.data
    action = entry.action
    if action == "assign" and data.get("grid"):
        to = f"{data['grid']} {data.get('grid_name', '')}".strip()
        return f"派至 {to}" + (f"（{step.worker or '指定网格员'}）" if data.get("worker") else "")
    if action == "recategorise" and data.get("to"):
        return f"{category_name(str(data.get('from', '')))} → {category_name(str(data['to']))}"
    if action == "escalate":
        level = LEVELS.get(int(data.get("level", 0)), "上级")
        why = "超时，" if step.actor.kind is ActorKind.SYSTEM else ""
        return f"{why}升级至{level}" + (f"：{data['note']}" if data.get("note") else "")
    if action == "conclude":
        return f"并入工单 {data['into']}" if data.get("into") else entry.note
    if action in ("return", "resolve"):
        return entry.note
    if action in ("close", "reopen"):
        stars = data.get("stars") or (int(m.group(1)) if (m := RATING.search(entry.note)) else 0)
        if stars:
            return f"居民评价 {stars} 星"
        return "7 天未评价，自动关闭" if step.actor.kind is ActorKind.SYSTEM else ""
    return {"link": "重复诉求并入本工单", "remind": "期限将至"}.get(action, "")
