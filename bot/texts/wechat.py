"""The Chinese a resident reads only on the WeChat Official Account (公众号): where WeChat differs from
Telegram (no reply keyboard, no caption on a photo, the account's menu, typed choices), the ticket page a
template message links to.

Texts are HTML like every text of bot/texts/ (the channel turns them into WeChat text with
``bot.channels.weixin.markup.plain``); anything a user typed is escaped here.
"""

from __future__ import annotations

from bot.texts.common import SKIP_LOCATION, esc

SKIP_WORDS = (SKIP_LOCATION, "跳过", "不清楚")  # typed instead of Telegram's 「不清楚位置，直接提交」 button
MY_TICKETS_WORDS = ("我的工单", "查看工单", "/my")
HELP_WORDS = ("使用说明", "帮助", "/start", "/help")
CANCEL_WORDS = ("取消", "撤回", "/cancel")


def welcome_extra() -> str:
    """What follows the welcome on WeChat: the account's menu and the typed commands."""
    return ("在公众号里：点菜单「我要反映」看怎么提交，「我的工单」查看进度；"
            "也可以直接回复「我的工单」，或「取消 工单号」撤回。")


def how_to_report() -> str:
    """The answer to the menu button 我要反映."""
    return ("请直接发文字，说清<b>什么事</b>、<b>在哪里</b>，例如：「西正路8号门口的路灯坏了」。\n"
            "可以先发照片，再发文字说明，照片会和说明一起提交。\n"
            "也可以点输入框旁的「+」→「位置」发送问题发生的位置。\n"
            "遇到火灾、燃气泄漏、有人受伤等紧急情况，请先拨打 110 / 119 / 120。")


def ask_location() -> str:
    return ("请告诉我问题发生的位置：点输入框旁的「+」→「位置」发送位置，或直接输入地址（如路名门牌、小区名）。\n"
            "如果说不清，请回复「跳过」，由指挥中心派单。")


def location_not_found(address: str) -> str:
    return f"没能根据「{esc(address)}」找到对应网格，请换个说法，或点「+」→「位置」发送位置；说不清请回复「跳过」。"


def category_menu_tail(count: int) -> str:
    """Under the offered categories: they may be typed too."""
    return f"点选一项，或回复序号（1–{count}）或类别名称。"


def rating_menu_tail() -> str:
    return "点选分数，或直接回复 1–5。"


def cancel_usage() -> str:
    return "请在「取消」后写工单号，例如：取消 T20261124-0007"


def located_by_remembered_place() -> str:
    """A request that needed a place got the one the resident had just sent."""
    return "已按您刚才发送的位置提交。"


def photo_waits() -> str:
    """A photo arrived without words (WeChat sends no caption): it waits for the text that follows."""
    return "收到照片。请再发一条文字，说说发生了什么、在哪里，照片会和这段说明一起提交。"


def photo_not_received() -> str:
    return "照片没能收下，请稍后再发一次，或直接用文字描述问题。"


def voice_needs_text() -> str:
    return "暂时听不清语音，请用文字描述您遇到的问题（什么事、在哪里）。"


def media_unsupported() -> str:
    return "暂时只能处理文字、语音、照片和位置。请用文字描述您遇到的问题。"


def event_unsupported() -> str:
    return "收到。要反映问题，请直接发文字；点菜单「我的工单」可查看进度。"


def command_elsewhere(command: str) -> str:
    """A bot command that has no meaning on the Official Account."""
    name = f"/{esc(command)}"
    if command in ("join", "tasks", "report", "patrol"):
        return f"{name} 是网格员在企业微信或 Telegram 里用的命令。这里是居民反映问题的公众号，直接发文字即可。"
    return ("公众号里不需要命令：直接用文字描述您遇到的问题；"
            "回复「我的工单」查看进度，「取消 工单号」撤回。")


def template_remark() -> str:
    """The last line of a template notice (sent when a customer-service message is refused)."""
    return "点击查看工单进展。回复本公众号即可继续对话。"


def ticket_page_title(number: str) -> str:
    return f"工单 {esc(number)}"


def ticket_page_labels() -> dict[str, str]:
    """The words of the ticket page a template notice links to (plain text, escaped by the page)."""
    return {"number": "工单号", "category": "类别", "status": "当前状态", "timeline": "办理进展",
            "footer": "本页只显示工单状态。详细内容请在公众号里回复「我的工单」查看。"}






def place_kept() -> str:
    """A location sent while no request waits for one: kept for the next."""
    return "收到位置。请再用文字说说发生了什么，问题会按这个位置提交。"
