"""Urgency from signs (issue 16): a person in danger told without a danger word, two different broad signs of one
danger, and look-alikes of those signs (a habit, a thing about to fall, a button that does not respond)."""

import pytest

from nlp.normalize import normalize
from nlp.urgency import (
    AMBULANCE,
    FIRE,
    MODEL_SUPPORTS_SIGNS,
    MODEL_SUPPORTS_WORDS,
    MODEL_UNCUED,
    MODEL_URGENT,
    Hazard,
    detect_urgency,
    find_danger_words,
)

# Written for this test (not taken from any benchmark set).
# Signs count when the model sees a little danger, less than broad words need.
LITTLE = (MODEL_SUPPORTS_SIGNS + MODEL_SUPPORTS_WORDS) / 2
SIGNS = [
    ("我爸在卫生间滑了一跤，地上一大滩血", Hazard.MEDICAL),
    ("外婆坐在沙发上嘴唇发紫，一直在咳", Hazard.MEDICAL),
    ("阿公在菜地里摔了一跤，到现在都爬不起来", Hazard.MEDICAL),
    ("我同事突然喘不上气，脸憋得通红", Hazard.MEDICAL),
    ("叫了我妈好几声她都没有反应", Hazard.MEDICAL),
    ("工地有人被钢筋戳到腿，骨头都露出来了", Hazard.MEDICAL),
    ("喝醉的男人掐住他老婆的脖子不放", Hazard.VIOLENCE),
    ("商场的电梯突然往下坠，里面有四个人", Hazard.TRAPPED),
    ("孩子被开水烫了一大片，皮都起来了", Hazard.MEDICAL),
    ("我同事突然倒下，嘴里都是白沫", Hazard.MEDICAL),
]
# Two different broad signs of one danger, each of which alone needs the model to see danger.
PAIRS = [
    ("楼梯口有个大叔躺在地上，一动不动", Hazard.MEDICAL, AMBULANCE),
    ("仓库里冒出好多烟，还闻到一股焦味", Hazard.FIRE, FIRE),
]
# Not urgent on the words alone.
LOOK_ALIKES = [
    "自助缴费机扫码没反应，按了好几次",  # a machine, not a person
    "隔壁饭店每天中午烧柴火灶，浓烟滚滚，窗户都不敢开",  # a habit
    "店门口的招牌快掉下来了，麻烦来看看",  # a thing about to fall, nobody named under it
    "房间里闷得透不过气，空调坏了",  # the weather
    "积水到脚脖子了，鞋都湿透了",  # the ankle, not the neck
    "楼上两口子吵了一晚上架，现在总算没声音了",  # a quarrel gone quiet
]
# Not urgent even when the model sees some danger: a question about health, a state of months or years, bleeding
# that stopped, the blood of a fish.
SIGN_LOOK_ALIKES = [
    "跑完步喘不上气正常吗",
    "冬天嘴唇发紫是什么原因",
    "我爸中风三年了，一直躺在床上动不了，想申请护理补贴",
    "小孩流鼻血流了好多血，现在止住了",
    "杀鱼的时候流了好多血，地上一滩血水没人冲",
]


@pytest.mark.parametrize("text,hazard", SIGNS)
def test_a_sign_of_danger_is_urgent_without_a_danger_word_when_the_model_sees_a_little(text: str, hazard: Hazard) -> None:
    if hazard is Hazard.MEDICAL:
        words = find_danger_words(normalize(text), with_broad=False)
        assert hazard in [danger.hazard for danger in words.strong + words.signs]
    urgency = detect_urgency(normalize(text), model_probability=LITTLE)
    assert urgency.urgent and hazard in urgency.hazards


def test_a_sign_does_not_count_when_the_model_sees_no_danger() -> None:
    text = normalize("献血的时候流了好多血，有没有补贴")
    assert not detect_urgency(text, model_probability=MODEL_SUPPORTS_SIGNS / 2).urgent
    assert detect_urgency(normalize("我爸在卫生间滑了一跤，地上一大滩血")).urgent  # no model: words decide


@pytest.mark.parametrize("text,hazard,number", PAIRS)
def test_two_different_broad_words_count_as_a_sign(text: str, hazard: Hazard, number: str) -> None:
    words = find_danger_words(normalize(text), with_broad=False)
    assert hazard in [danger.hazard for danger in words.signs]
    urgency = detect_urgency(normalize(text), model_probability=LITTLE)
    assert urgency.urgent and number in urgency.services


def test_one_broad_sign_alone_still_needs_the_model() -> None:
    assert not detect_urgency(normalize("楼梯口有个大叔躺在地上"), model_probability=LITTLE).urgent


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_of_signs_are_not_urgent(text: str) -> None:
    assert not detect_urgency(normalize(text)).urgent
    assert not detect_urgency(normalize(text), model_probability=0.4).urgent


def test_a_thing_about_to_fall_over_people_stays_a_danger() -> None:
    assert detect_urgency(normalize("楼顶的广告牌快掉下来了，下面有人在排队"), model_probability=0.4).urgent


@pytest.mark.parametrize("text", SIGN_LOOK_ALIKES)
def test_a_sign_told_as_a_question_a_long_state_or_over_is_not_urgent(text: str) -> None:
    assert not detect_urgency(normalize(text), model_probability=0.4).urgent


def test_an_anti_theft_grille_is_no_prevention() -> None:
    text = normalize("小孩的头卡在防盗网里出不来了")  # 防 of 防盗网 does not make 出不来 a fear
    assert detect_urgency(text, model_probability=MODEL_SUPPORTS_WORDS).urgent


def test_a_quarrel_that_stopped_is_not_urgent_on_the_model_alone() -> None:
    text = normalize("对面两个司机为了刮车的事吵了半天，现在都散了")
    assert not detect_urgency(text, model_probability=0.8).urgent
    assert detect_urgency(normalize("刚才两个人吵架，现在已经走了，可是地上躺着一个人一动不动"), model_probability=0.3).urgent


@pytest.mark.parametrize("text", [
    "楼顶的广告牌要砸下来了，下面全是排队的人",  # about to crash down on people, told with 要
    "快叫消防！仓库里的气罐爆了",
])
def test_more_ways_to_tell_an_emergency(text: str) -> None:
    assert detect_urgency(normalize(text), model_probability=MODEL_SUPPORTS_WORDS).urgent


def test_the_model_alone_needs_more_when_nothing_says_now() -> None:
    between = (MODEL_URGENT + MODEL_UNCUED) / 2
    assert not detect_urgency(normalize("小区后门那边有个男的在车里坐了好几天，一直盯着过路的人"), model_probability=between).urgent
    assert detect_urgency(normalize("小区后门那边有个男的刚才一直盯着过路的人"), model_probability=between).urgent
    assert detect_urgency(normalize("小区后门那边有个男的在车里坐了好几天，一直盯着过路的人"), model_probability=MODEL_UNCUED).urgent


@pytest.mark.parametrize("text", [
    "個細路跌咗落河，快啲救佢",
    "I smell gas in the stairwell, very strong",
    "my kid swallowed a button battery",
])
def test_cantonese_and_english_emergencies(text: str) -> None:
    assert detect_urgency(normalize(text), model_probability=0.05).urgent


def test_more_signs_in_other_words() -> None:
    assert detect_urgency(normalize("我老公心口好痛，成身出冷汗"), model_probability=LITTLE).urgent
    assert detect_urgency(normalize("有个人在桥上爬出栏杆了"), model_probability=MODEL_SUPPORTS_WORDS).urgent
