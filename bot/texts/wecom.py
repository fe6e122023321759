"""The Chinese that only WeCom (企业微信) shows: card titles and fields, the labels a card's buttons
turn into once pressed, and the answers to messages the staff conversation does not expect.

Everything else a WeCom member reads is the staff text of :mod:`bot.texts.staff` (the same words as on
Telegram), made plain by :func:`bot.channels.weixin.markup.plain`. Card texts are plain already: WeCom
shows a card's fields as they are, without markup.
"""

from __future__ import annotations

from bot.tickets.notifications import Kind

CARD_SOURCE = "网格工单"
FIELD_NUMBER, FIELD_CATEGORY, FIELD_DEADLINE, FIELD_PLACE, FIELD_PHOTO = "工单号", "类别", "时限", "位置", "照片"
PHOTO_LINK = "查看照片"
PLACE_UNKNOWN = "位置不明"

CARD_TITLES = {
    Kind.NEW_TICKET: "新工单",
    Kind.REOPENED: "居民不满意，重新派单",
    Kind.REMINDER: "工单即将到期",
    Kind.OVERDUE: "工单已超时",
    Kind.NEEDS_DISPATCH: "待派单",
    Kind.ESCALATED: "超时上报",
    Kind.URGENT_ALERT: "紧急工单",
    Kind.REPORTED: "巡查上报",
}
ACCEPTED_TITLE = "处理中"

# What a pressed card's buttons become (update_template_card's replace_name).
ACCEPTED, RETURNED, RESOLVED = "已接单", "已退回", "已办结"
WITHDRAWN = "居民已撤回"  # a card whose ticket the resident cancelled
REDISPATCHED = "已改派"  # a card whose ticket a supervisor sent to someone else
REFERRED = "已转指挥中心"  # a field report's card once its reporter pressed 需上级处理


def card_title(kind: Kind, urgent: bool) -> str:
    """The main title of a ticket card."""
    title = CARD_TITLES.get(kind, "工单")
    return f"🚨 紧急 {title}" if urgent and kind != Kind.URGENT_ALERT else title


def taken_by(name: str) -> str:
    """A colleague's card once another worker accepted the ticket."""
    return f"已由{name}接单" if name else "已由同事接单"


def dispatched_to(grid_name: str) -> str:
    return f"已派给{grid_name}"


def recategorised_to(category_name: str) -> str:
    return f"已改为{category_name}"


def choose_grid_title(number: str) -> str:
    return f"派单 {number}"


def choose_category_title(number: str) -> str:
    return f"改类别 {number}"


def choice_part(part: int, parts: int) -> str:
    """Below a choice card's title when the choices take several cards (six buttons fit on one)."""
    return f"请选择（第 {part}/{parts} 组）" if parts > 1 else "请选择"


def photo_received(number: str) -> str:
    """A photo came while a result note is awaited: it is kept, and the note is still wanted."""
    return f"已收到工单 {number} 的照片。请再发送处理结果文字（发送任一命令即放弃办结）："


def photo_failed(number: str) -> str:
    """The photo of a result could not be fetched from WeCom or kept."""
    return f"工单 {number} 的照片未能保存。请重新发送照片，或直接发送处理结果文字："


def help_text() -> str:
    """Anything the staff conversation does not expect: what this app is for."""
    return ("这里是网格工单助手：新工单会以卡片发到这里，点卡片上的按钮处理。\n"
            "发送 /tasks（或“任务”）查看待办工单；新网格员发送 /join 邀请码（或“加入 邀请码”）绑定网格。")
