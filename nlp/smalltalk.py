"""Small talk: greetings, thanks, acknowledgements and closings, told apart from requests by rules.

A message is small talk when its normalised text (``nlp.normalize``, punctuation and spaces removed) is
made up entirely of the phrases below: small-talk phrases, which say what kind of small talk it is, and
filler words (particles, "you", "very") that say nothing on their own. A single word outside the lists
("谢谢，但是路灯还是没修好": 但是路灯还是没修好) makes it a request: a message that says anything more than
the lists do is never taken for small talk, and filler alone is not small talk either. Gesture emoji count as the word they stand for (🙏 谢谢); a message of emoji
alone is an acknowledgement, unless normalisation gives an emoji a meaning of its own (🔥 火).
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from nlp.normalize import has_emoji, normalize


class SmallTalk(StrEnum):
    """What kind of small talk a message is."""

    GREETING = "greeting"  # 你好, 早上好, 新年快乐
    ASK = "ask"  # 在吗, 想问一下: a greeting that says a question or a problem is coming
    THANKS = "thanks"  # 谢谢, 辛苦了, 点赞
    ACK = "ack"  # 好的, 收到, 明白了, 👍
    CLOSING = "closing"  # 再见, 没事了, 就这些


# When a message mixes kinds, the first of these it holds says what it is (好的谢谢: thanks).
PRIORITY = (SmallTalk.THANKS, SmallTalk.ASK, SmallTalk.CLOSING, SmallTalk.GREETING, SmallTalk.ACK)

PHRASES: dict[SmallTalk, tuple[str, ...]] = {
    SmallTalk.GREETING: (
        "你好", "您好", "你们好", "您们好", "大家好", "各位好", "哈喽", "哈啰", "嗨", "hello", "hi", "hey", "喂", "早", "早上好", "早安", "早晨",
        "上午好", "中午好", "下午好", "晚上好", "打扰了", "打扰一下", "打扰", "新年快乐", "新年好", "过年好", "春节快乐", "新春快乐", "元旦快乐", "中秋快乐",
        "中秋节快乐", "国庆快乐", "国庆节快乐", "节日快乐", "端午安康", "端午节快乐", "恭喜发财", "周末愉快",
    ),
    SmallTalk.ASK: (
        "在吗", "在么", "在嘛", "在不在", "有人吗", "有人么", "有人在吗", "有没有人", "在线吗", "有人在线吗", "请问", "问一下", "问问", "想问", "问个事",
        "问个问题", "问点事", "咨询", "请教", "打听一下", "有个问题", "有个事", "有件事", "有点事", "有事", "有个情况", "反映", "反映问题", "反映个问题",
        "反映个情况", "反映点情况", "反映一下", "投诉", "举报", "求助", "想了解", "人呢", "有人回吗", "有人回复吗",
    ),
    SmallTalk.THANKS: (
        "谢谢", "谢了", "谢啦", "多谢", "多谢晒", "感谢", "感恩", "感激", "感激不尽", "thanks", "thank", "thankyou", "thx", "tks", "3q",
        "唔该", "唔该晒", "辛苦了", "辛苦啦", "辛苦", "麻烦了", "麻烦你了", "麻烦您了", "麻烦你们了", "有劳", "点赞", "点个赞", "赞", "好评", "五星好评", "给力",
        "棒", "太棒了", "厉害", "加油", "效率高", "效率真高", "效率很高", "好快", "真快", "很快", "速度快", "及时", "处理得好快", "处理得很快", "处理得很及时",
        "服务好", "服务很好", "服务周到", "态度好", "态度很好", "负责", "很负责", "负责任", "专业", "很专业",
    ),
    SmallTalk.ACK: (
        "好", "好的", "好滴", "好嘞", "好哒", "好吧", "好啊", "好哦", "行", "行吧", "行的", "可以", "可以的", "收到", "ok", "okay", "okk",
        "okok", "嗯", "嗯嗯", "哦", "噢", "喔", "哦哦", "噢噢", "明白", "了解", "知道", "知道了", "晓得", "懂了", "清楚了", "没问题", "不客气",
        "不用谢", "对", "对的", "是的", "哈哈", "呵呵", "嘻嘻", "66", "666", "等", "等通知", "等消息", "等回复", "解决了", "已解决", "修好了",
        "处理好了", "弄好了", "搞定了", "搞掂", "搞掂咗",
    ),
    SmallTalk.CLOSING: (
        "再见", "再会", "拜拜", "拜", "bye", "byebye", "88", "886", "晚安", "回见", "下次见", "没事了", "没事", "没有了", "没了", "没什么事",
        "没什么了", "没其他事", "就这些", "就这样", "先这样", "没别的事了", "没别的了", "不用了", "算了",
    ),
}

# Words that say nothing on their own: particles, who is addressed, degree, and the small words around.
FILLERS: tuple[str, ...] = (
    "啊", "呀", "吧", "呢", "啦", "了", "的", "哈", "哟", "哒", "咯", "滴", "哇", "诶", "欸", "呐", "嘞", "嘛", "晒", "哂", "嘅", "咗",
    "你", "您", "你们", "您们", "你哋", "侬", "大家", "各位", "网格员", "小哥", "小姐姐", "师傅", "同志", "领导", "工作人员", "兄弟", "老师", "亲",
    "帅哥", "美女", "我", "我们", "他", "她", "他们", "非常", "十分", "万分", "太", "真", "真的", "很", "特别", "超", "超级", "再次", "一直", "衷心",
    "由衷", "都", "也", "还", "已经", "那", "就", "先", "给", "为", "一下", "下", "个", "一个", "点", "想", "要", "我想", "我要", "麻烦", "问题",
    "事情", "帮助", "帮忙", "消息", "通知", "回复", "结果", "处理", "一声", "速度", "辛勤", "付出", "alot", "somuch", "verymuch",
)

# Gesture emoji stand for a word; normalisation drops them (other emoji, kept or dropped, are its business).
GESTURES: dict[str, str] = {
    "👍": "好", "👌": "好的", "👏": "棒", "💪": "加油", "🙏": "谢谢", "👋": "你好",
    "❤": "谢谢", "💕": "谢谢", "💖": "谢谢", "💗": "谢谢", "🌹": "谢谢", "💐": "谢谢",
}
# WeChat sends its own emoticons as text in brackets ([抱拳]); the faces among them count as a nod.
STICKERS: dict[str, str] = {
    "强": "好", "ok": "好的", "握手": "好", "胜利": "好", "鼓掌": "棒", "抱拳": "谢谢", "玫瑰": "谢谢", "爱心": "谢谢",
    "拥抱": "谢谢", "微笑": "嗯", "呲牙": "嗯", "愉快": "嗯", "偷笑": "嗯", "憨笑": "嗯", "可爱": "嗯", "耶": "嗯",
}
_STICKER_RE = re.compile(r"\[([^\[\]]{1,4})\]")
MAX_LETTERS = 40  # small talk is short; longer texts are not worth the search


def recognise(text: str) -> SmallTalk | None:
    """The kind of small talk ``text`` is, or None when it is (or may be) a request."""
    text = _STICKER_RE.sub(lambda found: f" {STICKERS.get(found[1].lower(), found[0])} ", text)
    normalised = normalize(text.translate(_gesture_table()))
    letters = "".join(ch for ch in normalised if ch.isalnum())
    if not letters:
        return SmallTalk.ACK if has_emoji(text) else None
    if len(letters) > MAX_LETTERS:
        return None
    kinds = _cover(letters)
    if not kinds:
        return None
    return next(kind for kind in PRIORITY if kind in kinds)


def _cover(letters: str) -> frozenset[SmallTalk]:
    """The kinds of the fewest phrases that make up ``letters`` exactly (empty: they do not, or are all filler)."""
    phrases, longest = _lexicon()
    # best[i]: (pieces, kinds) of the shortest cover of letters[:i]
    best: list[tuple[int, frozenset[SmallTalk]] | None] = [None] * (len(letters) + 1)
    best[0] = (0, frozenset())
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - longest), end):
            before = best[start]
            piece = letters[start:end]
            if before is None or piece not in phrases:
                continue
            kind = phrases[piece]
            candidate = (before[0] + 1, before[1] | {kind} if kind else before[1])
            if best[end] is None or candidate[0] < best[end][0]:  # type: ignore[index]
                best[end] = candidate
    found = best[-1]
    return found[1] if found else frozenset()


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, SmallTalk | None], int]:
    """Every phrase, normalised as messages are, with its kind (None: filler); and the longest's length."""
    phrases: dict[str, SmallTalk | None] = {_letters(word): None for word in FILLERS}
    for kind, words in PHRASES.items():
        phrases.update({_letters(word): kind for word in words})
    return phrases, max(map(len, phrases))


def _letters(word: str) -> str:
    return "".join(ch for ch in normalize(word) if ch.isalnum())


@lru_cache(maxsize=1)
def _gesture_table() -> dict[int, str]:
    return {ord(emoji): f" {word} " for emoji, word in GESTURES.items()}
