"""Answers from the knowledge base: retrieval, the threshold, the question test, the base in Redis."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from nlp.classifier import Prediction
from nlp.faq import THRESHOLD, FaqEntry, FaqIndex, is_question, looks_like_question
from nlp.faq_data import FaqDataError, load_faq
from nlp.segment import Segmenter, read_userdict
from nlp.urgency import Urgency

from bot.faq.answers import Answers, FaqChoice, PendingAnswer, typed_choice
from bot.faq.store import FaqRefusal, FaqStore
from bot.intake.faq import answer_question
from tests.conftest import TRAINING_DIR

FAQ = TRAINING_DIR / "faq.yaml"


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter("rjieba", read_userdict(TRAINING_DIR / "userdict.txt"))


@pytest.fixture(scope="module")
def index(segmenter: Segmenter) -> FaqIndex:
    return FaqIndex(load_faq(FAQ), segmenter)


# Asked in words none of the entries' examples use.
QUESTIONS = [
    ("外地来东莞打工想办居住证，要什么条件", "residence_permit_apply"),
    ("灯管是有害垃圾吗", "garbage_sorting"),
    ("我奶奶85岁了，高龄津贴到哪个部门申请", "elderly_allowance"),
    ("出生医学证明拿到了，宝宝落户口去哪里办", "birth_registration"),
    ("身份证弄丢了，补办一张要带什么", "lost_documents"),
    ("公司三个月没发工资了，请问去哪里申请劳动仲裁", "wage_arrears"),
]


@pytest.mark.parametrize(("text", "topic"), QUESTIONS)
def test_a_question_is_answered_by_its_entry(index: FaqIndex, text: str, topic: str) -> None:
    match = index.answer_for(text)
    assert match is not None and match.entry.id == topic, (text, index.best(text))


def test_a_question_told_at_length_may_fall_below_the_threshold_and_stays_a_request(index: FaqIndex) -> None:
    """Known limit: words beyond the topic dilute the similarity, so such a question opens a request."""
    text = "我老公外地户口，在东莞上班两年了，居住证要去哪办"
    best = index.best(text)
    assert best is not None and best.entry.id == "residence_permit_apply" and best.score < THRESHOLD


@pytest.mark.parametrize("text", ["附近哪里有修电脑的店", "东莞今天会不会下雨", "请问你们食堂的饭好吃吗"])
def test_a_question_about_nothing_in_the_base_is_not_answered(index: FaqIndex, text: str) -> None:
    best = index.best(text)
    assert index.answer_for(text) is None and (best is None or best.score < THRESHOLD)


@pytest.mark.parametrize("text", [
    "楼下垃圾分类点臭死了，一直没人清理",
    "电动车在楼道里充电太危险了，怎么没人管？",
    "为什么小区的垃圾分类桶坏了都没人修",
    "居住证窗口的工作人员态度太差了",
])
def test_a_complaint_that_mentions_a_topic_word_is_not_answered(index: FaqIndex, text: str) -> None:
    assert not looks_like_question(text)
    assert index.answer_for(text) is None


def test_the_nature_decides_when_the_model_has_one(index: FaqIndex) -> None:
    text = "低保怎么申请"
    assert index.answer_for(text, "consult") is not None
    assert index.answer_for(text, "complaint") is None and index.answer_for(text, "help") is None
    assert not is_question("低保评审不公平，投诉", "consult")  # a described problem stays a request


def test_the_threshold_is_what_decides(index: FaqIndex) -> None:
    text = "积分入学今年几月报名"
    match = index.best(text)
    assert match is not None and match.entry.id == "school_points"
    assert index.answer_for(text, threshold=match.score) is not None
    assert index.answer_for(text, threshold=match.score + 0.01) is None


def test_an_empty_base_answers_nothing(segmenter: Segmenter) -> None:
    assert FaqIndex([], segmenter).answer_for("居住证怎么办") is None


def test_every_topic_has_an_entry_marked_for_review() -> None:
    entries = load_faq(FAQ)
    assert len(entries) == 36 and len({e.id for e in entries}) == 36
    assert all(not e.reviewed and 6 <= len(e.examples) <= 10 for e in entries)
    assert "reviewed: false" in FAQ.read_text(encoding="utf-8").split("entries:")[0]


def test_a_bad_file_is_refused_naming_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text("entries:\n  - {id: a_b, question: 问, answer: 答}\n  - {id: a_b, question: 问, answer: 答}\n",
                    encoding="utf-8")
    with pytest.raises(FaqDataError, match="the id 'a_b' is used twice"):
        load_faq(path)
    path.write_text("entries:\n  - {id: ok_id, question: 问}\n", encoding="utf-8")
    with pytest.raises(FaqDataError, match="entry 1: id, question and answer must be texts"):
        load_faq(path)


def test_typed_choices() -> None:
    assert typed_choice("已解决。") is FaqChoice.SOLVED and typed_choice("转人工") is FaqChoice.HUMAN
    assert typed_choice("还没解决，路灯还是坏的") is None


async def test_the_base_is_seeded_once_and_edits_reach_the_answers(redis, segmenter: Segmenter) -> None:
    store = FaqStore(redis)
    assert await store.seed(FAQ) == 36 and await store.seed(FAQ) == 0
    now = [0.0]
    answers = Answers(redis, segmenter, clock=lambda: now[0])
    before = await answers.find("社区图书室几点开门？")
    assert before is None or before.entry.id != "library"
    library = FaqEntry("library", "社区图书室几点开门？", "每天9:00–21:00。", ("图书室开到几点", "周末图书室开吗"))
    assert await store.add(library) is None and await store.add(library) is FaqRefusal.EXISTS
    now[0] += 1.5  # the version is looked at again
    found = await answers.find("请问社区图书室周末几点开门")
    assert found is not None and found.entry.id == "library"
    assert await store.edit(replace(library, id="nope")) is FaqRefusal.UNKNOWN
    assert await store.edit(replace(library, answer="")) is FaqRefusal.INVALID
    assert await store.remove("library") is None and await store.remove("library") is FaqRefusal.UNKNOWN


async def test_an_answer_waits_for_the_choice_and_an_urgent_question_is_never_answered(redis, segmenter) -> None:
    await FaqStore(redis).seed(FAQ)
    answers = Answers(redis, segmenter)
    calm = Prediction("welfare", 0.9, [("welfare", 0.9)])
    reply = await answer_question(answers, "web:1", "低保怎么申请？", calm, "req-1", None)
    assert reply is not None and reply.faq is not None and reply.faq.id == "dibao"
    assert await answers.take("web:1") == PendingAnswer("低保怎么申请？", "dibao", pytest.approx(1, abs=1), "req-1")
    assert await answers.take("web:1") is None
    urgent = Prediction("safety", 0.9, [("safety", 0.9)], Urgency(True))
    assert await answer_question(answers, "web:1", "着火了是打119吗？", urgent, "req-2", None) is None
    assert await answer_question(answers, "web:1", "低保怎么申请？", calm, "req-3", "photo.jpg") is None
