"""nlp.parts: which messages hold several requests, and which only look as if they did."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.parts import Cut, find_parts, find_parts_many, pieces


@pytest.fixture(scope="module")
def classifier(trained_models: Path):
    from nlp.artifact import load_model

    version = (trained_models / "CURRENT").read_text().strip()
    return load_model(trained_models / version)[0]


def parts_of(classifier, text: str) -> list[tuple[str, str]]:
    return [(p.category, p.text) for p in find_parts(classifier.classify_many, text, classifier.classify(text))]


def test_cues_cut_a_message_where_a_new_matter_may_begin() -> None:
    cut = pieces("1.路口红绿灯不亮了；2.路边有人摆摊。另外楼下好吵，还有垃圾没人收，臭得要命。这个味道太大了。")
    assert [p.cut for p in cut] == [None, Cut.NEW_MATTER, Cut.NEW_MATTER, Cut.ALSO]
    assert [p.core for p in cut][:3] == ["路口红绿灯不亮了；", "路边有人摆摊。", "楼下好吵，"]
    assert cut[3].text.endswith("这个味道太大了。")  # 这个… goes on about the sentence before


def test_a_message_without_cues_is_one_piece() -> None:
    assert len(pieces("楼下的路灯坏了好几天，晚上很黑")) == 1


def test_two_problems_joined_by_haiyou_are_two_parts(classifier) -> None:
    assert parts_of(classifier, "路灯坏了，还有门口垃圾没人收") == [("municipal", "路灯坏了"), ("sanitation", "门口垃圾没人收")]


def test_a_connective_and_a_numbered_list_split(classifier) -> None:
    assert [c for c, _ in parts_of(classifier, "我们小区电梯又坏了，物业一直拖着不修。另外楼下每天晚上有人跳广场舞，"
                                               "音响开得特别大，吵到十一点。")] == ["property", "noise"]
    assert [c for c, _ in parts_of(classifier, "反映两个问题：1.东城路口的红绿灯不亮了，车都乱开；"
                                               "2.路边有人摆摊卖水果，把人行道都占了。")] == ["traffic", "street_order"]


def test_one_problem_told_at_length_stays_one(classifier) -> None:
    text = ("我在一家电子厂上班，做了一年多了，厂里从来没给我们买过社保，合同也没签。上个月我不小心被机器压伤了手，"
            "厂里只给了五百块钱就不管了，医药费都是我自己出的。现在老板还说要辞退我，我该怎么办？")
    assert parts_of(classifier, text) == [("labor", text)]


def test_haiyou_inside_one_problem_stays_one(classifier) -> None:
    text = "楼下垃圾桶已经三天没人收了，还有好多苍蝇蚊子围着转，味道飘到楼上，我们窗户都不敢开。"
    assert len(parts_of(classifier, text)) == 1


def test_two_symptoms_of_one_cause_stay_one(classifier) -> None:
    assert len(parts_of(classifier, "隔壁工地晚上施工，噪音很大，还有灰尘满天飞")) == 1
    assert len(parts_of(classifier, "我们家的水管水压特别小，早上洗澡都出不来水。还有水的颜色有点黄，烧开了底下有一层沉淀。")) == 1


def test_two_matters_of_one_category_stay_one_ticket(classifier) -> None:
    assert len(parts_of(classifier, "路灯坏了，另外路边的井盖也不见了")) == 1


def test_an_urgent_part_keeps_its_urgency(classifier) -> None:
    text = "路口红绿灯坏了。另外，隔壁厨房着火了，火很大，快来人"
    found = find_parts(classifier.classify_many, text, classifier.classify(text))
    assert [(p.category, p.urgent) for p in found] == [("traffic", False), ("safety", True)]


def test_many_messages_at_once_split_as_one_by_one(classifier) -> None:
    texts = ["路灯坏了，还有门口垃圾没人收", "楼下的路灯坏了好几天", "家里停水一整天了。对了，楼下烧烤店油烟直接往我家窗户里灌。"]
    together = find_parts_many(classifier.classify_many, texts, classifier.classify_many(texts))
    assert [[p.category for p in ps] for ps in together] == [
        [p.category for p in find_parts(classifier.classify_many, t, classifier.classify(t))] for t in texts]
    assert [len(ps) for ps in together] == [2, 1, 2]


def test_one_source_with_two_symptoms_stays_one_unless_the_resident_says_another_matter(classifier) -> None:
    assert len(parts_of(classifier, "饭店油烟很大，还有饭店的排风机声音特别吵")) == 1
    assert [c for c, _ in parts_of(classifier, "隔壁KTV每天唱到凌晨三点，吵得孩子没法睡觉。顺便反映一下，"
                                               "KTV门口的车乱停，把路都堵死了。")] == ["noise", "traffic"]


def test_classify_json_lists_the_parts(fresh_data_dir) -> None:
    import json

    from tests.conftest import run_gridbot

    result = run_gridbot(["classify", "--json", "路灯坏了，还有门口垃圾没人收", "楼下的路灯坏了好几天"], fresh_data_dir.path)
    assert result.status == 0, result.err
    two, one = [json.loads(line) for line in result.out.splitlines()]
    assert [(p["category"], p["name"], p["text"]) for p in two["parts"]] == [
        ("municipal", "市政设施", "路灯坏了"), ("sanitation", "环境卫生", "门口垃圾没人收")]
    assert all(set(p) == {"text", "category", "name", "confidence", "urgent"} for p in two["parts"])
    assert one["parts"] == [{"text": "楼下的路灯坏了好几天", "category": one["category"], "name": one["name"],
                             "confidence": one["confidence"], "urgent": one["urgent"]}]


def test_whom_the_resident_already_asked_goes_on_with_the_matter(classifier) -> None:
    from nlp.parts.grouping import _asked_before

    assert _asked_before("我们找过物业，物业说管不了") and _asked_before("跟房东讲过，房东不理")
    assert not _asked_before("跟你们反映一下楼下垃圾没人收") and not _asked_before("向社区申请补贴怎么办")
    text = "早上五点多就有人在小区里面用扩音器卖菜，吵得人睡不着。我们跟保安说了，保安说他们是外面进来的，拦不住。"
    assert len(parts_of(classifier, text)) == 1


def test_another_thing_still_wrong_after_a_comma_is_another_matter(classifier) -> None:
    """"…，祠堂旁边还有人在赌钱": another subject, still at it — a cut as weak as a sentence's end."""
    assert [c for c, _ in parts_of(classifier, "洪梅镇洪屋涡村：停水两天了，村里的祠堂旁边还有人在打麻将赌钱")] == [
        "utilities", "security"]
    cut = pieces("南城那个步行街的两边，晚上摆满了卖小吃的，有的还直接在路中间放桌子凳子")
    assert len(cut) == 1  # 有的还…: some of the same ones, the same matter
    assert len(pieces("楼上那户装修一直敲，他还把垃圾堆在楼道")) == 1  # 他还…: the one before, still


def test_a_list_mark_after_a_space_begins_an_item() -> None:
    cut = pieces("公司无故辞退我，没给任何补偿 2.楼下那家快餐店的饭菜吃了拉肚子")
    assert [p.cut for p in cut] == [None, Cut.NEW_MATTER]
    assert cut[1].core == "楼下那家快餐店的饭菜吃了拉肚子"
    assert len(pieces("这段路只有2.5米宽，货车一过就堵")) == 1  # a number, not a list mark


def test_a_cue_takes_all_its_words() -> None:
    """还有件事情 is one cue: nothing of it is left at the start of the part."""
    cut = pieces("停水了。还有件事情，我老公在物流公司开车出了车祸，公司不给算工伤")
    assert cut[1].cut == Cut.NEW_MATTER and cut[1].core.startswith("我老公")


def test_a_short_opening_is_a_request_when_more_follows(classifier) -> None:
    assert [c for c, _ in parts_of(classifier, "停水了。还有件事情，我老公在物流公司开车出了车祸，公司不给算工伤")] == [
        "utilities", "labor"]


def test_punctuation_alone_begins_nothing() -> None:
    cut = pieces("老板跑路了工资没拿到！！还有我们住的出租屋房东不退押金")
    assert [p.core for p in cut] == ["老板跑路了工资没拿到！！", "我们住的出租屋房东不退押金"]


def test_where_i_live_names_a_place_not_my_situation(classifier) -> None:
    """"我住的那栋楼…" says where the next matter is; "我住在十八楼" is the resident's situation."""
    found = parts_of(classifier, "老板拖欠了我三个月工资。我住的那栋楼一楼有人开了个小作坊，用煤气罐，很吓人")
    assert [c for c, _ in found] == ["labor", "safety"]
    assert len(parts_of(classifier, "电梯坏了一个星期了。我住在十八楼，每天爬楼梯腿都软了")) == 1


def test_a_list_mark_or_a_cue_alone_begins_the_clause_after_it() -> None:
    for text, second in [("常平镇火车站附近有人贴小广告 2. 那边的公共厕所很久没人打扫", "那边的公共厕所很久没人打扫"),
                         ("路边乱停车把人行道都占满了 另外 垃圾站旁边的公厕一直锁着门", "垃圾站旁边的公厕一直锁着门")]:
        cut = pieces(text)
        assert [p.cut for p in cut] == [None, Cut.NEW_MATTER] and cut[1].core == second


def test_more_about_each_matter_after_both_were_told_joins_its_matter(classifier) -> None:
    """"A。另外B。A的事…": the later sentence goes back to A, and the message is still two requests."""
    found = parts_of(classifier, "厂里拖欠我两个月工资了，老板一直推。另外宿舍楼下的烧烤摊每天吵到凌晨两点，根本睡不着。"
                                 "工资的事我们找过劳动站，说让我们再等等。")
    assert found == [("labor", "厂里拖欠我两个月工资了，老板一直推。工资的事我们找过劳动站，说让我们再等等。"),
                     ("noise", "宿舍楼下的烧烤摊每天吵到凌晨两点，根本睡不着。")]


def test_a_question_that_goes_back_to_the_matter_after_an_aside_stays_one(classifier) -> None:
    """"A。另外（an aside）。A again" without naming the matter: the aside is the resident's situation."""
    text = "我想问一下低保怎么申请。我老公前年走了，我一个人带孩子，没有工作。另外我们住的房子是租的，一个月一千二。请问我这种情况能不能申请低保？"
    assert len(parts_of(classifier, text)) == 1


def test_pointing_at_the_place_where_someone_else_does_something_is_a_new_matter(classifier) -> None:
    """"还有这条街晚上有人…" points at a place only; "还有这些货车…" points back at the matter itself."""
    assert [c for c, _ in parts_of(classifier, "我家楼下的烧烤店油烟很大，熏得衣服都是味。还有这条街晚上有人偷电动车电瓶，"
                                               "好几户都被偷了")] == ["environment", "security"]
    assert len(parts_of(classifier, "小区门口每天都有大货车违停，把出入口都堵住了。还有这些货车半夜还开着发动机，轰隆隆的")) == 1


def test_sometimes_once_and_others_say_are_no_cue() -> None:
    """还有时候 (sometimes also), 还有一次 (once), 也有人说 (others say) tell more of the same matter."""
    for text in ["隔壁饭店的油烟直接往我家窗户排，还有时候半夜还在炒菜", "河里漂着垃圾，还有一次看到死鱼",
                 "村里有人说要先报镇里批，也有人说直接建就行"]:
        assert len(pieces(text)) == 1
    assert [p.cut for p in pieces("路灯坏了，还有门口垃圾没人收")] == [None, Cut.ALSO]


def test_who_already_came_or_was_told_is_the_history_of_the_matter(classifier) -> None:
    """城管来过…, 去年物业发过通知…, 我们和物业交涉多次, 跟她们说…: what was done about the matter before."""
    from nlp.parts.grouping import _asked_before

    for history in ["城管来过，来了就跑", "去年物业发过通知，但没人理", "我们和物业交涉多次，物业说不敢管", "跟她们说让一下，她们还骂人",
                    "我回去找摊主，他不承认还骂人", "我上门跟他们家工人讲，工人说是老板让干的"]:
        assert _asked_before(history)
    assert not _asked_before("物业把绿化带改成了停车位") and not _asked_before("跟你们反映一下路灯坏了")
    text = ("这条街的夜宵摊越来越多，桌子摆到马路中间，车都开不过去。城管来过两次，来了就收，走了又摆。"
            "我们住在这条街上，每天晚上回家都要绕路。")
    assert len(parts_of(classifier, text)) == 1
    assert [c for c, _ in parts_of(classifier, "小区电梯坏了一个星期没人修。另外我们村的河涌有人偷排污水，"
                                               "城管来过也没用")] == ["property", "environment"]


def test_a_consequence_a_same_subject_tongshi_and_the_main_point_go_on_with_the_matter() -> None:
    """吵得人睡不着 is what the matter does; 同时在门口… has no subject of its own; "…我就不说了，问题是…" is the point."""
    assert len(pieces("小区的烟感报警器一直滴滴响，物业说是电池没电了，这个要自己换还是谁换啊？吵得人睡不着")) == 1
    assert len(pieces("店员在人行道上摆打包台，同时在门口停十几辆电动车")) == 1
    assert len(pieces("开业放音乐我就不说了，问题是他们在人行道上搭了个舞台")) == 1
    assert [p.cut for p in pieces("有一个问题和一个建议。问题是电费多收了；建议是多办体检")] == [None, Cut.NEW_MATTER, Cut.NEW_MATTER]
    assert [p.cut for p in pieces("路灯坏了，同时门口的垃圾也没人收")] == [None, Cut.ALSO]


def test_the_first_part_needs_less_confidence_than_a_part_after_a_sentence_end() -> None:
    """The part after a sentence's end must show a new matter (0.9); the opening part only needs to be one (0.85)."""
    from nlp.classifier import Prediction
    from nlp.parts.grouping import Part, _joined_weak

    def part(text: str, category: str, confidence: float) -> Part:
        return Part(text, Prediction(category, confidence, [(category, confidence)]))

    opening_less_sure = [part("孩子想转学回老家，要办什么手续？", "welfare", 0.85), part("楼下维修店几十辆电动车在充电。", "safety", 0.99)]
    kept, _ = _joined_weak(opening_less_sure, [Cut.NEW_MATTER, Cut.SENTENCE], [0.85, 0.99])
    assert [p.category for p in kept] == ["welfare", "safety"]
    second_less_sure = [opening_less_sure[1], part("孩子想转学回老家，要办什么手续？", "welfare", 0.85)]
    kept, _ = _joined_weak(second_less_sure, [Cut.NEW_MATTER, Cut.SENTENCE], [0.99, 0.85])
    assert [p.category for p in kept] == ["safety"]
    unsure = [part("孩子想转学回老家，要办什么手续？", "welfare", 0.7), opening_less_sure[1]]
    assert [p.category for p in _joined_weak(unsure, [Cut.NEW_MATTER, Cut.SENTENCE], [0.7, 0.99])[0]] == ["safety"]
    # a piece of the part stood alone at 0.97: what joined it (less sure of itself) does not make the part weak
    assert [p.category for p in _joined_weak(unsure, [Cut.NEW_MATTER, Cut.SENTENCE], [0.97, 0.99])[0]] == [
        "welfare", "safety"]


def test_someone_at_another_place_after_a_comma_may_begin_a_matter(classifier) -> None:
    """"…，旁边那家塑料厂晚上偷排废水": another place's own doer, a cut as weak as a sentence's end."""
    assert [c for c, _ in parts_of(classifier, "我们村有人在农田里盖了三层楼，旁边那家塑料厂晚上偷排废水，整条河都臭了")] == [
        "construction", "environment"]
    assert len(pieces("隔壁工地晚上十二点还在打桩，附近居民晚上都睡不好")) == 1  # the neighbours who suffer it
    assert len(parts_of(classifier, "楼上那户装修天天敲墙，楼下那家的天花板都震裂了")) == 1


def test_someones_manner_after_another_matter_cue_is_a_complaint_of_its_own(classifier) -> None:
    """"另外物业保安态度很差" opens a complaint about the guards; after a sentence's end it is how the matter was met."""
    assert [c for c, _ in parts_of(classifier, "家里停水两天了，自来水公司也不说什么时候来。另外物业保安态度很差，还骂业主")] == [
        "utilities", "property"]
    assert len(parts_of(classifier, "家里停水两天了。物业保安态度很差，问一句就骂人")) == 1


def test_someone_else_or_something_else_at_the_place_after_a_sentence_end_is_a_new_matter(classifier) -> None:
    """"。而且有人…" brings in someone else; "。该小区还存在…问题" points at the place only."""
    assert [c for c, _ in parts_of(classifier, "小区的路灯坏了一个月。而且有人晚上在小区里偷电动车")] == ["municipal", "security"]
    from nlp.parts.cues import SOMEONE_THERE
    assert SOMEONE_THERE.match("该小区还存在电动车在楼道充电的问题。")  # points at the place only: not back
    assert len(parts_of(classifier, "村口的垃圾站三天没人清了，臭得要命。而且有人还把死鸡死鸭扔在旁边")) == 1


def test_the_same_person_after_another_matter_cue_is_more_of_the_matter(classifier) -> None:
    """"另外他们家…" goes on about the household the message is about; "另外，她家门口…" is a place."""
    text = "我们村有户人家在宅基地上盖到了六层，挡住了我家的采光。另外他们家盖楼的时候把我家的墙震裂了好几条缝。"
    assert len(parts_of(classifier, text)) == 1
    assert [c for c, _ in parts_of(classifier, "我们楼有个独居阿婆，八十多了，没人照顾，能不能帮她申请补助？"
                                               "另外，她家门口的下水道堵了，污水都流到路上了。")] == ["welfare", "municipal"]


def test_another_matter_cue_before_more_of_the_same_doing_is_no_cue() -> None:
    """"另外还要交一笔开户费": the same subject does more of the same; "另外还有…" still opens another matter."""
    assert len(pieces("燃气开户要带房产证和身份证，另外还要交一笔开户费")) == 1
    assert [p.cut for p in pieces("燃气管道被挖断了。另外还有物业保安态度很差")] == [None, Cut.NEW_MATTER]
    assert [p.cut for p in pieces("路灯坏了。另外还想反映一下垃圾没人收")] == [None, Cut.NEW_MATTER]


def test_items_listed_after_the_residents_demands_are_one_matter() -> None:
    """"诉求：一是…；二是…" lists what the resident asks for the matter told; "反映两个问题：1.…2.…" lists matters."""
    text = "市民来电反映：某公园垃圾桶太少，垃圾遍地都是。诉求：一是增设垃圾桶；二是节假日增加保洁人员；三是定时清理池塘。"
    assert [p.core[:3] for p in pieces(text)] == ["市民来", "诉求："]  # the sentence's end may cut; the items do not
    assert [p.cut for p in pieces("反映两个问题：1.路口红绿灯不亮了；2.路边有人摆摊")] == [None, Cut.NEW_MATTER]


def test_a_piece_that_only_says_where_is_no_request(classifier) -> None:
    """"…这个要到什么时候？大朗镇求富路村": the place of the matter, not a second one."""
    from nlp.parts.cues import ONLY_PLACE

    assert all(ONLY_PLACE.match(t) for t in ["大朗镇求富路村", "人民医院南门。", "在麻涌镇新基村"])
    assert not any(ONLY_PLACE.match(t) for t in ["垃圾站旁边的公厕一直锁着门", "楼下没人管路口", "虎门大道地下通道"])
    assert len(parts_of(classifier, "我们村停水三天了，一直说在抢修，家里老人天天去邻居家挑水，这个要到什么时候？大朗镇求富路村")) == 1


def test_history_and_situation_in_traditional_characters_or_other_words_go_on_with_the_matter() -> None:
    """The rules read simplified characters (我們談過很多次 is 我们谈过很多次); 讲过三次, 我们这是老小区 too."""
    from nlp.classifier import Prediction
    from nlp.parts.cutting import Piece
    from nlp.parts.grouping import _stands_alone

    sure = Prediction("labor", 0.99, [("labor", 0.99)])
    for text in ["我們談過很多次，老闆說做生意沒辦法。", "我上去好声好气讲过三次，他们就是不改", "我们这是老小区，没有物业，只能找你们了。"]:
        assert not _stands_alone(Piece(text, text, Cut.SENTENCE), sure)
    assert _stands_alone(Piece("公司拖欠我们三个月工资", "公司拖欠我们三个月工资", Cut.SENTENCE), sure)


def test_a_continuing_conjunction_keeps_its_subject_even_before_ye() -> None:
    """"…可以收费吗？而且里面也不干净": 而且 goes on with the same place; "…，门口的垃圾也没人收" is another subject."""
    assert len(pieces("厕所门口站着一个人收钱，请问公共厕所可以收费吗？而且里面也不干净")) == 1
    assert [p.cut for p in pieces("路灯坏了好几天，门口的垃圾也没人收")] == [None, Cut.SENTENCE]


def test_another_subject_on_a_numbered_floor_or_wrong_for_days_is_another_matter() -> None:
    """"…，一楼的商铺还把货摆到人行道上" (一楼 names a floor, not 一直 or 一次) and "…，电梯也三天没修好" begin
    another matter as a sentence's end does; "说了一次也不改" still goes on."""
    assert [p.cut for p in pieces("楼上租户半夜开音响蹦迪，一楼的商铺还把货摆到门外人行道上。")] == [None, Cut.SENTENCE]
    assert [p.cut for p in pieces("家里的水压太小了，物业管的电梯也三天没修好")] == [None, Cut.SENTENCE]
    assert len(pieces("隔壁装修天天敲，跟他说了一次也不改")) == 1
    assert len(pieces("楼下的垃圾没人收，味道一直也没散")) == 1


def test_the_management_doing_something_of_its_own_does_not_point_back() -> None:
    """物业也不管 / 物业说… go on with the matter before; 物业把绿化带改成停车位, 物业管的电梯, 物业费 are matters of their own."""
    from nlp.parts.grouping import _points_back

    assert _points_back("物业也不管") and _points_back("物业说不归他们管") and _points_back("这些货车天天停在这里")
    assert not _points_back("物业把绿化带改成了停车位") and not _points_back("物业管的电梯也三天没修好")
    assert not _points_back("物业费又说要涨价了")


def test_a_short_whole_sentence_after_haiyou_is_a_matter_but_a_short_symptom_after_a_comma_is_not() -> None:
    """"…希望尽快处理。还有电梯坏了。" tells a second matter in four letters; "…，还有灰尘满天飞" is a symptom."""
    from nlp.classifier import Prediction
    from nlp.parts.grouping import _stands_alone

    after_stop, after_comma = pieces("绿化带里的死狗发臭了，希望尽快派人来处理一下。还有电梯坏了。"), pieces("隔壁工地晚上施工，还有灰尘满天飞")
    assert after_stop[1].after_stop and not after_comma[1].after_stop
    assert _stands_alone(after_stop[1], Prediction("property", 0.99, [("property", 0.99)]))
    assert not _stands_alone(after_comma[1], Prediction("environment", 0.99, [("environment", 0.99)]))



def test_an_unsure_matter_stands_beside_a_clear_one_after_a_sentence_end() -> None:
    """"健身房突然关门了…！有人在河里游泳": one part unsure which category (0.6), the other all but certain of one
    the unsure one gives none of — two matters, in either order. Not after a comma's new subject, nor when either
    side shares the other's category."""
    from nlp.classifier import Prediction
    from nlp.parts.grouping import Part, _clear_after_sure, _clear_pair, _joined_weak

    unsure = Part("健身房突然关门了，老板微信也拉黑了！", Prediction("market", 0.6, [("market", 0.6), ("labor", 0.35)]))
    sure = Part("有人在河里游泳", Prediction("environment", 0.98, [("environment", 0.98), ("safety", 0.02)]))
    after_stop = pieces("健身房突然关门了，老板微信也拉黑了！有人在河里游泳")[1]
    assert _clear_pair([unsure, sure], [0.6, 0.98], after_stop) and _clear_pair([sure, unsure], [0.98, 0.6], after_stop)
    kept, _ = _joined_weak([unsure, sure], [Cut.NEW_MATTER, Cut.SENTENCE], [0.6, 0.98], None, clear_pair=True)
    assert [p.category for p in kept] == ["market", "environment"]
    assert [p.category for p in _joined_weak([unsure, sure], [Cut.NEW_MATTER, Cut.SENTENCE], [0.6, 0.98])[0]] == ["environment"]
    after_comma = pieces("已经报了120了，人已经送走了，现在就是两台车还在路中间")[-1]
    assert after_comma.cut == Cut.SENTENCE and not _clear_pair([unsure, sure], [0.6, 0.98], after_comma)
    shares = Part("有人在河里游泳", Prediction("environment", 0.98, [("environment", 0.98), ("market", 0.01)]))
    assert not _clear_pair([unsure, shares], [0.6, 0.98], after_stop)
    # a question after a bare sentence's end asks about the matter just told; after a cue it may be another
    situation = Part("小孩放暑假没人看，天天去河边玩水很危险。", Prediction("safety", 0.72, [("safety", 0.72), ("other", 0.15)]))
    question = Part("社区有没有暑期托管班？", Prediction("welfare", 0.99, [("welfare", 0.99)]))
    asked = pieces("小孩放暑假没人看，天天去河边玩水很危险。社区有没有暑期托管班？")[1]
    assert not _clear_pair([situation, question], [0.72, 0.99], asked)
    asked_after_cue = pieces("小孩放暑假没人看，天天去河边玩水很危险。顺便问一下，社区有没有暑期托管班？")[1]
    assert _clear_pair([situation, question], [0.72, 0.99], asked_after_cue)
    assert not _clear_pair([unsure, sure], [0.5, 0.98], after_stop) and not _clear_pair([unsure, sure], [0.6, 0.9], after_stop)
    # grouping: a sure first piece and a less sure second (after a sentence's end) become two candidate parts
    two = pieces("有人在河里游泳，很危险。健身房突然关门了，老板微信也拉黑了！")
    predictions = [sure.prediction, unsure.prediction]
    assert _clear_after_sure(two, predictions, [True, False]) == [[two[0]], [two[1]]]
    assert _clear_after_sure(two, [sure.prediction, shares.prediction], [True, False]) is None


def test_a_piece_that_gives_the_address_is_no_request() -> None:
    """"…要不要叫开锁的？地址是东城堑头村新围路那栋六层的白色楼": where, however long, never a matter of its own."""
    from nlp.parts.grouping import _only_place

    assert _only_place("地址是东城堑头村新围路那栋六层的白色楼") and _only_place("具体位置：南城胜和路口。")
    assert not _only_place("地址是错的，快递一直送不到，物业也不管") and not _only_place("位置太偏了公交车一个小时才来一班")
    assert not _only_place("地址是对的快递就是送不到")


def test_a_place_beside_the_one_before_is_not_pointing_back() -> None:
    """"…。该加油站旁的路口…" / "那家店对面的…" point at another place near it (a new matter may begin there);
    "这家店的…" and "该厂工人…" still point back at the one before."""
    assert [p.cut for p in pieces("有人在加油站附近摆卖散装汽油。该加油站旁的路口交通标志被树枝遮挡。")] == [None, Cut.SENTENCE]
    assert [p.cut for p in pieces("那家店天天用喇叭叫卖。那家店对面的工地晚上也在施工。")] == [None, Cut.SENTENCE]
    assert len(pieces("那家店天天用喇叭叫卖。这家店的老板还很凶。")) == 1
    assert len(pieces("家具厂喷漆的气味很刺鼻。该厂工人反映长期加班。")) == 1


def test_another_thing_at_the_place_pointed_at_is_a_new_matter_and_an_announcement_is_no_request() -> None:
    """"…。还有那条路上有辆破面包车停了半年" points at the place where something else is (not back at the matter);
    "我想反映东城那边一个很久的老问题。" only announces the matter that follows."""
    from nlp.classifier import Prediction
    from nlp.parts.grouping import _points_back, _stands_alone

    assert not _points_back("那条路上有辆破面包车停了半年没动过") and not _points_back("那边有个小广场每天晚上很多人跳舞")
    assert _points_back("那辆车停了半年没动过") and _points_back("这个问题一直没人管")
    sure = Prediction("municipal", 0.99, [("municipal", 0.99)])
    announcement = pieces("我想反映东城下桥那边一个很久的老问题。那边有个小广场每天晚上很多人跳舞")[0]
    assert not _stands_alone(announcement, sure)
    assert _stands_alone(pieces("我想反映东城下桥那边的路灯坏了。那边有个小广场每天晚上很多人跳舞")[0], sure)


def test_someone_announcing_a_demand_of_their_own_is_not_only_an_answer() -> None:
    """"房东又说要提前收回房子" / "物业说要换电梯要我们再交钱": a new demand, not how someone answered the matter
    before ("物业说不归他们管", "房东说他也没办法" still are)."""
    from nlp.parts.cutting import Cut as C
    from nlp.parts.grouping import _only_reaction

    assert not _only_reaction("房东又说要提前收回房子，只给我三天搬走", C.SENTENCE)
    assert not _only_reaction("物业说要换电梯要我们再交钱", C.NEW_MATTER)
    assert _only_reaction("物业说不归他们管", C.SENTENCE) and _only_reaction("房东说他也没办法。", C.SENTENCE)


def test_another_thing_also_broken_after_a_comma_is_another_matter() -> None:
    """"…，天桥的扶手也锈断了一截": another thing also broken (锈, 断, 裂, 塌, 松…) begins a matter as 也坏 does."""
    assert [p.cut for p in pieces("天桥上有人摆摊卖手机壳，走都走不过去，天桥的扶手也锈断了一截")][-1] == Cut.SENTENCE
    assert len(pieces("天桥上有人摆摊卖手机壳，说了好几次也不走")) == 1


def test_a_circled_number_btw_and_tongmai_begin_an_item_however_written() -> None:
    """"①…②…" with nothing between the items, a chat's "btw", and Cantonese 同埋 (and also) cut as list marks and
    connectives do."""
    assert [p.core for p in pieces("①桥底的路灯不亮②村口有人偷倒建筑垃圾")] == ["桥底的路灯不亮", "村口有人偷倒建筑垃圾"]
    assert [p.cut for p in pieces("水费单比上个月贵了一倍 btw 楼下的快递柜坏了")] == [None, Cut.NEW_MATTER]
    assert [p.cut for p in pieces("街口啲垃圾桶满咗，同埋公园个秋千断咗")] == [None, Cut.ALSO]
    assert len(pieces("我同埋我老公都系喺呢度做嘢")) == 1  # 同埋 inside a clause: "and"


def test_then_opens_another_matter_only_before_another_place() -> None:
    """"…。然后楼下那家店每天…" tells the next thing (another place's doer); "…。然后物业说…" what followed."""
    assert [p.cut for p in pieces("小区门口的井盖不见了。然后楼下那家快餐店每天把泔水倒进雨水井")] == [None, Cut.SENTENCE]
    assert len(pieces("小区门口的井盖不见了。然后物业说不归他们管")) == 1
    assert len(pieces("楼上漏水到我家。然后我就上去敲门")) == 1


def test_a_town_or_a_greeting_alone_at_the_start_is_no_piece() -> None:
    """"万江 我们巷子的下水道…": the town named first opens the message's first piece, not a piece of its own."""
    assert len(pieces("万江 我们巷子的下水道天天堵")) == 1
    assert len(pieces("你好，厚街镇新围村，路边的垃圾没人收")) == 1
    assert [p.cut for p in pieces("停水了。还有电梯也坏了")] == [None, Cut.ALSO]  # a short request still is one


def test_a_confident_matter_at_the_place_or_person_pointed_at_stands_alone() -> None:
    """"…。那条巷子的井盖也…" or "另外她的低保…" point at a place or person told before; when the piece is all but
    certainly another category, it is another matter there. Pointing at the thing (这些车…), its doers (他们…) or the
    management (物业…) still goes on about the matter."""
    from nlp.classifier import Prediction
    from nlp.parts.grouping import _stands_alone

    sure = Prediction("welfare", 0.995, [("welfare", 0.995)])
    unsure = Prediction("welfare", 0.9, [("welfare", 0.9)])
    after_another = pieces("我爸的腿摔伤了在家躺着，另外他的残疾证到期了要怎么换")[1]
    assert _stands_alone(after_another, sure) and not _stands_alone(after_another, unsure)
    from nlp.parts.grouping import _another_matter_there

    assert _another_matter_there("那家店门口的路面塌了一块还没修", sure)
    assert not _another_matter_there("那家店门口的路面塌了一块还没修", unsure)
    for text in ("这些车天天停在门口不走", "他们收摊以后垃圾扔一地", "物业的保安也不管"):
        assert not _another_matter_there(text, sure)


def test_a_shop_named_only_as_a_landmark_is_not_the_same_source() -> None:
    """"药店对面的巷子…" names the shop to say where something else is: not a second complaint of the same shop."""
    from nlp.parts import same_source

    assert not same_source("那家药店卖过期的药", "药店对面的巷子晚上有人赌博")
    assert not same_source("公司要裁员不给补偿", "公司隔离间化工厂成日有股怪味")  # 隔离: Cantonese "next door"
    assert not same_source("那家药店卖过期的药", "药店门口的消防通道被摩托车堵了")
    assert not same_source("麻将馆天天打到三点", "麻将馆外面还停了一排电动车在充电")
    assert same_source("那家药店卖过期的药", "药店的老板还骂人")


def test_the_danger_of_the_whole_message_goes_to_its_part_when_the_cut_parted_its_words() -> None:
    """The whole message is urgent but neither part alone names the danger: the part of the whole's category keeps
    the urgency (and its emergency numbers), so the danger is neither lost nor the two matters merged."""
    from nlp.classifier import Prediction
    from nlp.parts.grouping import Part, _kept_danger
    from nlp.urgency import detect_urgency

    whole = Prediction("safety", 0.9, [("safety", 0.9)], detect_urgency("外墙的砖正往下掉，下面有人"))
    parts = [Part("外墙的砖正往下掉", Prediction("safety", 0.99, [])), Part("楼顶有人在加盖", Prediction("construction", 0.99, []))]
    kept = _kept_danger(parts, whole)
    assert [p.urgent for p in kept] == [True, False] and kept[0].prediction.urgency == whole.urgency


def test_a_place_near_a_landmark_or_someone_newly_introduced_after_a_comma_may_begin_a_matter() -> None:
    """"…，公园门口天天有人摆摊" (a place near a landmark, its doer), "…，有个卖菜的天天把摊摆到路中间" (someone newly
    introduced, doing something): as weak a cut as a sentence's end, for the classifier to judge. "…，有个老人说…",
    "…，有一次…" and a neighbour of the matter who suffers from it go on with it."""
    assert [p.cut for p in pieces("村道上烂了个大坑，公园门口天天有人摆摊卖气球")] == [None, Cut.SENTENCE]
    assert [p.cut for p in pieces("村道上烂了个大坑，有个卖菜的天天把摊摆到路中间")] == [None, Cut.SENTENCE]
    assert len(pieces("村道上烂了个大坑，有个人说上个月就报过了")) == 1
    assert len(pieces("村道上烂了个大坑，学校门口的家长都很担心")) == 1


def test_after_a_connective_an_unsure_matter_stands_beside_a_certain_one() -> None:
    """"…养老金少了两百多。还有楼下空地被人摆摊…": after 。还有 / 另外 the resident said another matter follows, so the
    unsure first part needs less than after a bare sentence's end, as long as neither gives the other's category more
    than a trace."""
    from nlp.classifier import Prediction
    from nlp.parts.grouping import CLEAR_UNSURE, CUE_UNSURE, Part, _clear_pair

    unsure = Part("我的养老金到账金额不对，少了两百多。", Prediction("welfare", 0.5, [("welfare", 0.5), ("labor", 0.3)]))
    sure = Part("楼下空地一直被人摆摊，很乱。", Prediction("street_order", 1.0, [("street_order", 1.0)]))
    assert CUE_UNSURE < 0.5 < CLEAR_UNSURE
    cued = pieces("我的养老金到账金额不对，少了两百多。还有楼下空地一直被人摆摊，很乱。")
    bare = pieces("我的养老金到账金额不对，少了两百多。楼下空地一直被人摆摊，很乱。")
    assert _clear_pair([unsure, sure], [0.5, 1.0], cued[-1])
    assert not _clear_pair([unsure, sure], [0.5, 1.0], bare[-1])


def test_another_thing_there_done_to_or_doing_also_may_begin_a_matter() -> None:
    """"…，路口旁边的人行道被人挖了个坑" (a thing at another place, something done to it), "…，工地的泥头车也把泥撒得满路"
    (another subject also doing), "…，然后村口那根电线被风刮断了" (然后 before another place): cuts for the classifier."""
    assert [p.cut for p in pieces("十字路口的红绿灯坏了，路口旁边的人行道被人挖了个坑")] == [None, Cut.SENTENCE]
    assert [p.cut for p in pieces("工地半夜还在打桩，工地的泥头车也把泥撒得满路都是")] == [None, Cut.SENTENCE]
    assert [p.cut for p in pieces("电镀厂的废水排到田里，然后村口那根电线被风刮断了")] == [None, Cut.SENTENCE]
    assert len(pieces("电镀厂的废水排到田里，然后田里的菜都黄了")) == 1
    assert len(pieces("村委说报给了镇里，路灯所来看了说要重新拉线，然后就再也没来过。")) == 1
