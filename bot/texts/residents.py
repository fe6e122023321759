"""Every Chinese text a resident reads: welcome, emergencies, questions, receipts, status changes.

Texts are HTML (Telegram's parse mode and the web page both render it); anything a user typed is
escaped here. Every text about a ticket carries its number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nlp.smalltalk import SmallTalk
from nlp.urgency import Hazard

from bot.photos.store import PhotoRefusal
from bot.tickets.alerts import Alert, Reached
from bot.tickets.record import Ticket
from bot.tickets.states import Status
from bot.texts.common import EMERGENCY_NAMES, SEND_LOCATION, SKIP_LOCATION, esc, listing, status_label, when


def welcome(categories: Iterable[str]) -> str:
    return (
        "您好！这里是<b>网格服务</b>。请直接用文字告诉我您遇到的问题，也可以发带说明的照片。\n"
        f"我能受理：{'、'.join(categories)}。\n"
        "我会判断问题类别，找到您所在的网格，派给负责的网格员，并把每一步进展告诉您。\n"
        "遇到火灾、燃气泄漏、有人受伤等紧急情况，请先拨打 110 / 119 / 120。\n"
        "常用命令：/my 我的工单，/cancel 工单号 撤回。\n"
        "隐私说明：您的留言、位置和照片只用于处理工单，仅对负责的网格员和管理人员可见。"
    )


# What to do until help comes, per hazard the words named (nlp.urgency.Hazard).
SAFETY_ADVICE = {
    Hazard.GAS_LEAK: "燃气泄漏：不要开关电灯电器、不要点火，也不要在屋里打电话；打开门窗通风，马上离开，到室外安全处再打电话。",
    Hazard.FIRE: "火灾：立即离开，随手关上身后的门；不要乘电梯；有烟时用湿毛巾捂住口鼻，弯腰低姿撤离。",
    Hazard.LIVE_WIRE: "电线掉落、漏电：远离电线和积水，不要触碰电线，也不要用手拉触电的人。",
    Hazard.WATER: "有人落水：不要贸然跳下去救，向落水者抛救生圈、绳子、木板等能漂浮的东西，同时呼救、打电话。",
    Hazard.MEDICAL: "有人倒地：马上拨打 120；如果可能受了伤，不要搬动他；看看是否还有呼吸，按急救人员的电话指导做。",
    Hazard.VIOLENCE: "暴力事件：先让自己到安全的地方，远离危险的人，再报警。",
    Hazard.COLLAPSE: "倒塌：远离倒塌的地方，不要进去，小心再次坍塌。",
    Hazard.TRAPPED: "被困：保持冷静；困在电梯里请按警铃，不要强行扒门。",
    Hazard.SELF_HARM: "有人想轻生：尽量陪在他身边，不要让他一个人待着，把危险物品移开。",
    Hazard.MISSING: "有人走失：马上报警，说清楚他的样子、衣着和最后出现的地点；准备一张近照，请家人分头在附近寻找。",
    Hazard.TRAFFIC: "交通事故：先打开双闪、在车后放警示牌，远离车流；不要随意搬动伤者，除非有起火等更大的危险。",
}
DEFAULT_SAFETY_ADVICE = "请先确保自己的安全，到安全的地方再打电话。"


def emergency_call() -> str:
    return "⚠️ 这可能是紧急情况，请立即拨打："


def emergency_number(service: str) -> str:
    return EMERGENCY_NAMES[service]


def safety_advice(hazards: Iterable[Hazard]) -> list[str]:
    """Short advice for each hazard named (a general line when none has its own)."""
    advice = [SAFETY_ADVICE[h] for h in dict.fromkeys(hazards) if h in SAFETY_ADVICE]
    return advice or [DEFAULT_SAFETY_ADVICE]


def urgent_notified(alert: Alert) -> str:
    """Who was told of the urgent ticket: only what happened."""
    told = {
        Reached.GRID: "本网格的网格员",
        Reached.COMMUNITY: f"{esc(alert.community or '社区')}负责人",
        Reached.TOWN: f"{esc(alert.town or '街道')}指挥中心",
        Reached.ADMINS: "值班管理员",
    }
    if not alert.reached:
        return "工单已记录，但现在没有工作人员能马上收到通知，请务必自己拨打上面的电话。"
    return "已通知" + "和".join(told[r] for r in alert.reached) + "。"


def emergency_details(hazards: Iterable[Hazard], alert: Alert | None) -> str:
    """What follows the numbers to call: safety advice, and who was told."""
    lines = safety_advice(hazards) + ([urgent_notified(alert)] if alert is not None else [])
    return "\n".join(lines)


def emergency(services: Iterable[str], hazards: Iterable[Hazard] = (), alert: Alert | None = None) -> str:
    numbers = listing(emergency_number(s) for s in services)
    return f"<b>{emergency_call()}{numbers}</b>\n{emergency_details(hazards, alert)}"


def ask_category(options: Iterable[str]) -> str:
    return f"想确认一下，您反映的问题属于哪一类？（可能是：{'、'.join(options)}）"


def ask_location() -> str:
    return (
        "请告诉我问题发生的位置：点下方「发送位置」，或直接输入地址（如路名门牌、小区名）。\n"
        f"如果说不清，可以点「{SKIP_LOCATION}」，由指挥中心派单。"
    )


def location_received() -> str:
    return "收到，正在为您提交……"


def location_shared() -> str:
    """What the web chat shows (and keeps) as the resident's turn when they sent their position."""
    return "📍 已发送位置"


def earlier_request_unplaced(number: str) -> str:
    return f"这条按新的诉求处理。上一条诉求已提交为工单 <b>{number}</b>，位置由工作人员确认。"


def nothing_pending() -> str:
    return "请先用文字描述遇到的问题，再发送位置。"


def category_noted(name: str) -> str:
    return f"好的，类别：{esc(name)}。"


def location_not_found(address: str) -> str:
    return f"没能根据「{esc(address)}」找到对应网格，请换个说法，或点「发送位置」。"


def out_of_area(towns: Iterable[str]) -> str:
    return (f"您发送的位置不在本服务区域内（本服务覆盖：{esc('、'.join(towns))}）。\n"
            "如果问题发生在服务区域内，请直接输入地址（如路名门牌、小区名），或在问题现场重新发送位置。")


def ticket_opened_from(number: str, data: dict[str, Any]) -> str:
    grid = data.get("grid_name") or data.get("grid_id")
    where = f"网格：{esc(grid)}" if grid else "网格：待指挥中心派单"
    return (
        f"✅ 已受理，工单号 <b>{number}</b>\n类别：{esc(data['category_name'])}\n{where}\n"
        f"办理时限：{when(data['deadline_at'])} 前\n进展会随时通知您。"
    )


def parts_opened(parts: list[dict[str, Any]]) -> str:
    """The one receipt for a message that held several requests: every ticket it opened (or joined), each
    with its number, category and grid, and how to withdraw one."""
    lines = [f"✅ 您反映了 {len(parts)} 个问题，已分别受理："]
    for i, part in enumerate(parts, 1):
        grid = esc(part.get("grid_name") or part.get("grid_id") or "待指挥中心派单")
        if part.get("linked"):
            lines.append(f"{i}. 工单 <b>{part['number']}</b>（{esc(part['category_name'])}）：附近居民已反映过，已并入该工单")
        else:
            lines.append(f"{i}. 工单 <b>{part['number']}</b>（{esc(part['category_name'])}，网格：{grid}，"
                         f"{when(part['deadline_at'])} 前办理）")
    lines.append("每个工单分别办理，进展会分别通知您。如需撤回其中一个，请发送「/cancel 工单号」"
                 "（网页上点「我的工单」里的「撤回」）。")
    return "\n".join(lines)


def linked(number: str) -> str:
    return f"附近已有居民反映了同样的问题，您的诉求已并入工单 <b>{number}</b>，进展会同步通知您。"


def placed(number: str, data: dict[str, Any]) -> str:
    """The place a resident named right after opening a ticket without one was added to it."""
    grid = esc(data.get("grid_name") or data.get("grid_id"))
    if data["status"] == Status.ASSIGNED:
        return f"📍 已补充位置：工单 <b>{number}</b> 属于{grid}，已派给网格员（已派单）。"
    return f"📍 已补充位置：工单 <b>{number}</b> 属于{grid}，由指挥中心派单（待派单）。"


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


def own_words(ticket: Ticket) -> str:
    """A resident's words on a ticket they see (``Tickets.seen_by``): a follower's own, or, when theirs
    were not kept, a neutral line, never the words of the resident who opened it. Plain text."""
    return ticket.text or "（与附近居民反映的是同一问题）"


def ticket_grid(ticket: Ticket) -> str:
    """Where a ticket is, in a list (plain text): its grid, or that the command centre places it."""
    return ticket.grid_name or ticket.grid_id or "待指挥中心派单"


def my_tickets(tickets: list[Ticket]) -> str:
    if not tickets:
        return "您还没有工单。直接发文字描述问题即可提交。"
    lines = [f"<b>{t.number}</b>　{t.status.label}　{esc(own_words(t)[:20])}" for t in tickets[:20]]
    return "您的工单：\n" + "\n".join(lines)


def web_page() -> dict[str, str]:
    """The web chat page's own words (the page loads them as /page-texts.js): plain text, where the
    page fills in ``{name}``."""
    return {
        "sendLocation": SEND_LOCATION,
        "skipLocation": SKIP_LOCATION,
        "locationShared": location_shared(),
        "noGeolocation": "此浏览器无法获取位置，请输入地址。",
        "geolocationFailed": "没能获取位置，请输入地址。",
        "addressPlaceholder": "或输入地址，如：西正路8号",
        "textPlaceholder": "描述您遇到的问题……",
        "networkError": "网络异常，请稍后再试。",
        "somethingWrong": "出错了，请稍后再试。",
        "rateLabel": "评分 {stars} 分",
        "noTickets": my_tickets([]),
        "ticketNumber": "工单号 {number}",
        "withdraw": "撤回",
        "withdrawLabel": "撤回 {number}",
        "confirmWithdraw": "确定撤回工单 {number} 吗？撤回后网格员将不再处理。",
        "confirmYes": "确定撤回",
        "confirmNo": "不撤回",
    }


def cancel_usage() -> str:
    return "请在命令后写工单号，例如：/cancel T20261124-0007"


def cancelled(number: str) -> str:
    return f"工单 <b>{number}</b> 已撤回。"


def media_unsupported() -> str:
    return "暂时只能处理文字和带文字说明的照片。请用文字描述问题，或发照片时附上说明。"


def photo_needs_caption() -> str:
    return "收到照片，请在照片说明里写上发生了什么、在哪里，再发一次。"


def photo_missing() -> str:
    return "请选择一张照片。"


def caption_unreadable() -> str:
    return "照片说明里有无法识别的文字，请重新输入后再发。"


def caption_too_long(limit: int) -> str:
    return f"说明太长了，请控制在 {limit} 字以内。"


PHOTO_REFUSALS = {
    PhotoRefusal.TOO_LARGE: "照片太大了（最大 {max_mb} MB），请换一张或截图后再发。",
    PhotoRefusal.NOT_A_PHOTO: "只支持 JPEG、PNG、WebP 照片。",
    PhotoRefusal.BROKEN: "这张照片打不开（文件可能已损坏），请换一张 JPEG、PNG 或 WebP 照片再试。",
    PhotoRefusal.TOO_MANY_PIXELS: "照片尺寸太大了（最多 {max_megapixels} 万像素），请缩小后再发。",
    PhotoRefusal.NO_ROOM: "暂时无法保存照片，请先用文字描述问题，照片稍后再发。",
}


def photo_refused(reason: PhotoRefusal, max_bytes: int, max_pixels: int) -> str:
    """Why an uploaded photo was not accepted."""
    return PHOTO_REFUSALS.get(reason, "照片没能收下，请换一张再试。").format(
        max_mb=max_bytes // (1024 * 1024), max_megapixels=max_pixels // 10_000)


def photo_sent(caption: str) -> str:
    """The resident's turn in the web chat when they sent a photo with ``caption`` (plain text)."""
    return f"🖼️ {caption}"


def empty_text() -> str:
    return "请用文字描述您遇到的问题。"


def text_too_long(limit: int) -> str:
    return f"内容太长了，请控制在 {limit} 字以内。"


def address_needed() -> str:
    """The web chat's answer to an address with no words in it."""
    return "请输入地址，如：西正路8号。"


def location_malformed() -> str:
    """The web chat's answer to a shared position that is not a latitude and longitude."""
    return "位置格式不对。"


SMALL_TALK_ANSWERS = {
    SmallTalk.GREETING: "您好！我是网格服务助手。请直接用文字说说您遇到的问题（什么事、在哪里），我会派给负责的网格员。",
    SmallTalk.ASK: "请直接说说您遇到的问题（什么事、在哪里），我来帮您提交。",
    SmallTalk.THANKS: "不客气！有新的问题随时告诉我。",
    SmallTalk.ACK: "好的。有新的问题随时告诉我。",
    SmallTalk.CLOSING: "好的，祝您生活愉快！有需要随时找我。",
}


def small_talk(kind: SmallTalk, praised: Ticket | None = None, waiting: bool = False) -> str:
    """The answer to a greeting, thanks, a nod or a goodbye (no ticket is opened for them). ``praised``: the
    ticket the thanks were passed on for; ``waiting``: a question about the resident's request is still open."""
    if waiting:
        return f"{'不客气！' if kind is SmallTalk.THANKS else '好的。'}您的诉求还差一步就能提交："
    if praised is not None:
        return f"不客气！已把您的感谢转达给处理工单 <b>{praised.number}</b> 的网格员。有新的问题随时告诉我。"
    return SMALL_TALK_ANSWERS[kind]


def web_command(command: str) -> str:
    """A bot command typed into the web chat, where commands do nothing: whose it is, and what to do here."""
    name = f"/{esc(command)}"
    if command in ("join", "tasks", "report", "patrol"):
        return (f"{name} 是网格员在 Telegram 或企业微信里用的命令。这里是居民反映问题的网页，不需要绑定。"
                "网格员请在 Telegram 或企业微信里把这条命令发给网格服务机器人。")
    if command in ("stats", "model", "retrain"):
        return f"{name} 是管理员在 Telegram 里用的命令，网页上没有这个功能。"
    if command == "my":
        return "在网页上查看工单，请点页面上方的「我的工单」。"
    if command == "cancel":
        return "撤回工单：点页面上方的「我的工单」，再点要撤回的工单旁的「撤回」。"
    return "网页上不需要输入命令：直接用文字描述您遇到的问题即可；查看工单请点「我的工单」。"


def unknown_command(command: str) -> str:
    return (f"没有 /{esc(command)} 这个命令。可用的命令：/start 使用说明，/my 我的工单，/cancel 工单号 撤回。"
            "要反映问题，直接发文字即可。")


def maybe_repeated() -> str:
    return "（系统恢复后补发：如果您已经收到过这条消息，请忽略本条。）"


def group_chat() -> str:
    return "为保护隐私，请私聊我提交诉求。"


def rated(number: str, stars: int) -> str:
    return f"已收到对工单 <b>{number}</b> 的评价：{stars} 分。"
