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


# Each rule added for the independent false-alarm rate (issue 16 item 6), both sides. Written for these
# tests, not taken from any benchmark set.
NOT_NOW_BY_RULE = [
    "抖音上说厚街有个商场着火了，是不是真的",  # hearsay: news, a video, a forwarded post
    "看报道讲隔壁镇有小孩溺水，我们村的鱼塘能不能加个围栏",
    "刚才楼下有人打架，民警已经把人带走了，想问下监控谁来调",  # over: taken away
    "上昼闻到煤气味，燃气公司嚟睇过冇问题",  # over: checked and cleared, said in Cantonese
    "孩子在商场走丢了一会儿，后来在超市门口找到了，建议商场装个广播",  # over: found
    "我家的狗走丢了，有人看到吗",  # a pet is not a person missing
    "老人走失了一般怎么登记，想问问流程",  # a topic, nobody's own
    "路边的广告牌被车撞倒了，一直没人扶起来",  # a thing hit by a car, no person
    "施工队说下个月燃气管道改造，要不要在家等",
    "这房租贵得真不想活了",  # a figure of speech
    "货车堵住了出口，打了车上的挪车电话也没人接",  # 堵 and 打 of a parking complaint
]
NOW_BY_RULE = [
    ("邻居在群里转发说三栋着火了，现在我们楼道都是烟", "119"),  # hearsay, but happening now
    ("燃气公司来查过了，现在又有很浓的煤气味，还在漏", "119"),  # over, but again now
    ("我女儿放学到现在还没回来，电话也打不通", "110"),  # a child missing
    ("我爷爷有老人痴呆，出门买菜不见了", "110"),
    ("路口有个阿伯被摩托车撞倒了，躺着不动", "120"),  # a person hit by a vehicle
    ("一辆小车撞飞了一个骑手", "120"),
    ("施工队把燃气管挖断了，一直在喷气", "119"),  # a gas main cut
    ("宝宝发高烧抽筋，眼睛往上翻", "120"),
    ("手割到了止不住血", "120"),
    ("我表妹发信息说要自杀", "110"),
    ("我朋友吞了一整瓶安眠药", "120"),
    ("他在房间里打我，门被锁了", "110"),
    ("有人拿着铁棍在砸车", "110"),
    ("隔壁一直传来小孩的惨叫", "110"),
    ("那堵墙塌下来了，有人在下面", "119"),
    ("招牌快掉下来了，下面都是人在排队", "119"),
    ("水已经淹到腰了，老人出不来", "119"),
    ("有人在楼道放火", "119"),
]


def test_a_habit_told_first_does_not_hide_the_event_that_follows() -> None:
    assert detect_urgency(normalize("隔壁天天吵架，今晚打起来了，有人在流血"), model_probability=0.3).urgent
    assert detect_urgency(normalize("楼下饭店经常冒烟，这次整个厨房都着火了"), model_probability=0.0).urgent


def test_pains_and_rude_looks_need_the_model_to_see_danger() -> None:
    assert not detect_urgency(normalize("跑步的时候小腿抽筋了"), model_probability=0.1).urgent
    assert not detect_urgency(normalize("保安对我翻白眼，态度太差"), model_probability=0.1).urgent
    assert not detect_urgency(normalize("吊顶快掉下来了，房东一直不管"), model_probability=0.1).urgent  # nobody below
    assert not detect_urgency(normalize("楼上装修吵得我都不想活了"), model_probability=0.1).urgent  # a figure of speech
    assert detect_urgency(normalize("我表妹发信息说不想活了"), model_probability=0.3).urgent


def test_the_new_hazards_are_told_so_advice_can_fit() -> None:
    from nlp.urgency import Hazard

    assert Hazard.MISSING in detect_urgency(normalize("我家小孩在公园不见了")).hazards
    assert Hazard.TRAFFIC in detect_urgency(normalize("有个学生被车撞了")).hazards


def test_hearsay_counts_only_before_the_danger_word_in_its_sentence() -> None:
    # A fire seen now, with hearsay about who is inside after it, stays urgent.
    assert detect_urgency(normalize("楼下着火了，听说三楼还有老人没出来"), model_probability=0.0).urgent
    assert not detect_urgency(normalize("听说楼下着火了，是不是真的"), model_probability=0.0).urgent


SAID_OTHERWISE = [  # emergencies said in words the first rules missed
    ("出租屋里全是火，门口都出不去", "119"),
    ("实验楼的氯气罐漏了，走廊的人都在咳", "119"),
    ("我爸突然说不出话，嘴巴歪了", "120"),  # a stroke
    ("外面那个人说要进来弄死我", "110"),
    ("街口有人拿着西瓜刀追人", "110"),
    ("我同学说要去跳河，现在在江边", "110"),  # 同学 is not 学 (learning about)
    ("孩子放学路上被车撞了", "120"),  # nor is 放学
    ("宝宝被锁在车里了，车停在太阳底下", "119"),
    ("室友在厕所割脉", "120"),
]
NOT_SAID = [  # the same words about no one, or a thing, or something over
    "人行道已经往下沉了十几公分，地砖全裂开",  # 人 of 人行道
    "火锅的汤上面漂着别人吃剩的东西",
    "外卖车骑得太快，我家小孩差点被撞",  # nearly
    "我被电动车撞过一次，还好只是蹭了一下",  # once, in the past
    "车祸已经处理完了，路上还有碎玻璃",
    "树倒下来把公交站的雨棚砸塌了一半，现在还没人修",
    "我女儿的手机不见了，可能是在学校丢的",  # her phone, not her
    "放火烧山牢底坐穿的横幅被风吹掉了",  # a slogan
    "街上都是火锅店，晚上油烟好大",
    "半夜野猫在楼下惨叫，吵得睡不着",
    "我在网上给那家店打一个差评",
    "燃气灶没气了，液化气要去哪里换",
]




DANGER_AS_A_TOPIC = [  # the danger word qualifies a thing, a course, a fee; or happened before; or was explained
    "燃气泄漏检测要不要钱",
    "家里的触电保护器一直跳闸",
    "社区能不能发个溺水的急救方法",
    "物业贴的被困时怎么办的提示太小了",
    "厂里搞起火应急演练，没去的要不要补",
    "那间铺头以前失火过，现在想租下来",
    "晕倒的阿伯后来送到医院了，家属想找帮忙的人道谢",
    "闻到一股煤气味，物业查了说是下水道的味道",
]


def test_the_same_words_as_events_stay_urgent() -> None:
    for text in ("燃气泄漏了，阀门关不上", "有人触电了倒在地上", "电梯里困了三个人，被困快一个小时了",
                 "她被男朋友打得满脸是血"):
        assert detect_urgency(normalize(text), model_probability=0.0).urgent, text


@pytest.mark.parametrize("text", NOT_NOW_BY_RULE + NOT_SAID + DANGER_AS_A_TOPIC)
def test_a_danger_told_as_hearsay_over_a_topic_or_about_no_one_is_not_urgent(text: str) -> None:
    assert not detect_urgency(normalize(text), model_probability=0.2).urgent


@pytest.mark.parametrize("text,number", NOW_BY_RULE + SAID_OTHERWISE)
def test_the_emergencies_those_rules_must_not_hide_are_urgent_on_words_alone(text: str, number: str) -> None:
    urgency = detect_urgency(normalize(text), model_probability=0.0)
    assert urgency.urgent and number in urgency.services


# The second round of rules (issue 16 item 6), both sides of each. Written for these tests.
NOT_NOW_SECOND_ROUND = [
    "插座一插电热水壶就冒火星，房东叫我自己换一个",  # sparks of a socket: not flames
    "阿公晕倒那次是隔壁阿姨送的医院，想当面谢谢她",  # one occasion told
    "屋企个煤气炉点唔着火，系咪冇气",  # will not light, said in Cantonese
    "唔系着火呀，系隔篱铺头烧腊",  # negated in Cantonese
    "刷到一个讲东城有人持刀抢劫的帖，系咪真嘅",  # a post scrolled to
    "听说昨晚夜市那边砍人了，现在去还安全吗",  # hearsay although the present is named later
    "前几天隔壁小区有人跳楼，现在我们都不敢走那条路",  # the past although the present is named later
]
NOW_SECOND_ROUND = [
    ("插座冒火了，窗帘都烧着了", "119"),
    ("阿公晕倒了，叫极都唔醒", "120"),
    ("着火啦，成层楼都系烟", "119"),
    ("我在拍视频的时候看到有人拿刀砍人", "110"),
    ("昨天打架的那伙人今天又拿着刀来了", "110"),  # the past, then the present
    ("昨晚开始就有一股煤气味，现在越来越浓", "119"),  # a past that runs on to now
]


@pytest.mark.parametrize("text", NOT_NOW_SECOND_ROUND)
def test_the_second_round_of_rules_keep_these_calm(text: str) -> None:
    assert not detect_urgency(normalize(text), model_probability=0.1).urgent


@pytest.mark.parametrize("text,number", NOW_SECOND_ROUND)
def test_the_emergencies_the_second_round_must_not_hide(text: str, number: str) -> None:
    urgency = detect_urgency(normalize(text), model_probability=0.0)
    assert urgency.urgent and number in urgency.services


# The third round (issue 16 item 6): classes of expression, both sides. Written for these tests.
NOT_NOW_THIRD_ROUND = [
    "高空抛物这么多，迟早砸到人",  # bound to happen some day
    "被困电梯的时候应该怎么做，想教教家里老人",  # what to do when it happens
    "防溺水自救的视频在哪里看",
    "宝宝误吞异物怎么处理，社区有没有急救课",  # a first-aid course makes it a subject
    "那次燃气泄漏以后一直没人回访",  # the past: that occasion
    "琴日条街有间铺着火，今日仲未清理",  # the past, in Cantonese
    "上礼拜有人掉进河里，被人救上来了，河边能不能装个栏杆",  # pulled out
    "早上有个阿伯倒在路边，后来自己站起来走了",  # got up and left
    "同事讲南城有人跳楼，不知道真假",  # its truth doubted
]
NOW_THIRD_ROUND = [
    ("有人掉进河里了，还没救上来", "110"),
    ("阿伯倒在路边起不来，叫他没反应", "120"),
    ("我妈刚刚误吞了一整板药", "120"),
    ("上课的时候同学突然晕倒了", "120"),  # 课 of a class is not a course on first aid
]


def test_a_short_message_naming_no_danger_is_not_urgent_on_the_model_alone() -> None:
    assert not detect_urgency(normalize("有人在加油站打电话"), model_probability=0.85).urgent
    assert not detect_urgency(normalize("hello 在不在"), model_probability=0.85).urgent
    assert detect_urgency(normalize("快来，那边好像出大事了"), model_probability=0.85).urgent  # says it is urgent
    assert detect_urgency(normalize("有人在加油站那边打起来了"), model_probability=0.85).urgent  # names a danger


# Ways of saying an emergency added with the corpus's second batch of rows, both sides.
NOW_NEW_WORDS = [
    ("孩子把一颗花生吸进气管了", "120"),
    ("我爸喝了半瓶洗洁精", "120"),
    ("楼道里有个人挥着刀", "110"),
    ("他淋了一身汽油说要烧我家", "110"),
    ("有个老人掉进鱼塘里了", "110"),
    ("小孩坐在窗外的空调架上", "119"),
    ("一辆货车把一个阿婆撞倒了", "120"),
    ("煤气罐一直嘶嘶响", "119"),
    ("海边有个小孩被浪卷走了", "110"),  # swept away: said with 卷 as often as with 冲
]
NOT_NOW_NEW_WORDS = [
    "风一吹垃圾全掉到河里去了",  # a thing fallen in a river
    "手机掉进水里了，还能修吗",
    "货车把护栏撞倒了，一直没人修",  # a thing hit
    "阳台上晾的被子被大风卷走了",  # a thing swept away
]


@pytest.mark.parametrize("text,number", NOW_NEW_WORDS)
def test_more_ways_of_saying_an_emergency_are_urgent_on_words_alone(text: str, number: str) -> None:
    urgency = detect_urgency(normalize(text), model_probability=0.0)
    assert urgency.urgent and number in urgency.services


@pytest.mark.parametrize("text", NOT_NOW_NEW_WORDS)
def test_a_thing_in_the_water_or_hit_is_no_emergency(text: str) -> None:
    assert not detect_urgency(normalize(text), model_probability=0.1).urgent


# The fourth round (issue 16 item 6), both sides. Written for these tests.
NOT_NOW_FOURTH_ROUND = [
    "这个水库发生过几次溺水事故，能不能装护栏",  # it has happened; an accident as a category
    "路边那根电线掉在地上好几天了，一直没人收",  # a thing's danger lasting days is a hazard to fix
    "厨房有一点煤气味，原来是灶头没关紧，已经关好了",  # the source shut off
    "刚才有点煤气味，开窗以后就没了",  # the smell gone
    "楼上漏水漏到我家电箱，我已经把总闸关了，想找电工",
    "厂里的烟囱冒黑烟，熏得人头晕",  # a chimney's smoke, dizziness from a smell
]
NOW_FOURTH_ROUND = [
    ("电线掉在地上了，还在冒火花", "119"),
    ("厨房煤气味好大，阀门关不上", "119"),
    ("隔壁阿婆倒在家里好几天了，叫她没反应", "120"),  # a person down for days is still an emergency
    ("仓库冒烟了，好大的烟", "119"),
]


# More ways of saying an emergency (fifth round), both sides. Written for these tests.
NOW_FIFTH_ROUND = [
    ("有个男的持菜刀在街上追人", "110"),  # a blade held, any blade
    ("have a look, a man with a knife at the bus stop 东城", "110"),
    ("我爷爷突然说不了话，一边脸歪了", "120"),  # a stroke
    ("宝宝发烧四十度，手脚一直抽动", "120"),  # a febrile seizure
    ("钢筋扎穿了他的脚", "120"),  # impaled
    ("孩子在超市里不见了，找了半个钟", "110"),  # a child named bare is the writer's own
    ("屋顶的铁皮被风吹下来砸到了一个路人", "119"),
]
NOT_NOW_FIFTH_ROUND = [
    "楼上扔垃圾砸到了我家雨棚",  # a thing hit, not a person
    "孩子在学校不见了一支笔，老师也不管",  # a thing missing
    "小孩在商场走丢了一会，广播找到了",  # found
]


@pytest.mark.parametrize("text,number", NOW_FIFTH_ROUND)
def test_the_fifth_round_of_words_flag_these_on_words_alone(text: str, number: str) -> None:
    urgency = detect_urgency(normalize(text), model_probability=0.0)
    assert urgency.urgent and number in urgency.services


@pytest.mark.parametrize("text", NOT_NOW_FIFTH_ROUND)
def test_the_fifth_round_of_words_leave_these_calm(text: str) -> None:
    assert not detect_urgency(normalize(text), model_probability=0.3).urgent


def test_relief_and_a_return_home_end_a_scare() -> None:
    assert not detect_urgency(normalize("吓死我了，楼下的狗冲出来，还好拴着绳"), model_probability=0.68).urgent
    assert not detect_urgency(normalize("孩子在网吧通宵，家长上门找，现在已经回家了"), model_probability=0.68).urgent
    assert detect_urgency(normalize("还好有人在旁边，我爸倒在地上叫不醒"), model_probability=0.3).urgent


# The sixth round (issue 16 item 6), both sides. Written for these tests.
NOT_NOW_SIXTH_ROUND = [
    "the fire alarm in the lobby rings every night for nothing",  # fire naming a device
    "a small fire in our kitchen last week, who pays for the repair",  # the past, in English
    "闻到一股烧焦味，下楼一看是邻居在烧纸，已经烧完了",  # explained once looked at, and over
    "那家网吧有人打架，已经好几次了",  # a habit told
    "水表泡在水里，是不是管子破了",  # a thing soaked, no one in the water
]
NOW_SIXTH_ROUND = [
    ("smoke everywhere in the corridor, we are on the 8th floor", "119"),
    ("下楼一看是厨房着火了，火很大", "119"),  # looked at, and it is a fire
    ("他们又打起来了，已经好几次了，这次有人流血", "110"),  # a habit, but again now
    ("燃气软管裂了，我关了总阀还是有味", "119"),  # shut off, but still there
    ("村口的堤坝被冲开了一个口子", "110"),  # a dyke breached
    ("阳台塌了一半挂着，正下方是人行道", "119"),
]


# The seventh round (issue 16 item 6), both sides. Written for these tests.
NOT_NOW_SEVENTH_ROUND = [
    "最近溺水的新闻好多，村里能不能办游泳班",  # a danger word qualifying news
    "群里有人发了张着火的照片，说是我们楼，其实不是",
    "电视上讲有人冒充查燃气的入室抢劫，大家小心",  # on television
    "消防车刚开过去，不知道哪里着火了",  # not witnessed
    "我家的狗被车撞了，司机跑了",  # a pet hit
    "电视机后面冒烟了，已经拔了插头",  # unplugged
    "有点煤气味，燃气公司来人说是正常的",  # declared normal
    "楼下有人打孩子，很响，现在停了",  # stopped
]
NOW_SEVENTH_ROUND = [
    ("我被车撞了，腿动不了", "120"),
    ("不知道谁家着火了，楼道全是烟", "119"),  # not witnessed, but the smoke is here
    ("插头拔了还在冒烟，火苗窜起来了", "119"),  # unplugged, but still burning
]


# The eighth round (issue 16 item 6), both sides. Written for these tests.
NOW_EIGHTH_ROUND = [
    ("孩子找到了，可是他掉进了工地的坑里，爬不上来", "119"),  # over, but a danger after a "but"
    ("他经常这样，但是今天他拿刀了", "110"),
    ("这不是测试，真的着火了", "119"),  # a test denied
    ("不知道哪家着火了，整个楼道都是黑烟", "119"),  # smoke of any colour
    ("火已经烧到二楼了，消防车还没到", "119"),
    ("燃气公司的人说要赶紧疏散，管道漏得厉害", "119"),  # told to evacuate
]
NOT_NOW_EIGHTH_ROUND = [
    "山上烧荒的火已经灭了，但是满地都是灰",  # a "but" with no danger after it
    "我想测试一下，发着火了会不会转到119",  # a test of the bot
]


# The ninth round (issue 16 item 6), both sides. Written for these tests.
NOT_NOW_NINTH_ROUND = [
    "楼下新开的烧烤店名字叫“着火了”，招牌太亮",  # a quoted danger word is a mention
    "电影里着火的画面太吓人，孩子哭了一晚",  # a film's scene
    "厨师拿刀在门口杀鱼，血水流到路上",  # a knife for food
    "村里有人放火烧荒，烧了一下午",  # burning off a field
    "隔壁老人天天喊救命，家属说是老年痴呆",  # a habit said 天天
    "孩子玩游戏的时候一直喊救命",  # a game
]
NOW_NINTH_ROUND = [
    ("邻居在大喊“着火了”，我们快跑", "119"),  # a quoted shout
    ("有人在叫“救命”，声音好急", "110"),
    ("他拿刀在砍人", "110"),
]


def test_the_present_inside_hearsay_is_still_hearsay() -> None:
    assert not detect_urgency(normalize("听说前面路口刚才出了车祸，有人受伤，现在还堵吗"), model_probability=0.5).urgent
    assert detect_urgency(normalize("听说三栋着火了，现在我们楼道全是烟"), model_probability=0.3).urgent


# Added after the independent set's last run (not measured there), both sides. Written for these tests.
NOW_AFTER_LAST_RUN = [
    ("草堆烧着了，火往仓库那边蔓延", "119"),  # a fire spreading
    ("孩子爬上了窗台，站在空调架上", "119"),
    ("我爸一个人住在老房子，从昨晚到现在电话都打不通", "110"),  # unreachable, told at length
]


@pytest.mark.parametrize("text,number", NOW_AFTER_LAST_RUN)
def test_emergencies_added_after_the_last_run_are_urgent(text: str, number: str) -> None:
    urgency = detect_urgency(normalize(text), model_probability=0.3)
    assert urgency.urgent and number in urgency.services


def test_a_fire_that_stopped_spreading_or_a_sill_with_plants_is_calm() -> None:
    assert not detect_urgency(normalize("上次山火没有蔓延到村里，想谢谢消防员"), model_probability=0.3).urgent
    assert not detect_urgency(normalize("空调架上的花盆没固定，怕掉"), model_probability=0.1).urgent


def test_someone_climbing_a_building_needs_the_model_to_see_a_break_in() -> None:
    assert detect_urgency(normalize("有个人在爬我们楼的水管，已经到四楼了"), model_probability=0.3).urgent
    assert not detect_urgency(normalize("工人在爬水管检修"), model_probability=0.1).urgent


# The tenth round (issue 16 item 6): the causes a blind writer's look-alikes showed (urgent_dev5), both sides.
# Written for these tests, not taken from that set.
NOT_NOW_TENTH_ROUND = [
    "变电箱上贴着小心触电的牌子，可是箱门一直开着",  # a warning sign
    "学校发了防溺水安全告知书，要家长签字交回去",  # the danger's safety as a topic
    "仓库着火之后一直没人清理，烧黑的木板堆在路边",  # what followed a fire
    "我们村都是木头房子，一着火就连成一片",  # whenever it would happen
    "他说要拿刀砍人是吵架时的气话，我想找社区调解一下",  # words said in anger
    "昨晚厨房有煤气味，开窗通了一晚上风，现在没味道了",  # the smell is gone
    "路边那根电线垂下来了，供电所的人都到了，正在修",  # help is there, mending it
    "我想学一下溺水急救怎么做，以防万一",  # learning about it
    "我怕女儿被车撞到，小区门口能不能装个减速带",  # a fear inside the words
    "楼上把花盆摆在栏杆外面，风大的时候晃来晃去",  # a thing outside the railing
    "昨天跟人打架把我鼻子打出血了，对方不肯赔",  # who pays, afterwards
    "有个骗子发短信说我老婆被车撞了要交手术费，我打电话给她，她在上班",  # a scam's story
]
NOW_TENTH_ROUND = [
    ("楼道里全是液化气的味道，越来越浓了", "119"),  # liquefied gas named
    ("仓库着火了，火越烧越大", "119"),
    ("有个小孩爬到阳台栏杆外面了", "119"),  # a person outside the railing
    ("我怕得要死，他拿着刀在砍门", "110"),  # a fear before, the event after
    ("隔壁一直传来煤气味，敲门没人应", "119"),
    ("炒菜的时候锅里着了，火往上窜", "119"),  # a pan on fire
    ("厂里的化学品仓库在冒黑烟，味道好呛", "119"),  # 化学 is no learning (学)
]


# The eleventh round (issue 16 item 6): the causes a second blind writer's look-alikes showed (urgent_dev6, after
# it was measured once as unseen), both sides. Written for these tests, not taken from that set.
NOT_NOW_ELEVENTH_ROUND = [
    "那个持刀伤人的案子是在我们镇发生的吗",  # a case
    "朋友说他们厂里有人被锅炉爆炸烧伤过，我们厂的锅炉也很旧",  # it happened once (…过)
    "刚才的火警铃是误报，物业说是烟感太灵敏",  # a false alarm
    "有个阿婆经常在菜市场门口晕倒，家里人说是低血糖",  # a habit in the word's own clause
    "昨晚看了个讲燃气爆炸的短视频，我家的燃气管用了十几年要不要换",  # a short video
]
NOW_ELEVENTH_ROUND = [
    ("河堤那边冲开了一个缺口，水一直往村里灌", "119"),  # a breach in the dike
    ("他经常喝酒，喝醉了拿着刀在追我", "110"),  # the habit is in another clause
    ("烟感一直在响，厨房里全是火", "119"),
]

# Twelfth round, from a blind writer's look-alikes (urgent_dev7, measured once unseen first: 13 / 250, 57 / 60).
NOT_NOW_TWELFTH_ROUND = [
    "我总担心哪天阳台上那排花盆被风吹下去砸到人",  # a worry about some day, far before the word
    "假如电动车停在楼道里充电着火了，物业要不要负责",  # a supposition
    "要是有人在店门口晕倒了我们店员该怎么处理",
    "邻居群里有人讲三栋燃气漏气，我下楼闻过了冇乜味",  # hearsay in a group chat, and nothing smelt
    "早上有个阿伯在公交站晕倒了，救护车已经拉走了，那里能不能装个遮阳棚",  # taken away by the ambulance
    "电热水器漏电电了我一下，已经拔了插头",  # unplugged
    "楼道的火警钟三天两头乱响，都是假的",  # an alarm bell, all false
    "请问家里着火是打119对吧",  # asking which number
    "电梯困人的救援收不收费",  # a fee
    "我家的猫爬到空调外机上下不来了",  # a pet stuck
    "救命啊，楼上每天半夜拖椅子吵死了",  # a sigh beside a nuisance
    "花盆从阳台掉下去了，还好没砸到人，就是碎了",  # nobody hit
]
NOW_TWELFTH_ROUND = [
    ("后山的泥石流冲下来了，屋里还有老人", "119"),  # a landslide
    ("仓库的货架倒了，下面压着两个工人", "119"),  # people under what fell
    ("一个男的拎着一桶汽油在楼道里泼", "110"),  # carrying petrol
    ("我家的猫把煤气灶的开关碰开了，满屋子煤气味", "119"),  # an animal in the message, a danger to people
    ("救命，楼下着火了，烟好大", "119"),  # a plea with a fire
    ("救命，屋里好热，我妈喘不过气了", "120"),  # heat is no nuisance beside a plea
    ("仓库着火了，里面的货值多少钱都不知道", "119"),  # money named beside a fire is no fee question
]


# Every round's two sides at a probability above which broad words count (0.3): the words decide.
CALM_BY_ROUND = (NOT_NOW_THIRD_ROUND + NOT_NOW_FOURTH_ROUND + NOT_NOW_SIXTH_ROUND + NOT_NOW_SEVENTH_ROUND + NOT_NOW_EIGHTH_ROUND + NOT_NOW_NINTH_ROUND + NOT_NOW_TENTH_ROUND + NOT_NOW_ELEVENTH_ROUND
                 + NOT_NOW_TWELFTH_ROUND)
NOW_BY_ROUND = (NOW_THIRD_ROUND + NOW_FOURTH_ROUND + NOW_SIXTH_ROUND + NOW_SEVENTH_ROUND + NOW_EIGHTH_ROUND + NOW_NINTH_ROUND + NOW_TENTH_ROUND + NOW_ELEVENTH_ROUND
                + NOW_TWELFTH_ROUND)


@pytest.mark.parametrize("text", CALM_BY_ROUND)
def test_each_round_of_rules_keeps_its_look_alikes_calm(text: str) -> None:
    assert not detect_urgency(normalize(text), model_probability=0.3).urgent


@pytest.mark.parametrize("text,number", NOW_BY_ROUND)
def test_the_emergencies_each_round_must_not_hide_stay_urgent(text: str, number: str) -> None:
    urgency = detect_urgency(normalize(text), model_probability=0.3)
    assert urgency.urgent and number in urgency.services
