"""Every Chinese text of the FAQ answers: what a resident reads (HTML, as in residents.py) and what an
operator reads at the command line and in the console (plain text)."""

from __future__ import annotations

from nlp.faq import FaqEntry

from bot.texts.common import esc

SOLVED = "已解决"
TO_HUMAN = "转人工办理"
# Typed instead of the buttons (WeChat, or a resident who types on any channel).
SOLVED_WORDS = frozenset({"已解决", "解决了", "已经解决", "已经解决了", "问题解决了", "明白了已解决"})
TO_HUMAN_WORDS = frozenset({"转人工办理", "转人工", "人工办理", "人工", "人工服务", "找人工", "转人工服务"})


def answer(entry: FaqEntry) -> str:
    """The answer to a resident's question, and the two choices under it."""
    return (
        f"<b>{esc(entry.question)}</b>\n{esc(entry.answer)}\n\n"
        f"问题解决了请点「{SOLVED}」；需要工作人员帮您办理，请点「{TO_HUMAN}」，我会按您原来的话登记工单。"
    )


def solved() -> str:
    return "好的，很高兴能帮到您。还有其他问题，随时发消息给我。"


def to_human() -> str:
    return "好的，已转人工办理，正在按您的原话登记工单。"


def stale_choice() -> str:
    return "这个回答已经处理过或已过期。如需办理，请直接把问题再发一次。"


def wechat_tail() -> str:
    """Under the answer on the Official Account: the choices may be typed too."""
    return f"点选一项，或回复「{SOLVED}」或「转人工」。"


# Operators (CLI and console): plain text.
def refusal(kind: str, entry_id: str) -> str:
    if kind == "exists":
        return f"an FAQ entry {entry_id!r} exists already (use `gridbot faq edit`)"
    if kind == "unknown":
        return f"unknown FAQ entry {entry_id!r}; see `gridbot faq list`"
    return f"FAQ entry {entry_id!r} is not valid"


CONSOLE_TITLE = "知识库（常见问题）"
CONSOLE_NOTE = "条目是示例，使用前请核实答案；核实后勾选「已核实」。居民的咨询只在与某条问法足够接近时才自动回答。"
CONSOLE_FIELDS = {"id": "标识（a–z、0–9、_）", "question": "标准问法", "examples": "其他问法（每行一个）",
                  "answer": "答案", "reviewed": "已核实"}
CONSOLE_ADD = "新增条目"
CONSOLE_SAVE = "保存"
CONSOLE_EDIT = "修改"
CONSOLE_SAVED = "已保存。"
CONSOLE_EXISTS = "该标识已存在。"
CONSOLE_UNKNOWN = "没有这个条目。"
CONSOLE_BAD_ID = "标识只能用 2–48 个小写字母、数字和下划线，并以字母开头。"
CONSOLE_INVALID = "条目不完整：问法和答案都不能为空，长度不能超限。"
CONSOLE_NOT_REVIEWED = "未核实"
CONSOLE_EMPTY = "知识库还没有条目。"
