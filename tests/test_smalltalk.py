"""The small-talk recogniser: greetings, thanks, nods and goodbyes are told apart from requests."""

from __future__ import annotations

import pytest

from nlp.smalltalk import SmallTalk, recognise


@pytest.mark.parametrize(("text", "kind"), [
    ("谢谢！", SmallTalk.THANKS),
    ("你好", SmallTalk.GREETING),
    ("好的，收到", SmallTalk.ACK),
    ("你好，想问一下", SmallTalk.ASK),
    ("在吗", SmallTalk.ASK),
    ("辛苦了", SmallTalk.THANKS),
    ("👍", SmallTalk.ACK),
    ("再见", SmallTalk.CLOSING),
])
def test_the_messages_that_became_tickets_are_small_talk(text: str, kind: SmallTalk) -> None:
    assert recognise(text) == kind


@pytest.mark.parametrize(("text", "kind"), [
    ("謝謝！", SmallTalk.THANKS),  # Traditional characters
    ("ＯＫ", SmallTalk.ACK),  # full-width letters
    ("Thank you!", SmallTalk.THANKS),
    ("🙏🙏", SmallTalk.THANKS),  # a gesture counts as its word
    ("[抱拳]", SmallTalk.THANKS),  # WeChat's emoticons arrive as bracketed names
    ("😄😄", SmallTalk.ACK),  # emoji alone: a nod
    ("好的，谢谢", SmallTalk.THANKS),  # thanks say more than the nod before them
    ("好的，拜拜", SmallTalk.CLOSING),
])
def test_small_talk_is_recognised_however_it_is_typed(text: str, kind: SmallTalk) -> None:
    assert recognise(text) == kind


@pytest.mark.parametrize("text", [
    "谢谢，但是路灯还是没修好",
    "你好，西正路8号的路灯坏了",
    "在吗？楼下好吵",
    "好的，可是到现在还没人来",
    "收到，但是水还是停着",
    "辛苦了，楼道灯还是不亮",
    "问题还没解决",
    "修好了又坏了",
    "修好了吗",
    "谢谢你们，能不能快点来",
    "hello 我家停电了",
    "🔥🔥",  # an emoji that means something is a request
    "👍🔥",
    "我要投诉楼下烧烤店",
    "请问社保怎么交",
])
def test_a_message_with_a_problem_in_it_is_no_small_talk(text: str) -> None:
    assert recognise(text) is None


def test_text_with_nothing_in_it_is_no_small_talk() -> None:
    assert recognise("？！。") is None and recognise("") is None and recognise("\ufffd") is None
