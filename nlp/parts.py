"""The separate requests one message holds ("路灯坏了，还有门口垃圾没人收" → two parts).

A message is cut where a new matter can begin: a numbered item (1. / 2、/ 一是 / 第二), a connective that
opens another matter (另外, 还有一件事, 顺便, 对了, 再就是, 此外 …), a bare 还有 (not 还有时候, 还有一次, 也有人说),
or (weakest) the end of a sentence, or after a comma another subject also wrong (…，门口的垃圾也没人收) or another
place's own doer (…，旁边那家工厂晚上偷排废水). The pieces between cuts are classified. A piece joins the one
before it when the classifier puts it in the same category, when it is too short or too uncertain to stand
alone, when it only goes on about the matter before (这个…, 而且…, 导致…, 吵得…; how someone answered: 物业说…;
the matter's history: 我们找过物业…, 城管来过…, 去年物业发过通知…; the resident's own situation: 我家有老人…;
the same person even after 另外: 另外他们家…), or when it is thanks or a remark (the category ``other``). A
pointer at a place where someone else does something (这条街晚上有人…, 该小区还存在…, 而且有人…) is not
pointing back. A later sentence that goes back to an earlier matter (A。另外B。A的事…, or A B A' B') joins that
matter. What remains is split only when every part is confidently its own category (as sure as its surest
piece that stood alone), long enough to be a request, and does not look like the other part's category at
all: symptoms of one cause ("垃圾没人收，还有好多苍蝇，臭得要命") keep some probability of the main category and stay
one request, and so does a second complaint about the same source (the same shop, site, landlord) unless the
resident said it is another matter (另外…). The surer the cut, the less the parts need: see the tables below,
keyed by :class:`Cut`.

Pure functions over a classify-many callable, so the serving path and the bulk CLI share them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum

from nlp.classifier import Prediction
from nlp.normalize import simplified_chars

class Cut(IntEnum):
    """How sure a place in the text is to begin a new matter."""

    SENTENCE = 0  # the end of a sentence; after a comma, another subject also wrong (…，门口的垃圾也没人收) or another place's doer
    ALSO = 1  # a bare 还有 / 也有 / 再有
    NEW_MATTER = 2  # a numbered item or a connective that opens another matter


ClassifyMany = Callable[[Sequence[str]], list[Prediction]]
WHO_I_AM_LETTERS = 20  # an opening "我是…" longer than this tells the problem too
NO_REQUEST = "other"  # thanks, greetings, remarks about the service: never a part of its own
MAX_PARTS = 4  # more than this in one message is a list a person should read, not four tickets
# Letters (not digits or punctuation) a part needs to be a request of its own, by how sure the cut
# before it is: after a bare 还有 a few words are a symptom ("还有灰尘满天飞"), not another matter.
MIN_LETTERS = {Cut.NEW_MATTER: 4, Cut.ALSO: 6, Cut.SENTENCE: 6}
FIRST_MIN_LETTERS = 3  # an opening as short as "停水了。" is a request when more follows
# A part must be its category with at least this confidence, by how sure the cut before it is (after a
# connective: chosen on corpus-held-out pairs, benchmarks/bench_parts_corpus.py; the others by hand — 0.65 after a
# bare 还有 gained 5 of 1,200 corpus pairs but split "…占了半条路。还有取快递的人把电动车乱停…").
PART_CONFIDENCE = {Cut.NEW_MATTER: 0.4, Cut.ALSO: 0.75, Cut.SENTENCE: 0.9}
# The first part needs no more than this: it opens the message, and after a sentence's end it is the part that
# follows that must show a new matter (chosen on the corpus halves: 0.8 split one more one-problem message
# there after the corpus grew, 0.75 before).
FIRST_PART_CONFIDENCE = 0.85
# Each part may give the other part's category at most this much, by the cut between them: more, and
# it is the same matter told from another side.
CROSS_PROBABILITY = {Cut.NEW_MATTER: 0.1, Cut.ALSO: 0.03, Cut.SENTENCE: 0.06}


_LIST_MARK = r"(?:[(（]?[1-9一二三四五六七八九][)）]|问题[一二三四1-4][:：]?|[1-9][.、．]|[一二三四五六七八九]、|[①②③④⑤⑥⑦⑧⑨]|[一二三四五六七八九]是|第[一二三四五六七八九](?![次天年月回遍周期名层楼栋批届条号])个?(?:件事|个问题|点)?|其[一二三四]|首先|其次|再次|最后)"
_NEW_MATTER = (r"(?:问题是|建议是|另外|另一个|另一件|另有|另反映|另|此外|除此之外|除此以外|(?:还|仲)有(?:一)?(?:件|个)(?:事情?|问题|情况)|还有一点|还有就是|"
               r"再就是|再一个|再有就是|再者|顺便|顺带|顺道|对了|同时反映|还想|还要反映|还反映|再反映|再说一下|再问一下|第二件事|另一方面)")
# 还有时候 / 还有一次 / 也有人说 tell more of the same matter (sometimes, once, others say): no cue.
_ALSO = r"(?:(?:还有|仲有|也有|再有|而且还有)(?!时候|时|一次|次|几次|点|的(?!是)|人说|人讲)|同时(?!也|还|又|在|把|被|给|要|会|更|对)|以及)"
# What a connective is often followed by before the matter itself: "顺便反映一下，…".
_SAY = (r"(?:(?:再|还|也)?(?:想|要)?(?:反映|说|讲|问|提|咨询|投诉|举报)(?:一下|下|一句|问|说|讲|个事|一件事)?)?"
        r"(?:就是|的是|是)?[啊呢哦呀噢吧]?")
_LEAD = re.compile(rf"^[\s,，、:：;；]*(?:(?P<list>{_LIST_MARK})|(?P<new>{_NEW_MATTER})|(?P<also>{_ALSO})){_SAY}[\s,，、:：]*")
# A message's opening that only announces how many matters follow: "反映两个问题：", "有一个问题和一个建议。"
_INTRO = re.compile(r"^[^，,。！？!?；;]{0,12}?(?:[两二三四几2-4]|一个问题和一)(?:个|件|点)(?:问题|事情?|情况|建议|诉求)[^，,。！？!?；;：:]{0,8}[，,。！？!?；;：:]")
# "另外还要交一笔开户费", "此外也没有…": the same subject does more of the same (not 另外还有…, 另外还想反映…,
# nor 另外又停电: something happening again).
_MORE_OF_IT = re.compile(r"^(?:另外|此外)[，,]?(?:还|也)(?!有|想|要反映|要投诉|反映|说|问|提|咨询|投诉|举报)")
# "…我就不说了，问题是…" after a comma: the point of the same matter, not a second one.
_MAIN_POINT = "问题是"
# Words that tie a sentence to the one before it: it goes on about the same matter.
_CONTINUES = re.compile(r"^(?:这个|这家|这些|这种|这样|这里|那个|那家|那些|他们|他家|她家|它|该|此|其|而且|并且|导致|所以|因此|结果|"
                        r"害得|弄得|搞得|吵得|熏得|臭得|吓得|但是|但|可是|不过|然后|后来|甚至|连|每次|也|还|又|都)")
# "…，门口的垃圾也没人收", "…，楼道里还有人放煤气罐": another thing, also (still) wrong — as weak a cut as a
# sentence's end. What comes before 也/还 is a thing, not a doing ("说了好几次也不改", "有的还…" go on).
_ANOTHER_SUBJECT = re.compile(r"^(?!而且|并且|但是|但|可是|所以|因此|然后|甚至)(?![^也还]*(?:了|过|说|找|打|问|跟|讲|次|都|有的|一))(?!(?:他|她|它|他们|她们|我|我们|你|对方|这|那)[也还])"
                              r"[^，,。！？!?；;也还]{2,10}(?:也(?:没|不|坏|有|被|一直|经常|天天|好久|很|太|乱|在|堆|满|漏|堵|臭|脏)"
                              r"|还(?:有人|有个|有家|在|把|往|私自|偷|乱|经常|天天|欠|占|卖|摆|排|搭|开))")
# "…加盖到五层了，旁边那家工厂晚上偷排废水": after a comma, someone or something at another place doing
# something of its own — as weak a cut as a sentence's end (not the neighbours who suffer: 附近居民都睡不好).
_PLACE_SUBJECT = re.compile(r"^(?:旁边|隔壁|对面|楼下|楼上|附近|村里|村口|小区里|小区门口|路边|街上|门口)(?:那|这)?一?(?:家|个|条|栋|间|片)?"
                            r"(?!的?(?:居民|住户|街坊|邻居都|大家|人都|我们|老人|小孩))[^，,。！？!?；;]{1,8}?"
                            r"(?:有人|在|把|偷|乱|天天|每天|经常|晚上|半夜)")
# A piece that only tells how someone answered (物业说…, 他说…, 老板不理): the same matter goes on.
_REACTION = re.compile(r"^(?:物业|房东|老板|他|她|他们|她们|对方|商家|店主|店家|厂里|公司|保安|城管|师傅|客服|工作人员|供电局|自来水公司)"
                       r"[^，,。！？!?；;]{0,6}?(?:说|讲|表示|称|回复|答复|推|不管|不理|不认|态度)")
# A piece that tells whom the resident already asked (我们找过物业…, 跟房东讲过…, 之前打过12345…): the
# history of the matter before, whoever it names. Residents tell it in most long messages.
_ASKED_BEFORE = re.compile(r"^(?:之前|以前|前几天|上次|已经|我|我们|我们家|我家|家里|业主|也|都|还|多次|几次|一直|后来)*"
                           r"(?:(?:找|打|问|反映|投诉|报|联系|谈|沟通|协商|商量|交涉)(?:过|了)|(?:去|回去|上门|当面)找"
                           r"|(?:上去|上门|过去|下去)?[^，,。！？!?；;]{0,4}?(?:讲|说)过(?:[一两二三四五六七八九十几好多]+次)"
                           r"|(?:去|回去|上门|当面)?(?:跟|和|向|给)[^，,。！？!?；;]{1,8}?"
                           r"(?:说|讲|反映|投诉|沟通|协商|提|打电话|交涉|商量|理论)(?:过|了|多次|几次|好几次|很多次)"
                           r"|(?:去|回去|上门|当面)?(?:跟|和|向|给)(?:他|她|它|对方|老板|房东|邻居|店主|商家|保安|摊主)们?(?:家|店)?[^，,。！？!?；;]{0,4}?"
                           r"(?:说|讲)(?!过|了))")
# A piece that tells who already came or acted (城管来过…, 去年物业发过通知…): the history of the matter too.
_ACTED_BEFORE = re.compile(r"^(?:之前|以前|去年|上次|前几天|已经|后来|也)*(?:物业|城管|社区|村委|居委|村里|警察|派出所|执法队?|"
                           r"环保局?|工作人员|交警|街道办?)[^，,。！？!?；;]{0,6}?"
                           r"(?:来过|来了|来看过|来查过|发过|贴过|查过|处理过|管过|罚过|调解过|上门)")
# A piece about the resident's own situation (我住在十八楼, 我家有老人): why it matters, not another matter.
_CIRCUMSTANCE = re.compile(r"^(?:我|我家|我们家|家里|我们)(?:这|这里|这边)?(?:住在|住(?!的)|有个|有位|有一个|有两个|是|身体|腿脚|有?老人|有?孩子|有?小孩|有?病人|有?孕妇|老伴|爸|妈|儿子|女儿|父母)")
# After a bare 还有 or a sentence's end, a piece that begins by pointing back (这些货车…, 他在天台上…)
# or at the compound's management goes on about the matter before.
_POINTS_BACK = re.compile(r"^(?:这|那|该|此|他|她|它|物业)(?!家门口|家楼下|家附近|家旁边)")
# …unless it points only at the place where someone else does something, or something else is wrong (这条街晚上
# 有人偷井盖, 该小区还存在消防设施缺失问题), or brings in someone else (而且有人在楼道里偷快递): a new matter there.
_SOMEONE_THERE = re.compile(r"^(?:(?:而且|并且)还?有人|[这那该]一?(?:片|带|段|边|条|块|里|儿|附近|周边|个路口|个地方|小区|路段|村|社区|区域|栋楼)"
                            r"[^，,。！？!?；;]{0,8}?(?:有人|还有|也有|存在))")
# Even after 另外, a piece about the same person or household (另外他还说…, 另外他们家的铁皮屋…) is more of
# the matter about them, not another matter (their doorstep, 他家门口, is a place).
_SAME_PERSON = re.compile(r"^(?:他|她)们?(?:家(?!门口|楼下|附近|旁边)|(?!家))")
# A piece that only says where ("大朗镇求富路村", "人民医院南门。"): the place of the matter, never a request.
ONLY_PLACE_LENGTH = 16  # characters; a longer piece says more than where
_ONLY_PLACE = re.compile(r"^(?![^，,。！？!?；;]*(?:没|不|坏|管|有|被|锁|撬|堵|占|漏|吵|臭|乱|了|吗|呢))"
                         r"[^，,。！？!?；;\s]{1,10}?(?:镇|村|路|街|社区|小区|号|栋|座|大道|巷|广场|花园|苑|围|[东南西北大]门|门口|路口|村口|附近|那边)"
                         r"[\s，,。！!、]*$")
# A question or plea of its own (要怎么申请？): a request, whoever it is about.
_ASKS = re.compile(r"能不能|可不可以|怎么|如何|申请|请问|想问|咨询|[？?]")
# A first sentence that only says who is writing: "我是一名独居的退休老人，住在莞城旗峰路。"
_WHO_I_AM = re.compile(r"^(?:您好|你好)?[，,！!]?(?:我是|我们是|本人|我家是|我住在|我们住在|我在.{1,12}(?:上班|工作|打工|住))")
# Who or what a complaint is about: a shop, a site, a landlord ("那家饭店", "工地", "房东", "KTV").
_SOURCE = re.compile(r"[\u4e00-\u9fff](?:店|馆|厂|坊|吧|司|东|居|业|板|摊|商)|[a-z]{2,}")
_NOT_SOURCE = frozenset(["那家", "这家", "他家", "我家", "商业", "就业", "毕业", "企业", "作业", "营业"])
# Clauses end at punctuation, and at a space before a Chinese character (chat style: "路灯坏了 垃圾没人收") or
# before a list mark ("…没人管 2.路灯…").
# A match ends where a clause ends (a pattern that consumes is faster than one of empty lookarounds).
_CLAUSE_END = re.compile(r"[。！？!?；;\n，,]|(?<=\S) (?=[\u4e00-\u9fff]|[1-9][.、．)）](?!\d)|[①②③④⑤⑥⑦⑧⑨])")
_SENTENCE_END = "。！？!?；;\n"
_SENTENCE_ENDS = frozenset(_SENTENCE_END)
# A sentence that names the matter it goes back to: "工资的事我们去找过老板三次".
_NAMES_MATTER = re.compile(r"^[^，,。！？!?；;]{1,10}?(?:的事|的问题|这件事|那件事|这事|那事)")
# "诉求：一是增设垃圾桶；二是增加保洁人员": the items listed after it are what the resident asks for the matter.
_DEMANDS = re.compile(r"(?:诉求|要求|请求|希望)(?:是|为|如下)?[:：]")
_LIST_ALONE = re.compile(rf"^{_LIST_MARK}[\s.、．:：]*$")


@dataclass(frozen=True)
class Piece:
    """A stretch of the message between two cuts."""

    text: str  # as written, the cue that opened it included
    core: str  # without the opening cue and list mark: what is classified and becomes the ticket's words
    cut: Cut | None  # the cut before it (None: the message's start)
    simple: str = ""  # the core in simplified characters, what the rules read ("": not given, simplify the core)

    @property
    def plain(self) -> str:
        """The core in simplified characters."""
        return self.simple or simplified_chars(self.core)


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


def pieces(text: str) -> list[Piece]:
    """``text`` cut at every place a new matter may begin (one piece when there is none)."""
    simple = simplified_chars(text)  # one character for one: positions in it are positions in text
    out: list[Piece] = []
    start, current_cut = 0, None  # where the current piece begins, and the cut before it
    demands = _DEMANDS.search(simple)
    for a, b in _clauses(text, simple):
        cut = _cut_before(simple[a:b], text[start:a]) if has_letters(text[start:a]) else None
        if cut is None or demands is not None and a >= demands.end() and _listed(simple[a:b]):
            continue
        out.append(_piece(text[start:a], simple[start:a], current_cut))
        start, current_cut = a, cut
    if text[start:].strip():
        out.append(_piece(text[start:], simple[start:], current_cut))
    return out or [Piece(text, text, None)]


def _listed(clause: str) -> bool:
    """Whether ``clause`` opens with a list mark (1. / 二是 / 第三 …)."""
    lead = _LEAD.match(clause)
    return lead is not None and lead.group("list") is not None


def _clauses(text: str, simple: str) -> list[tuple[int, int]]:
    """Where each clause of ``text`` begins and ends. Punctuation or an emoji alone ends the clause
    before it; a list mark or a cue alone ("2. ", "另外 ") begins the clause after it."""
    ends = sorted({m.end() for m in _CLAUSE_END.finditer(text)} | {0, len(text)})
    spans: list[tuple[int, int]] = []
    opening: int | None = None  # where a lone list mark or cue waits for its clause
    for a, b in zip(ends, ends[1:]):
        a = a if opening is None else opening
        clause = simple[a:b].strip()
        lead = _LEAD.match(clause)
        if lead is not None and lead.end() == len(clause) or _LIST_ALONE.match(clause):
            opening = a
        elif not has_letters(clause):
            opening = None
            if spans:
                spans[-1] = (spans[-1][0], b)
        else:
            opening = None
            spans.append((a, b))
    if opening is not None:
        spans.append((opening, len(text)))
    return spans


def _cut_before(clause: str, before: str) -> Cut | None:
    """The cut ``clause`` (its characters simplified) opens after ``before`` (None: it goes on with it)."""
    words = clause.strip()
    if words.startswith(("另外", "此外")) and _MORE_OF_IT.match(words):
        return None
    lead = _LEAD.match(clause)
    if lead is not None and (not words.startswith(_MAIN_POINT) or _ends_sentence(before)):
        return Cut.ALSO if lead.group("also") else Cut.NEW_MATTER
    if _ANOTHER_SUBJECT.match(words) or _PLACE_SUBJECT.match(words):
        return Cut.SENTENCE
    if _ends_sentence(before) and (not _CONTINUES.match(words) or _SOMEONE_THERE.match(words)):
        return Cut.SENTENCE
    return None


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence (or a chat line's words, before a space)."""
    return text.endswith(" ") or text.rstrip(" \t")[-1:] in _SENTENCE_ENDS


def _piece(text: str, simple: str, cut: Cut | None) -> Piece:
    """The piece ``text`` (``simple``: its characters simplified), its opening cue and list marks off."""
    core = text
    if cut is None and (intro := _INTRO.match(text)) is not None:
        core, simple = text[intro.end():], simple[intro.end():]
    while (lead := _LEAD.match(simple)) is not None and 0 < lead.end() < len(core):
        core, simple = core[lead.end():], simple[lead.end():]
    return Piece(text, core.strip(), cut, simple.strip())


def letters(text: str) -> int:
    """Letters in ``text``: characters that are neither digits nor punctuation nor spaces."""
    return sum(map(str.isalpha, text))


def has_letters(text: str) -> bool:
    """Whether ``text`` holds a letter (:func:`letters` without counting them all)."""
    return any(map(str.isalpha, text))


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
        groups.append(_group(ps, predictions, stands))
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
    if len(groups) == 3 and categories[2] == categories[0] != categories[1] and _NAMES_MATTER.match(groups[2][0].core):
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


def _stands_alone(piece: Piece, prediction: Prediction) -> bool:
    """Whether ``piece`` could be a request of its own. Thanks, greetings and remarks about the service
    (the category :data:`NO_REQUEST`) never are, nor is a resident saying who they are."""
    cut = piece.cut if piece.cut is not None else Cut.NEW_MATTER
    core = piece.plain  # the rules are written in simplified characters
    if prediction.category == NO_REQUEST or piece.cut is None and _only_who_i_am(core) or _only_place(core):
        return False
    if piece.cut is not None and (_only_reaction(core, piece.cut) or _asked_before(core)
                                  or _CIRCUMSTANCE.match(core) and not _ASKS.search(core)
                                  or piece.cut < Cut.NEW_MATTER and _points_back(core)
                                  or piece.cut == Cut.NEW_MATTER and _SAME_PERSON.match(core)):
        return False
    least = FIRST_MIN_LETTERS if piece.cut is None else MIN_LETTERS[cut]
    return letters(piece.core) >= least and prediction.confidence >= PART_CONFIDENCE[cut]


def _only_place(text: str) -> bool:
    """Whether ``text`` only says where (大朗镇求富路村)."""
    return len(text) <= ONLY_PLACE_LENGTH and _ONLY_PLACE.match(text) is not None


def _only_reaction(text: str, cut: Cut) -> bool:
    """Whether ``text`` (after ``cut``) only tells how someone answered the matter before. Someone's manner
    (保安态度很差) after a connective that opens another matter is a complaint of its own."""
    reaction = _REACTION.match(text)
    return reaction is not None and not (cut == Cut.NEW_MATTER and reaction.group(0).endswith("态度"))


def _points_back(text: str) -> bool:
    """Whether ``text`` opens by pointing back at the matter before (not only at its place)."""
    return _POINTS_BACK.match(text) is not None and _SOMEONE_THERE.match(text) is None


def _asked_before(text: str) -> bool:
    """Whether ``text`` opens by telling whom the resident already asked about the matter."""
    return _ASKED_BEFORE.match(text) is not None or _ACTED_BEFORE.match(text) is not None


def _only_who_i_am(text: str) -> bool:
    """A short opening that says who is writing, not what is wrong."""
    return _WHO_I_AM.match(text) is not None and letters(text) <= WHO_I_AM_LETTERS


def _joined(group: list[Piece]) -> str:
    """A candidate part's words: its pieces as written, without the cue that opened the first."""
    return (group[0].core + "".join(p.text for p in group[1:])).strip().rstrip("，,、；;：:").strip()


def _kept(parts: list[Part], groups: list[list[Piece]], whole: Prediction,
          support: list[dict[str, float]]) -> list[Part] | None:
    """``parts`` when they are separate requests (None: the message is one). A part too short or too
    uncertain to stand alone joins the part before it (the first: the one after it). ``support``: each
    part's pieces that stood alone, by category, with their confidence."""
    cuts = [g[0].cut if g[0].cut is not None else Cut.NEW_MATTER for g in groups]
    parts, cuts = _joined_weak(parts, cuts, [max(p.confidence, sure.get(p.category, 0.0)) for p, sure in zip(parts, support)])
    if not 1 < len(parts) <= MAX_PARTS or len({p.category for p in parts}) != len(parts):
        return None
    for a, b, cut in zip(parts, parts[1:], cuts[1:]):
        most = CROSS_PROBABILITY[cut]
        if _share(a.prediction, b.category, most) or _share(b.prediction, a.category, most):
            return None
        if cut < Cut.NEW_MATTER and same_source(a.text, b.text):
            return None  # unless the resident said it is another matter (另外, 第二 …), one source is one matter
    if whole.urgent and not any(p.urgent for p in parts):
        return None  # the danger must not be lost by cutting the words that named it apart
    return parts


def _joined_weak(parts: list[Part], cuts: list[Cut], confidences: list[float]) -> tuple[list[Part], list[Cut]]:
    """``parts`` with each that cannot stand alone joined to a neighbour, whose prediction it takes.
    ``confidences``: how sure each part is its category — the whole part's confidence, or that of a piece
    of it that stood alone as that category, when higher (what joined that piece only went on with it)."""
    weakest = min(cuts[1:], default=Cut.NEW_MATTER)
    kept: list[Part] = []
    kept_cuts: list[Cut] = []
    waiting = ""  # words of leading parts that could not stand alone
    for number, (part, cut, confidence) in enumerate(zip(parts, cuts, confidences)):
        weak = (part.category == NO_REQUEST or letters(part.text) < (MIN_LETTERS[cut] if number else FIRST_MIN_LETTERS)
                or confidence < _least_confidence(number, min(cut, weakest)))
        if weak and kept:
            kept[-1] = Part(kept[-1].text + part.text, kept[-1].prediction)
        elif weak:
            waiting += part.text
        else:
            kept.append(Part(waiting + part.text, part.prediction))
            kept_cuts.append(cut if not waiting else Cut.NEW_MATTER)
            waiting = ""
    return kept, kept_cuts


def _least_confidence(number: int, cut: Cut) -> float:
    """The confidence part ``number`` needs when ``cut`` is the weakest it stands by."""
    return min(FIRST_PART_CONFIDENCE, PART_CONFIDENCE[cut]) if number == 0 else PART_CONFIDENCE[cut]


def same_source(first: str, second: str) -> bool:
    """Whether ``second`` names the one ``first`` complains of (the same shop, site, landlord…): then
    they are two sides of one matter ("饭店油烟很大，还有饭店的排风机也很吵"), one ticket for its source."""
    return bool(_sources(first) & _sources(second))


def _sources(text: str) -> set[str]:
    return {m.group(0) for m in _SOURCE.finditer(simplified_chars(text).lower())} - _NOT_SOURCE


def _weakest(groups: list[list[Piece]]) -> Cut:
    return min((g[0].cut for g in groups[1:] if g[0].cut is not None), default=Cut.NEW_MATTER)


def _share(prediction: Prediction, category: str, most: float) -> bool:
    """Whether ``prediction`` gives ``category`` more than ``most`` of its probability."""
    return any(code == category and score > most for code, score in prediction.top)
