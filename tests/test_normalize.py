"""Normalisation: width, script, case, emoji and whitespace."""

from nlp.normalize import normalize


def test_full_width_letters_digits_and_punctuation_become_half_width() -> None:
    assert normalize("ＡＢＣ１２３！？") == "abc123!?"


def test_traditional_characters_become_simplified() -> None:
    assert normalize("這裡發生車禍，垃圾沒人收") == "这里发生车祸,垃圾没人收"


def test_meaningful_emoji_become_words_and_others_disappear() -> None:
    assert normalize("🔥🔥楼下😭😭") == "火 火 楼下"


def test_skin_tone_and_joiner_sequences_leave_nothing_behind() -> None:
    assert normalize("好的👍🏻👨‍👩‍👧") == "好的"


def test_whitespace_is_collapsed_and_trimmed() -> None:
    assert normalize("  路灯 \t\n 坏了  ") == "路灯 坏了"


def test_cantonese_characters_are_kept() -> None:
    assert normalize("佢哋冇嘢做") == "佢哋冇嘢做"
