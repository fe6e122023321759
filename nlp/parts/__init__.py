"""The separate requests one message holds ("路灯坏了，还有门口垃圾没人收" → two parts).

A message is cut where a new matter can begin: a numbered item (1. / 2、/ 一是 / 第二), a connective that
opens another matter (另外, 还有一件事, 顺便, 对了, 再就是, 此外 …), a bare 还有 (not 还有时候, 还有一次, 也有人说),
or (weakest) the end of a sentence, or after a comma another subject also wrong (…，门口的垃圾也没人收, …，一楼的商铺还把…,
…，电梯也三天没修好, …，天桥的扶手也锈断了) or another place's own doer or thing (…，旁边那家工厂晚上偷排废水,
…，公园门口天天有人摆摊, …，路口旁边的人行道被人挖了个坑, …，然后村口那根电线被…) or someone newly introduced doing
something (…，有个卖菜的天天…); a circled number (①…②…), btw and 同埋 cut too, a town or greeting alone at the start
does not. The pieces between cuts are classified. A piece joins the one
before it when the classifier puts it in the same category, when it is too short or too uncertain to stand
alone, when it only goes on about the matter before (这个…, 而且…, 导致…, 吵得…; how someone answered: 物业说…;
the matter's history: 我们找过物业…, 城管来过…, 去年物业发过通知…; the resident's own situation: 我家有老人…;
the same person even after 另外: 另外他们家…), or when it is thanks or a remark (the category ``other``). A
pointer at a place where someone else does something or something else is (这条街晚上有人…, 该小区还存在…, 而且有人…,
那条路上有辆…, 该加油站旁的路口…), or the management doing something of its own (物业把…, 物业管的…, 物业费…), is not
pointing back, nor is a pointer at a place or person told before whose piece is all but certainly another category
(那条巷子的路灯也不亮, 另外她的补贴…); someone who 说要… announces a demand of their own, not only an answer. A piece that gives the address
(地址是…) or an opening that only announces the matter (我想反映…一个老问题。) is no request; a whole sentence after
。还有 is a request in as few letters as after 另外. A later sentence that goes back to an earlier matter (A。另外B。A的事…, or A B A' B') joins that
matter. What remains is split only when every part is confidently its own category (as sure as its surest
piece that stood alone), long enough to be a request, and does not look like the other part's category at
all: symptoms of one cause ("垃圾没人收，还有好多苍蝇，臭得要命") keep some probability of the main category and stay
one request, and so does a second complaint about the same source (the same shop, site, landlord; not one named as a landmark: 药店对面的…)
unless the resident said it is another matter (另外…). The surer the cut, the less the parts need: see the tables below,
keyed by :class:`Cut`. Two parts after a sentence's end or a cue need less when one is all but certain and neither
gives the other's category more than a trace ("健身房突然关门了…！有人在河里游泳"), unless the later one is a question
after a bare sentence's end (it mostly asks about the matter just told).

Pure functions over a classify-many callable, so the serving path and the bulk CLI share them:
:mod:`nlp.parts.cues` (the words and marks the rules read), :mod:`nlp.parts.cutting` (where a message may be
cut: its pieces) and :mod:`nlp.parts.grouping` (which pieces make one request, and whether there are several).
"""

from nlp.parts.cutting import Cut, Piece, has_letters, letters, pieces
from nlp.parts.grouping import Part, find_parts, find_parts_many, same_source

__all__ = ["Cut", "Part", "Piece", "find_parts", "find_parts_many", "has_letters", "letters", "pieces", "same_source"]
