"""The shipped corpus: size, balance, urgency, lengths, near-duplicates and cross-validated quality."""

from collections import Counter

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from nlp.classifier import TextClassifier
from nlp.metrics import evaluate
from nlp.segment import read_userdict
from nlp.similarity import near_duplicate_pairs
from nlp.taxonomy import load_taxonomy
from tests.conftest import TRAINING_DIR


def test_corpus_covers_every_category_of_the_taxonomy(corpus_rows: list[dict[str, str]]) -> None:
    taxonomy = load_taxonomy(TRAINING_DIR / "categories.yaml")
    assert len(taxonomy.codes) == 16
    counts = Counter(row["label"] for row in corpus_rows)
    assert set(counts) == set(taxonomy.codes)
    assert len(corpus_rows) >= 4800
    for code in taxonomy.codes:
        assert counts[code] >= (150 if code == "other" else 250), code


def test_corpus_has_enough_urgent_messages_and_look_alikes(corpus_rows: list[dict[str, str]]) -> None:
    assert {row["urgent"] for row in corpus_rows} == {"0", "1"}
    assert sum(row["urgent"] == "1" for row in corpus_rows) >= 300
    look_alike_words = ("消防", "燃气", "煤气", "着火", "偷", "打架", "火灾", "电梯")
    look_alikes = [r for r in corpus_rows if r["urgent"] == "0" and any(w in r["text"] for w in look_alike_words)]
    assert len(look_alikes) >= 300


def test_message_lengths_are_between_5_and_300(corpus_rows: list[dict[str, str]]) -> None:
    lengths = [len(row["text"]) for row in corpus_rows]
    assert min(lengths) >= 5 and max(lengths) <= 300
    assert sum(n < 15 for n in lengths) > 200 and sum(n > 100 for n in lengths) > 200


def test_fewer_than_2_percent_have_a_near_twin(corpus_rows: list[dict[str, str]]) -> None:
    texts = [row["text"] for row in corpus_rows]
    with_twin = {i for i, j, _ in near_duplicate_pairs(texts, n=5, threshold=0.7) for i in (i, j)}
    assert len(with_twin) / len(texts) <= 0.02


def test_near_duplicate_finder_finds_a_planted_twin() -> None:
    texts = ["东城主山社区的路灯坏了好几天了晚上很黑", "东城主山社区的路灯坏了好几天了晚上很黑啊", "楼上装修太吵"]
    assert [(i, j) for i, j, _ in near_duplicate_pairs(texts)] == [(0, 1)]


def test_userdict_holds_the_domain_words() -> None:
    words = {word for word, _ in read_userdict(TRAINING_DIR / "userdict.txt")}
    assert {"网格员", "占道经营", "飞线充电", "二标四实", "井盖"} <= words


@pytest.mark.slow
def test_five_fold_cross_validated_macro_f1(corpus_rows: list[dict[str, str]]) -> None:
    texts = np.array([row["text"] for row in corpus_rows], dtype=object)
    labels = np.array([row["label"] for row in corpus_rows])
    words = read_userdict(TRAINING_DIR / "userdict.txt")
    scores = []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        model = TextClassifier.train(list(texts[train]), list(labels[train]), user_words=words)
        scores.append(evaluate(list(labels[test]), model.predict(list(texts[test])))["macro_f1"])
    print(f"5-fold macro-F1: {np.mean(scores):.4f} ± {np.std(scores):.4f}")
    assert np.mean(scores) >= 0.85
