"""The contracts between the domain and the channels are enums whose values never change: buttons on
messages people already have must still work, and the web page reads the same JSON."""

import pytest

from bot.channels.telegram.channel import TicketAction, keyboard
from bot.intake.replies import ReplyKind
from bot.texts.render import ButtonAction, rating_buttons, report_buttons, supervisor_buttons, worker_buttons

NUMBER = "T20261124-0007"
# What buttons carried before the actions were an enum (Telegram keeps them on old messages).
SENT_BEFORE = ["accept", "return", "resolve", "rate", "grids", "dispatch", "categories", "recat"]
ADDED_SINCE = ["refer"]  # 需上级处理 on a field report (issue 17): fixed from now on like the others


def callback_data(rows: list) -> list[str]:
    markup = keyboard(rows)
    assert markup is not None
    return [button.callback_data for row in markup.inline_keyboard for button in row]


def test_rendered_buttons_carry_the_callback_data_they_always_did() -> None:
    assert callback_data(worker_buttons(NUMBER)) == [f"t:accept:{NUMBER}:", f"t:return:{NUMBER}:"]
    assert callback_data(worker_buttons(NUMBER, accepted=True)) == [f"t:resolve:{NUMBER}:", f"t:return:{NUMBER}:"]
    assert callback_data(supervisor_buttons(NUMBER)) == [f"t:grids:{NUMBER}:", f"t:categories:{NUMBER}:"]
    assert callback_data(rating_buttons(NUMBER))[0] == f"t:rate:{NUMBER}:1"
    assert callback_data(report_buttons(NUMBER)) == [f"t:resolve:{NUMBER}:", f"t:refer:{NUMBER}:"]


@pytest.mark.parametrize("action", SENT_BEFORE)
def test_callback_data_sent_before_still_parses(action: str) -> None:
    parsed = TicketAction.unpack(f"t:{action}:{NUMBER}:HD-01")
    assert parsed.action is ButtonAction(action) and parsed.number == NUMBER and parsed.arg == "HD-01"


def test_every_action_is_one_sent_before_and_an_unknown_one_does_not_parse() -> None:
    assert sorted(ButtonAction) == sorted(SENT_BEFORE + ADDED_SINCE)
    with pytest.raises(ValueError):
        TicketAction.unpack(f"t:acept:{NUMBER}:")


def test_reply_kinds_are_the_strings_the_web_page_reads() -> None:
    assert {str(kind) for kind in ReplyKind} == {
        "opened", "linked", "placed", "ask_category", "ask_location", "location_not_found", "out_of_area",
        "nothing_pending", "small_talk", "command", "empty", "faq_answer", "faq_solved"}
    assert {kind for kind in ReplyKind if kind.asks} == {
        ReplyKind.ASK_CATEGORY, ReplyKind.ASK_LOCATION, ReplyKind.LOCATION_NOT_FOUND, ReplyKind.OUT_OF_AREA}
