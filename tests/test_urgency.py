"""Urgency: real emergencies are flagged with the right numbers; look-alikes are not."""

import pytest

from nlp.normalize import normalize
from nlp.urgency import AMBULANCE, FIRE, POLICE, Hazard, detect_urgency

EMERGENCIES = [
    ("三楼厨房着火了，烟好大，快来人", FIRE),
    ("楼道里一股很浓的煤气味，好像哪家煤气泄漏了", FIRE),
    ("公交站有个阿伯突然晕倒了，叫他没反应", AMBULANCE),
    ("门口两个人拿着刀在砍人！", POLICE),
    ("有个小孩掉进河里了，在水里扑腾", FIRE),
    ("台风把电线吹断了掉在路上，还在冒火花", FIRE),
    ("隔壁旧房子倒塌了，好像有人被埋在下面", AMBULANCE),
    ("电梯困人，里面有个老人喘不上气", FIRE),
    ("有人站在天台边上说要跳楼", POLICE),
    ("救命！有人闯进我家了", POLICE),
]

LOOK_ALIKES = [
    "消防通道被电动车堵死了，万一着火怎么办",
    "请问燃气费在哪里交？",
    "上周我的电动车被偷了，到现在都没消息",
    "社区明天搞消防演练，会不会很吵",
    "不是着火，是楼下烧烤店的烟",
    "昨晚隔壁着火了，现在已经扑灭了，没人受伤",
    "这栋楼存在很大的火灾隐患，电线乱拉",
    "灭火器都过期三年了",
    "前天两伙人在夜市打架，后来警察来了",
    "路灯坏了好几天",
]


@pytest.mark.parametrize("text,number", EMERGENCIES)
def test_emergency_words_alone_flag_urgent_with_the_fitting_number(text: str, number: str) -> None:
    urgency = detect_urgency(normalize(text))
    assert urgency.urgent
    assert number in urgency.services


@pytest.mark.parametrize("text,hazard", [
    ("楼道里一股很浓的煤气味，好像哪家煤气泄漏了", Hazard.GAS_LEAK),
    ("三楼厨房着火了，烟好大，快来人", Hazard.FIRE),
    ("台风把电线吹断了掉在路上，还在冒火花", Hazard.LIVE_WIRE),
    ("有个小孩掉进河里了，在水里扑腾", Hazard.WATER),
    ("公交站有个阿伯突然晕倒了，叫他没反应", Hazard.MEDICAL),
    ("门口两个人拿着刀在砍人！", Hazard.VIOLENCE),
])
def test_the_hazard_the_words_named_is_told_so_advice_can_fit(text: str, hazard: Hazard) -> None:
    assert detect_urgency(normalize(text)).hazards == (hazard,)


def test_a_decision_of_the_model_alone_names_no_hazard() -> None:
    assert detect_urgency(normalize("快来，那边好像出大事了"), model_probability=0.9).hazards == ()


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_not_urgent(text: str) -> None:
    assert not detect_urgency(normalize(text)).urgent


def test_high_learned_probability_alone_is_urgent_and_gives_every_number() -> None:
    urgency = detect_urgency(normalize("快来，那边好像出大事了"), model_probability=0.9)
    assert urgency.urgent
    assert set(urgency.services) == {POLICE, FIRE, AMBULANCE}


def test_broad_danger_words_need_support_from_the_model() -> None:
    text = normalize("路面塌陷了一块")
    assert not detect_urgency(text, model_probability=0.01).urgent
    assert detect_urgency(text, model_probability=0.3).urgent


def test_strong_words_win_even_when_the_model_disagrees() -> None:
    assert detect_urgency(normalize("楼下着火了"), model_probability=0.0).urgent
