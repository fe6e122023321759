"""Segmentation with jieba's dictionary plus the domain words, on both engines."""

import pickle

import pytest

from nlp.segment import Segmenter, read_userdict
from tests.conftest import TRAINING_DIR

DOMAIN_WORDS = read_userdict(TRAINING_DIR / "userdict.txt")


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
def test_domain_words_stay_whole(engine: str) -> None:
    segmenter = Segmenter(engine, DOMAIN_WORDS)  # type: ignore[arg-type]
    words = segmenter.cut("楼道里有人飞线充电，网格员说占道经营也要管，二标四实要落实")
    for term in ("飞线充电", "网格员", "占道经营", "二标四实"):
        assert term in words


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
def test_without_the_user_dictionary_domain_words_are_split(engine: str) -> None:
    assert "飞线充电" not in Segmenter(engine).cut("楼道里有人飞线充电")  # type: ignore[arg-type]


def test_place_names_added_later_stay_whole() -> None:
    segmenter = Segmenter("rjieba", DOMAIN_WORDS)
    assert "旗峰山庄" not in segmenter.cut("旗峰山庄门口路灯坏了")
    segmenter.add_words([("旗峰山庄", None)])
    assert "旗峰山庄" in segmenter.cut("旗峰山庄门口路灯坏了")


def test_segmenter_survives_pickling_with_its_words() -> None:
    segmenter = Segmenter("rjieba", DOMAIN_WORDS)
    segmenter.add_words([("旗峰山庄", None)])
    restored = pickle.loads(pickle.dumps(segmenter))
    assert restored.cut("旗峰山庄有人飞线充电") == segmenter.cut("旗峰山庄有人飞线充电")


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown segmentation engine"):
        Segmenter("thulac")  # type: ignore[arg-type]


def test_userdict_reader_skips_comments_and_blank_lines(tmp_path) -> None:
    path = tmp_path / "dict.txt"
    path.write_text("# comment\n\n网格员 2000 n\n井盖\n", encoding="utf-8")
    assert read_userdict(path) == [("网格员", 2000), ("井盖", None)]
