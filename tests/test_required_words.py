"""The words a pattern needs (nlp.required_words) and the gates built on them (nlp.quick_regex): a gated
pattern finds exactly what the plain one finds, on random texts and on every message of the corpus."""

from __future__ import annotations

import csv
import random
import re

import pytest

from nlp import urgency
from nlp.normalize import normalize
from nlp.quick_regex import Prefiltered, WordGate, prefiltered, quick
from nlp.required_words import alternatives
from tests.conftest import CORPUS


def _as_sets(found: list[list[frozenset[str]]] | None) -> list[set[frozenset[str]]] | None:
    return None if found is None else [set(sets) for sets in found]


def test_each_alternative_needs_one_word_of_each_of_its_sets() -> None:
    found = _as_sets(alternatives(r"着火|(煤气|燃气)[^，。]{0,4}(泄漏|漏了)"))
    assert found == [{frozenset({"着火"})}, {frozenset({"煤气", "燃气"}), frozenset({"泄漏", "漏了"})}]


def test_exact_stretches_are_spelled_out_and_optional_parts_kept_apart() -> None:
    spelled = {a + "人" + b + end for a in "有个" for b in "晕倒" for end in ("", "了")}
    assert _as_sets(alternatives(r"(有|个)人(晕|倒)了?")) == [{frozenset(spelled)}]
    assert _as_sets(alternatives(r"(?<!不)救命")) == [{frozenset({"救命"})}]  # a lookbehind needs nothing


def test_a_pattern_with_an_alternative_that_needs_nothing_has_no_needs() -> None:
    assert alternatives(r"着火|.{2}") is None
    assert alternatives(r"[^，。]+") is None
    assert alternatives(r"救命|\d+") is None
    assert alternatives(r"help|sos", re.IGNORECASE) is None  # cases are not spelled out


def test_a_plain_pattern_stays_a_plain_pattern_when_nothing_can_be_told() -> None:
    assert isinstance(prefiltered(r"火|[^，。]{1,3}"), re.Pattern)
    assert isinstance(prefiltered(r"着火|起火"), Prefiltered)


PATTERNS = [
    r"(煤气|燃气)(泄漏|泄露)|漏气|电线.{0,3}(掉|断)",
    r"救命|help|sos",
    r"[a-c]x|d+e",
    r"^火|烟$",
    r"(?<!不)着火(?!器)|(有|个)人.{0,2}(晕|倒)了?",
    r"把[^，]{0,3}(人|他)[^，]{0,2}(撞飞|撞倒)|撞(到|了)人",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_gated_patterns_find_exactly_what_the_plain_pattern_finds(pattern: str) -> None:
    gated, plain = prefiltered(pattern), re.compile(pattern)
    rng = random.Random(5)
    alphabet = "煤气燃泄漏露电线掉断救命helpsoabcxde火烟着起器不有个人晕倒了把他撞飞到 ，"
    for _ in range(800):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        pos = rng.randint(0, len(text))
        assert [m.span() for m in gated.finditer(text)] == [m.span() for m in plain.finditer(text)]
        found, expected = gated.search(text, pos), plain.search(text, pos)
        assert (found and found.span()) == (expected and expected.span())


def _corpus_texts() -> list[str]:
    with open(CORPUS, encoding="utf-8", newline="") as src:
        return [normalize(row["text"]) for row in csv.DictReader(src)]


def test_the_danger_word_unions_find_on_the_corpus_exactly_what_their_plain_patterns_find() -> None:
    texts = _corpus_texts()
    unions = [urgency._ANY_STRONG, urgency._ANY_WORD, urgency._ANY_PAIRED_BROAD, urgency._OVER]
    for union in unions:
        assert isinstance(union, Prefiltered)
        plain = re.compile(union.pattern)
        assert [[m.span() for m in union.finditer(t)] for t in texts] == [[m.span() for m in plain.finditer(t)] for t in texts]
    # and the gate lets a good share of the texts skip the search: what it is for
    strong = urgency._ANY_STRONG
    assert isinstance(strong, Prefiltered) and sum(strong.possible(t) for t in texts) < 0.5 * len(texts)


def test_a_word_gate_names_every_pattern_that_matches_and_few_that_do_not() -> None:
    texts = _corpus_texts()
    patterns = {(danger.hazard, kind): pattern for danger in urgency.DANGERS
                for kind, pattern in (("strong", danger.strong), ("broad", danger.broad)) if pattern is not None}
    gate = WordGate(patterns)
    named = wrongly = 0
    for text in texts:
        possible = gate.possible(text)
        matching = {key for key, pattern in patterns.items() if pattern.search(text)}
        assert matching <= possible, text
        named += len(matching)
        wrongly += len(possible - matching)
    assert wrongly < named  # a gate that let everything through would name every pattern for every text


def test_a_gate_of_patterns_whose_needs_cannot_be_told_lets_every_text_through() -> None:
    gate = WordGate({"any": quick(r"火|.{2}"), "fire": quick(r"着火")})
    assert gate.possible("没事") == {"any"}
    assert gate.possible("楼下着火了") == {"any", "fire"}
