"""Message texts are safe: user text escaped, long texts cut below Telegram's limit."""

from bot.texts import common as common_texts
from bot.texts import staff as staff_texts


def test_user_text_is_escaped() -> None:
    data = {"category_name": "市政设施", "text": "<script>alert(1)</script> & 路灯", "deadline_at": 0.0}
    rendered = staff_texts.new_ticket("T20261124-0001", data)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered and "T20261124-0001" in rendered


def test_long_text_is_cut_below_the_limit_without_breaking_an_entity() -> None:
    long = "<b>T20261124-0001</b> " + "路灯&amp;" * 1000
    cut = common_texts.cut(long)
    assert len(cut) < 4096 and cut.endswith("…")
    body = cut[:-1]
    assert not body.endswith("&amp") and body.count("&") == body.count(";")
