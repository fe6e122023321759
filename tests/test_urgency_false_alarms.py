"""Fewer false alarms (issue 16): words that name a danger without it happening now are not urgent, and
the learned model alone does not overrule words that say so; real emergencies stay urgent."""

import random
import re

import pytest

from nlp.normalize import normalize
from nlp.quick_regex import first_chars, quick
from nlp.urgency import MODEL_CERTAIN, MODEL_URGENT, DangerWords, decide_urgency, detect_urgency, find_danger_words

# Written for this test (not taken from any benchmark set): each names a danger word that is not a danger.
# Words that only count when the learned model also sees danger: not urgent when it sees little.
BROAD_ONLY = [
    "救命，物业费又要涨了",  # a sigh, not a cry for help
    "救命啊这个表格到底怎么填",
    "小区门口有人卖什么救命神药，是不是骗子",
    "灶台的火苗一直很小，做饭好慢",  # a stove's flame
]
# Not urgent even on the words alone.
NOT_NOW = [
    "请问家里油锅着火应该用什么灭",  # a question about a danger
    "想问一下煤气泄漏的话先关哪个阀门",
    "去年那次燃气泄漏的事，物业到现在还没给说法",  # the matter of a past danger
    "煤气灶打不着火，是不是没气了",  # the stove will not light
    "路边挖了条沟，过马路要跳过去",  # jumping a ditch
    "水龙头拧不动了，想找人换一个",  # an object that will not move
    "楼下有人在烧垃圾，呛得很",  # burning rubbish is pollution
    "早上闻到煤气味，燃气公司已经来查过了，说没问题",  # checked and cleared
    "电梯按钮按了没反应，要等很久",
    "以后遇到有人晕倒，我们该怎么帮忙",
    "我爸前年曾因中暑晕倒，现在想问问体检的事",
]

NOW = [
    ("学校着火了，好多学生在楼上", "119"),  # 学 of 学校 is not "learning about"
    ("学生在操场上晕倒了，叫不醒", "120"),
    ("我爷爷突然说话不清楚，半边身体不能动，好像中风了", "120"),
    ("阿嫲喺厨房跌亲，成个人冇反应", "120"),
    ("楼下有人在喊救命，好像有人掉水里了", "110"),
    ("真的着火了！三楼窗户往外冒烟", "119"),
]


@pytest.mark.parametrize("text", NOT_NOW)
def test_a_danger_word_that_is_not_a_danger_now_is_not_urgent(text: str) -> None:
    assert not detect_urgency(normalize(text)).urgent
    assert not detect_urgency(normalize(text), model_probability=0.3).urgent


@pytest.mark.parametrize("text", BROAD_ONLY)
def test_a_word_that_is_often_no_danger_needs_the_model_to_see_one(text: str) -> None:
    assert not detect_urgency(normalize(text), model_probability=0.1).urgent


@pytest.mark.parametrize("text,number", NOW)
def test_emergencies_stay_urgent_with_the_fitting_number(text: str, number: str) -> None:
    urgency = detect_urgency(normalize(text))
    assert urgency.urgent and number in urgency.services


def test_the_model_alone_does_not_overrule_words_that_say_the_danger_is_over() -> None:
    text = normalize("昨晚楼下着火了，火已经扑灭了，想问问损失找谁")
    words = find_danger_words(text)
    assert words.dismissed and not words.strong
    assert not decide_urgency(words, MODEL_URGENT + 0.1).urgent
    assert decide_urgency(words, MODEL_CERTAIN).urgent  # but it may when it is all but certain


def test_the_model_alone_still_decides_when_no_danger_word_is_there() -> None:
    assert decide_urgency(DangerWords((), ()), MODEL_URGENT).urgent
    assert not decide_urgency(DangerWords((), ()), MODEL_URGENT - 0.01).urgent


def test_quick_patterns_find_exactly_what_the_plain_pattern_finds() -> None:
    patterns = [r"(煤气|燃气)(泄漏|泄露)|漏气|电线.{0,3}(掉|断)", r"救命|help|sos", r"[a-c]x|d+e", r"^火|烟$"]
    rng = random.Random(3)
    alphabet = "煤气燃泄漏露电线掉断救命helpsoabcxde火烟 ，"
    for pattern in patterns:
        fast, plain = quick(pattern), re.compile(pattern)
        for _ in range(500):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
            assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_first_chars_is_unknown_when_a_match_can_start_anywhere() -> None:
    from re import _parser as sre_parser  # type: ignore[attr-defined]

    assert first_chars(sre_parser.parse("(煤气|燃气)泄漏|漏气")) == {"煤", "燃", "漏"}
    assert first_chars(sre_parser.parse(".{0,2}火")) is None
    assert first_chars(sre_parser.parse("a?b")) is None
