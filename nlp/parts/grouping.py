"""Which pieces of a message make one request, and whether it holds several: the pieces are classified, joined
into candidate parts, and kept apart only when each part is confidently a category of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from nlp.classifier import Prediction
from nlp.normalize import simplified_chars
from nlp.parts.cues import (
    ACTED_BEFORE,
    ADDRESS_GIVEN,
    ANNOUNCES_ONE,
    ASKED_BEFORE,
    ASKS,
    CIRCUMSTANCE,
    NAMES_MATTER,
    NEAR,
    NOT_SOURCE,
    ONLY_PLACE,
    ONLY_PLACE_LENGTH,
    POINTS_BACK,
    POINTS_ELSEWHERE,
    REACTION,
    SAME_PERSON,
    SOMEONE_THERE,
    SOURCE,
    WHO_I_AM,
)
from nlp.parts.cutting import Cut, Piece, letters, pieces

ClassifyMany = Callable[[Sequence[str]], list[Prediction]]
WHO_I_AM_LETTERS = 20  # an opening "我是…" longer than this tells the problem too
NO_REQUEST = "other"  # thanks, greetings, remarks about the service: never a part of its own
MAX_PARTS = 4  # more than this in one message is a list a person should read, not four tickets
# Letters (not digits or punctuation) a part needs to be a request of its own, by how sure the cut
# before it is: after a bare 还有 a few words are a symptom ("还有灰尘满天飞"), not another matter.
MIN_LETTERS = {Cut.NEW_MATTER: 4, Cut.ALSO: 6, Cut.SENTENCE: 6}
# …but a whole sentence after 。还有 is told as a matter of its own, however short ("…处理一下。还有电梯坏了。").
ALSO_AFTER_STOP_MIN_LETTERS = 4
FIRST_MIN_LETTERS = 3  # an opening as short as "停水了。" is a request when more follows
# A part must be its category with at least this confidence, by how sure the cut before it is (after a
# connective: chosen on corpus-held-out pairs, benchmarks/bench_parts_corpus.py; the others by hand — 0.65 after a
# bare 还有 gained 5 of 1,200 corpus pairs but split "…占了半条路。还有取快递的人把电动车乱停…").
PART_CONFIDENCE = {Cut.NEW_MATTER: 0.4, Cut.ALSO: 0.75, Cut.SENTENCE: 0.9}
# The first part needs no more than this: it opens the message, and after a sentence's end it is the part that
# follows that must show a new matter (chosen on the corpus halves: 0.8 split one more one-problem message
# there after the corpus grew, 0.75 before).
FIRST_PART_CONFIDENCE = 0.85
# Two parts, the second after a sentence's end or a cue, stand with less (CLEAR_UNSURE) when the other is all but
# certain (CLEAR_SURE) of a category the unsure one gives at most CLEAR_TO_SURE of, and gives the unsure one's at
# most CLEAR_TO_UNSURE: "健身房突然关门了，…老板微信也拉黑了！有人在河里游泳" (the first unsure), "垃圾三天没人收。…" (the second)
# (chosen on the corpus fit half).
CLEAR_UNSURE = 0.6
CLEAR_SURE = 0.97
CLEAR_TO_SURE = 0.03
CLEAR_TO_UNSURE = 0.005
# …and after a connective (另外, 同时反映, 。还有) the unsure one needs only CUE_UNSURE: the resident said another matter
# follows ("领导您好，…养老金…少了两百多。还有我们楼下空地一直被人摆摊…"; chosen on the dev sets: one more right, none
# split wrongly; 0.35 split one more one-problem message).
CUE_UNSURE = 0.45
# A piece pointing at a place or person told before stands alone when at least this sure of its category (chosen on
# the dev sets: 0.99 split 6 more two-problem messages right and no one-problem message more; 0.97 split one).
POINTING_SURE = 0.99
# Each part may give the other part's category at most this much, by the cut between them: more, and
# it is the same matter told from another side.
CROSS_PROBABILITY = {Cut.NEW_MATTER: 0.1, Cut.ALSO: 0.03, Cut.SENTENCE: 0.06}


@dataclass(frozen=True)
class Part:
    """One request found in a message."""

    text: str
    prediction: Prediction

    @property
    def category(self) -> str:
        return self.prediction.category

    @property
    def confidence(self) -> float:
        return self.prediction.confidence

    @property
    def urgent(self) -> bool:
        return self.prediction.urgent


def find_parts(classify_many: ClassifyMany, text: str, whole: Prediction) -> list[Part]:
    """The requests ``text`` holds (``whole``: its own prediction). One part, ``text`` itself with
    ``whole``, unless the message clearly holds several."""
    return find_parts_many(classify_many, [text], [whole])[0]


def find_parts_many(classify_many: ClassifyMany, texts: Sequence[str], wholes: Sequence[Prediction],
                    categorize_many: ClassifyMany | None = None) -> list[list[Part]]:
    """:func:`find_parts` for many messages, their pieces classified together (two calls in all).

    ``categorize_many``, when given, weighs the pieces: only their categories are needed there (the
    parts kept are classified whole by ``classify_many``), so a cheaper call may serve."""
    cut = [pieces(text) for text in texts]
    first = _classified(categorize_many or classify_many, [[p.core for p in ps] for ps in cut if len(ps) > 1])
    groups: list[list[list[Piece]]] = []
    support: list[list[dict[str, float]]] = []
    for ps in cut:
        if len(ps) == 1:
            groups.append([ps])
            support.append([])
            continue
        predictions = next(first)
        stands = [_stands_alone(piece, prediction) for piece, prediction in zip(ps, predictions)]
        groups.append(_clear_after_sure(ps, predictions, stands) or _group(ps, predictions, stands))
        support.append([_standing(g, ps, predictions, stands) for g in groups[-1]])
    second = _classified(classify_many, [[_joined(g) for g in gs] for gs in groups if len(gs) > 1])
    found = [_kept([Part(_joined(g), p) for g, p in zip(gs, next(second))], gs, whole, sure) if len(gs) > 1 else None
             for whole, gs, sure in zip(wholes, groups, support)]
    return [parts or [Part(text, whole)] for text, whole, parts in zip(texts, wholes, found)]


def _classified(classify_many: ClassifyMany, batches: list[list[str]]) -> Iterator[list[Prediction]]:
    """Each batch's predictions, in order, from one classifier call for all of them."""
    flat = classify_many([t for batch in batches for t in batch]) if batches else []
    start = 0
    for batch in batches:
        yield flat[start : start + len(batch)]
        start += len(batch)


def _group(ps: list[Piece], predictions: list[Prediction], standing: list[bool]) -> list[list[Piece]]:
    """Pieces joined into candidate parts: each piece joins the part before it unless it can stand
    alone as a matter of another category; leading pieces that cannot stand alone join the first that can,
    unless a cue opens it (then they are judged again together, in :func:`_kept`). ``standing``: whether
    each piece could stand alone (:func:`_stands_alone`)."""
    groups: list[list[Piece]] = []
    category: list[str | None] = []
    likeliest: list[Prediction] = []  # each group's most confident piece, standing alone or not
    for piece, prediction, stands in zip(ps, predictions, standing):
        cued = piece.cut is not None and piece.cut >= Cut.ALSO
        if groups and (not stands or category[-1] == prediction.category or category[-1] is None and not cued):
            groups[-1].append(piece)
            if category[-1] is None and stands:
                category[-1] = prediction.category
            if prediction.confidence > likeliest[-1].confidence:
                likeliest[-1] = prediction
            continue
        groups.append([piece])
        category.append(prediction.category if stands else None)
        likeliest.append(prediction)
    return _gathered(groups, [p.category for p in likeliest])


def _gathered(groups: list[list[Piece]], categories: list[str]) -> list[list[Piece]]:
    """``groups`` with each later group that goes back to an earlier matter joined to it: "A。另外B。A的事…。
    B…。" tells A and B, then more about each. A group goes back when no cue opens it and it is of an earlier,
    non-adjacent group's category, and either names the matter (工资的事…) or the message goes back over
    both matters in turn after a cue opened the second."""
    if len(groups) < 3 or any(g[0].cut != Cut.SENTENCE for g in groups[2:]):
        return groups
    alternates = (len(groups) >= 4 and groups[1][0].cut is not None and groups[1][0].cut >= Cut.ALSO
                  and categories[0] != categories[1]
                  and all(c == categories[i % 2] for i, c in enumerate(categories)))
    if alternates:
        return [[p for g in groups[start::2] for p in g] for start in (0, 1)]
    if len(groups) == 3 and categories[2] == categories[0] != categories[1] and NAMES_MATTER.match(groups[2][0].core):
        return [groups[0] + groups[2], groups[1]]
    return groups


def _standing(group: list[Piece], ps: list[Piece], predictions: list[Prediction],
              standing: list[bool]) -> dict[str, float]:
    """For each category a piece of ``group`` stands alone as, that piece's confidence (the highest)."""
    by_piece = {id(piece): (prediction, stands) for piece, prediction, stands in zip(ps, predictions, standing)}
    sure: dict[str, float] = {}
    for piece in group:
        prediction, stands = by_piece[id(piece)]
        if stands:
            sure[prediction.category] = max(sure.get(prediction.category, 0.0), prediction.confidence)
    return sure


def _stands_alone(piece: Piece, prediction: Prediction, least_confidence: float | None = None) -> bool:
    """Whether ``piece`` could be a request of its own. Thanks, greetings and remarks about the service
    (the category :data:`NO_REQUEST`) never are, nor is a resident saying who they are. ``least_confidence``:
    what its prediction needs (by default :data:`PART_CONFIDENCE` by the cut before it)."""
    cut = piece.cut if piece.cut is not None else Cut.NEW_MATTER
    core = piece.plain  # the rules are written in simplified characters
    if (prediction.category == NO_REQUEST or piece.cut is None and (_only_who_i_am(core) or ANNOUNCES_ONE.match(core))
            or _only_place(core)):
        return False
    if piece.cut is not None and (_only_reaction(core, piece.cut) or _asked_before(core)
                                  or CIRCUMSTANCE.match(core) and not ASKS.search(core)
                                  or _goes_on_with_it(core, piece.cut) and not _another_matter_there(core, prediction)):
        return False
    least = PART_CONFIDENCE[cut] if least_confidence is None else least_confidence
    return letters(piece.core) >= _least_letters(piece) and prediction.confidence >= least


def _goes_on_with_it(text: str, cut: Cut) -> bool:
    """Whether ``text`` (after ``cut``) points back at the matter before: after a bare 还有 or a sentence's end by a
    pointer (这些货车…, 他在天台上…), after another-matter cue by naming the same person (另外他们家…)."""
    if cut < Cut.NEW_MATTER:
        return _points_back(text)
    return SAME_PERSON.match(text) is not None


def _another_matter_there(text: str, prediction: Prediction) -> bool:
    """Whether ``text``, pointing at a place or person told before (那条巷子的…, 她家的电表…, 另外她的补贴…), is all
    but certainly a matter of its own: what is wrong there is another thing. Pointing at the thing itself (这些货车…),
    at its doers (他们收摊后…) or at the management (物业…) goes on about the matter."""
    return prediction.confidence >= POINTING_SURE and POINTS_ELSEWHERE.match(text) is not None


def _only_place(text: str) -> bool:
    """Whether ``text`` only says where (大朗镇求富路村, 地址是…)."""
    return len(text) <= ONLY_PLACE_LENGTH and ONLY_PLACE.match(text) is not None or ADDRESS_GIVEN.match(text) is not None


def _only_reaction(text: str, cut: Cut) -> bool:
    """Whether ``text`` (after ``cut``) only tells how someone answered the matter before. Someone's manner
    (保安态度很差) after a connective that opens another matter is a complaint of its own."""
    reaction = REACTION.match(text)
    return reaction is not None and not (cut == Cut.NEW_MATTER and reaction.group(0).endswith("态度"))


def _points_back(text: str) -> bool:
    """Whether ``text`` opens by pointing back at the matter before (not only at its place)."""
    return POINTS_BACK.match(text) is not None and SOMEONE_THERE.match(text) is None


def _asked_before(text: str) -> bool:
    """Whether ``text`` opens by telling whom the resident already asked about the matter."""
    return ASKED_BEFORE.match(text) is not None or ACTED_BEFORE.match(text) is not None


def _only_who_i_am(text: str) -> bool:
    """A short opening that says who is writing, not what is wrong."""
    return WHO_I_AM.match(text) is not None and letters(text) <= WHO_I_AM_LETTERS


def _joined(group: list[Piece]) -> str:
    """A candidate part's words: its pieces as written, without the cue that opened the first."""
    return (group[0].core + "".join(p.text for p in group[1:])).strip().rstrip("，,、；;：:").strip()


def _kept(parts: list[Part], groups: list[list[Piece]], whole: Prediction,
          support: list[dict[str, float]]) -> list[Part] | None:
    """``parts`` when they are separate requests (None: the message is one). A part too short or too
    uncertain to stand alone joins the part before it (the first: the one after it). ``support``: each
    part's pieces that stood alone, by category, with their confidence."""
    cuts = [g[0].cut if g[0].cut is not None else Cut.NEW_MATTER for g in groups]
    confidences = [max(p.confidence, sure.get(p.category, 0.0)) for p, sure in zip(parts, support)]
    clear = _clear_pair(parts, confidences, groups[-1][0])
    parts, cuts = _joined_weak(parts, cuts, confidences, [_least_letters(g[0]) for g in groups], clear)
    if not 1 < len(parts) <= MAX_PARTS or len({p.category for p in parts}) != len(parts):
        return None
    for a, b, cut in zip(parts, parts[1:], cuts[1:]):
        most = CROSS_PROBABILITY[cut]
        if not clear and (_share(a.prediction, b.category, most) or _share(b.prediction, a.category, most)):
            return None  # (a clear pair's shares were weighed by _clear_pair)
        if cut < Cut.NEW_MATTER and same_source(a.text, b.text):
            return None  # unless the resident said it is another matter (另外, 第二 …), one source is one matter
    if whole.urgent and not any(p.urgent for p in parts):
        return _kept_danger(parts, whole)  # the danger must not be lost by cutting the words that named it apart
    return parts


def _kept_danger(parts: list[Part], whole: Prediction) -> list[Part]:
    """``parts`` with the whole message's urgency given to the part of its category (the first part when none is):
    the words that named the danger together were cut apart ("外墙的砖往下掉，还有楼顶有人…")."""
    heir = next((n for n, p in enumerate(parts) if p.category == whole.category), 0)
    return [Part(p.text, replace(p.prediction, urgency=whole.urgency)) if n == heir else p for n, p in enumerate(parts)]


def _joined_weak(parts: list[Part], cuts: list[Cut], confidences: list[float],
                 least_letters: list[int] | None = None, clear_pair: bool = False) -> tuple[list[Part], list[Cut]]:
    """``parts`` with each that cannot stand alone joined to a neighbour, whose prediction it takes.
    ``confidences``: how sure each part is its category — the whole part's confidence, or that of a piece
    of it that stood alone as that category, when higher (what joined that piece only went on with it);
    ``least_letters``: the letters each part needs (:func:`_least_letters` of its first piece; by default by
    its cut alone); ``clear_pair``: two parts each far from the other's category (:func:`_clear_pair`), each
    needing only :data:`CLEAR_UNSURE`, already checked."""
    if least_letters is None:
        least_letters = [FIRST_MIN_LETTERS] + [MIN_LETTERS[cut] for cut in cuts[1:]]
    weakest = min(cuts[1:], default=Cut.NEW_MATTER)
    kept: list[Part] = []
    kept_cuts: list[Cut] = []
    waiting = ""  # words of leading parts that could not stand alone
    for number, (part, cut, confidence, least) in enumerate(zip(parts, cuts, confidences, least_letters)):
        weak = (part.category == NO_REQUEST or letters(part.text) < least
                or confidence < _least_confidence(number, min(cut, weakest)) and not clear_pair)
        if weak and kept:
            kept[-1] = Part(kept[-1].text + part.text, kept[-1].prediction)
        elif weak:
            waiting += part.text
        else:
            kept.append(Part(waiting + part.text, part.prediction))
            kept_cuts.append(cut if not waiting else Cut.NEW_MATTER)
            waiting = ""
    return kept, kept_cuts


def _clear_after_sure(ps: list[Piece], predictions: list[Prediction], standing: list[bool]) -> list[list[Piece]] | None:
    """Two pieces as two candidate parts when the first is all but certain of its category and the second, after a
    sentence's end or a cue, is less sure of another (at least :data:`CLEAR_UNSURE`) and otherwise stands alone, and
    neither gives the other's category more than a trace (see :func:`_clear_pair`); None: grouped as usual."""
    if len(ps) != 2 or not standing[0] or standing[1]:
        return None
    (a, b), (first, second) = ps, predictions
    if not _opens_clearly(b, b.core) or first.category == second.category or first.confidence < CLEAR_SURE:
        return None
    if not _stands_alone(b, second, CLEAR_UNSURE) or not _apart(first, second):
        return None
    return [[a], [b]]


def _opens_clearly(piece: Piece, words: str) -> bool:
    """Whether ``piece`` opens ``words`` (the part it begins) after a cue, or after a sentence's end (not only after
    a comma's new subject) with no question: a question after a bare sentence's end mostly asks about the matter
    just told (…小孩放暑假没人看，去河边玩水很危险。社区有没有暑期托管班？)."""
    if piece.cut != Cut.SENTENCE:
        return True
    return piece.after_stop and ASKS.search(simplified_chars(words)) is None


def _apart(sure: Prediction, unsure: Prediction) -> bool:
    """Whether ``sure`` gives ``unsure``'s category at most :data:`CLEAR_TO_UNSURE` and ``unsure`` gives
    ``sure``'s at most :data:`CLEAR_TO_SURE`."""
    return not _share(sure, unsure.category, CLEAR_TO_UNSURE) and not _share(unsure, sure.category, CLEAR_TO_SURE)


def _clear_pair(parts: list[Part], confidences: list[float], opening: Piece) -> bool:
    """Whether ``parts`` are two, the second opened by ``opening`` after a sentence's end or a cue, one all but
    certain of its category (:data:`CLEAR_SURE`) and the other at least :data:`CLEAR_UNSURE` (after a connective,
    :data:`CUE_UNSURE`) sure of another, and neither gives the other's category more than a trace: then each, however
    unsure which category it is, is a matter of its own. ``confidences``: as for :func:`_joined_weak`."""
    if len(parts) != 2 or not _opens_clearly(opening, parts[1].text):
        return False
    (first, second), (sure_first, sure_second) = parts, confidences
    cued = opening.cut == Cut.NEW_MATTER or opening.cut == Cut.ALSO and opening.after_stop
    unsure = CUE_UNSURE if cued else CLEAR_UNSURE
    if sure_first >= CLEAR_SURE and sure_second >= unsure and _apart(first.prediction, second.prediction):
        return True
    return sure_second >= CLEAR_SURE and sure_first >= unsure and _apart(second.prediction, first.prediction)


def _least_letters(piece: Piece) -> int:
    """The letters ``piece`` needs to be a request of its own, by the cut before it."""
    if piece.cut is None:
        return FIRST_MIN_LETTERS
    if piece.cut == Cut.ALSO and piece.after_stop:
        return ALSO_AFTER_STOP_MIN_LETTERS
    return MIN_LETTERS[piece.cut]


def _least_confidence(number: int, cut: Cut) -> float:
    """The confidence part ``number`` needs when ``cut`` is the weakest it stands by."""
    return min(FIRST_PART_CONFIDENCE, PART_CONFIDENCE[cut]) if number == 0 else PART_CONFIDENCE[cut]


def same_source(first: str, second: str) -> bool:
    """Whether ``second`` names the one ``first`` complains of (the same shop, site, landlord…): then
    they are two sides of one matter ("饭店油烟很大，还有饭店的排风机也很吵"), one ticket for its source."""
    return bool(_sources(first) & _sources(second))


def _sources(text: str) -> set[str]:
    """The shops, sites and people ``text`` complains of, not those it names only as a landmark (药店对面的…)."""
    simple = simplified_chars(text).lower()
    return {m.group(0) for m in SOURCE.finditer(simple) if not simple.startswith(NEAR, m.end())} - NOT_SOURCE


def _weakest(groups: list[list[Piece]]) -> Cut:
    return min((g[0].cut for g in groups[1:] if g[0].cut is not None), default=Cut.NEW_MATTER)


def _share(prediction: Prediction, category: str, most: float) -> bool:
    """Whether ``prediction`` gives ``category`` more than ``most`` of its probability."""
    return any(code == category and score > most for code, score in prediction.top)
