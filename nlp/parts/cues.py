"""The words and marks of a message the splitter reads: cues that open another matter, and what shows that a
piece goes on about the matter before (an answer, the matter's history, the resident's situation), only names a
place, or points back. Patterns over text in simplified characters (:func:`nlp.normalize.simplified_chars`)."""

from __future__ import annotations

import re

_LIST_MARK = r"(?:[(（]?[1-9一二三四五六七八九][)）]|问题[一二三四1-4][:：]?|[1-9][.、．]|[一二三四五六七八九]、|[①②③④⑤⑥⑦⑧⑨]|[一二三四五六七八九]是|第[一二三四五六七八九](?![次天年月回遍周期名层楼栋批届条号])个?(?:件事|个问题|点)?|其[一二三四]|首先|其次|再次|最后)"
_NEW_MATTER = (r"(?:问题是|建议是|另外|另一个|另一件|另有|另反映|另|此外|除此之外|除此以外|(?:还|仲)有(?:一)?(?:件|个)(?:事情?|问题|情况)|还有一点|还有就是|"
               r"再就是|再一个|再有就是|再者|顺便|顺带|顺道|对了|同时反映|还想|还要反映|还反映|再反映|再说一下|再问一下|第二件事|另一方面|(?i:btw|by the way))")
# 还有时候 / 还有一次 / 也有人说 tell more of the same matter (sometimes, once, others say): no cue.
_ALSO = r"(?:(?:还有|仲有|同埋|也有|再有|而且还有)(?!时候|时|一次|次|几次|点|的(?!是)|人说|人讲)|同时(?!也|还|又|在|把|被|给|要|会|更|对)|以及)"
# What a connective is often followed by before the matter itself: "顺便反映一下，…".
_SAY = (r"(?:(?:再|还|也)?(?:想|要)?(?:反映|说|讲|问|提|咨询|投诉|举报)(?:一下|下|一句|问|说|讲|个事|一件事)?)?"
        r"(?:就是|的是|是)?[啊呢哦呀噢吧]?")
LEAD = re.compile(rf"^[\s,，、:：;；]*(?:(?P<list>{_LIST_MARK})|(?P<new>{_NEW_MATTER})|(?P<also>{_ALSO})){_SAY}[\s,，、:：]*")
# A message's opening that only announces how many matters follow: "反映两个问题：", "有一个问题和一个建议。"
INTRO = re.compile(r"^[^，,。！？!?；;]{0,12}?(?:[两二三四几2-4]|一个问题和一)(?:个|件|点)(?:问题|事情?|情况|建议|诉求)[^，,。！？!?；;：:]{0,8}[，,。！？!?；;：:]")
# "另外还要交一笔开户费", "此外也没有…": the same subject does more of the same (not 另外还有…, 另外还想反映…,
# nor 另外又停电: something happening again).
MORE_OF_IT = re.compile(r"^(?:另外|此外)[，,]?(?:还|也)(?!有|想|要反映|要投诉|反映|说|问|提|咨询|投诉|举报)")
# "然后" mostly tells what followed (然后就再也没来过); it opens another matter only before another place's doer or
# thing (…。然后楼下那家店…, …，然后村口那根电线被…).
THEN = "然后"
# "…我就不说了，问题是…" after a comma: the point of the same matter, not a second one.
MAIN_POINT = "问题是"
# Words that tie a sentence to the one before it: it goes on about the same matter.
CONTINUES = re.compile(r"^(?:这个|这家|这些|这种|这样|这里|那个|那家|那些|他们|他家|她家|它|该|此|其|而且|并且|导致|所以|因此|结果|"
                        r"害得|弄得|搞得|吵得|熏得|臭得|吓得|但是|但|可是|不过|然后|后来|甚至|连|每次|也|还|又|都)")
# "…，门口的垃圾也没人收", "…，楼道里还有人放煤气罐": another thing, also (still) wrong — as weak a cut as a
# sentence's end. What comes before 也/还 is a thing, not a doing ("说了好几次也不改", "有的还…" go on).
ANOTHER_SUBJECT = re.compile(r"^(?!而且|并且|但是|但|可是|所以|因此|然后|甚至)(?![^也还]*(?:了|过|说|找|打|问|跟|讲|次|都|有的|一(?![楼层栋号])))(?!(?:他|她|它|他们|她们|我|我们|你|对方|这|那)[也还])"
                              r"[^，,。！？!?；;也还]{2,10}(?:也(?:[一二三四五六七八九十两几好多]+(?:天|个月|周|个星期|年))?(?:没|不|坏|有|被|把|一直|经常|天天|好久|很|太|乱|在|堆|满|漏|堵|臭|脏|锈|断|裂|塌|歪|松|掉|破|烂|倒)"
                              r"|还(?:有人|有个|有家|在|把|往|私自|偷|乱|经常|天天|欠|占|卖|摆|排|搭|开))")
# "…加盖到五层了，旁边那家工厂晚上偷排废水": after a comma, someone or something at another place (旁边, 公园门口, 巷尾 …)
# doing something of its own or having something done to it (…被人挖了个坑), or someone newly introduced doing
# something (有个卖菜的天天…) — as weak a cut as a sentence's end (not the neighbours who suffer: 附近居民都睡不好).
PLACE_SUBJECT = re.compile(r"^(?:[^，,。！？!?；;这那该他她它我你]{0,4}?(?:旁边|隔壁|隔离|隔篱|对面|楼下|楼上|附近|门口|里面|巷口|巷尾|路口)|村里|村口|小区里|路边|街上)(?:那|这)?一?(?:家|个|条|栋|间|片|根|盏|棵|座|排|辆|块|只)?"
                            r"(?!的?(?:居民|住户|街坊|邻居都|大家|人都|我们|老人|小孩))[^，,。！？!?；;]{1,8}?"
                            r"(?:有人|在|把|被|偷|乱|天天|每天|经常|晚上|半夜)"
                            r"|^(?:有|仲有)(?:一)?(?:个|家|间|档|伙|帮|群)(?!人说|人讲|问题|事|时候|次)[^，,。！？!?；;]{1,8}?(?:天天|每天|日日|成日|经常|晚上|半夜|一直|在|把|乱|偷)")
# A piece that only tells how someone answered (物业说…, 他说…, 老板不理): the same matter goes on.
REACTION = re.compile(r"^(?:物业|房东|老板|他|她|他们|她们|对方|商家|店主|店家|厂里|公司|保安|城管|师傅|客服|工作人员|供电局|自来水公司)"
                       r"[^，,。！？!?；;]{0,6}?(?:说(?!要)|讲|表示|称|回复|答复|推|不管|不理|不认|态度)")
# A piece that tells whom the resident already asked (我们找过物业…, 跟房东讲过…, 之前打过12345…): the
# history of the matter before, whoever it names. Residents tell it in most long messages.
ASKED_BEFORE = re.compile(r"^(?:之前|以前|前几天|上次|已经|我|我们|我们家|我家|家里|业主|也|都|还|多次|几次|一直|后来)*"
                           r"(?:(?:找|打|问|反映|投诉|报|联系|谈|沟通|协商|商量|交涉)(?:过|了)|(?:去|回去|上门|当面)找"
                           r"|(?:上去|上门|过去|下去)?[^，,。！？!?；;]{0,4}?(?:讲|说)过(?:[一两二三四五六七八九十几好多]+次)"
                           r"|(?:去|回去|上门|当面)?(?:跟|和|向|给)[^，,。！？!?；;]{1,8}?"
                           r"(?:说|讲|反映|投诉|沟通|协商|提|打电话|交涉|商量|理论)(?:过|了|多次|几次|好几次|很多次)"
                           r"|(?:去|回去|上门|当面)?(?:跟|和|向|给)(?:他|她|它|对方|老板|房东|邻居|店主|商家|保安|摊主)们?(?:家|店)?[^，,。！？!?；;]{0,4}?"
                           r"(?:说|讲)(?!过|了))")
# A piece that tells who already came or acted (城管来过…, 去年物业发过通知…): the history of the matter too.
ACTED_BEFORE = re.compile(r"^(?:之前|以前|去年|上次|前几天|已经|后来|也)*(?:物业|城管|社区|村委|居委|村里|警察|派出所|执法队?|"
                           r"环保局?|工作人员|交警|街道办?)[^，,。！？!?；;]{0,6}?"
                           r"(?:来过|来了|来看过|来查过|发过|贴过|查过|处理过|管过|罚过|调解过|上门)")
# A piece about the resident's own situation (我住在十八楼, 我家有老人): why it matters, not another matter.
CIRCUMSTANCE = re.compile(r"^(?:我|我家|我们家|家里|我们)(?:这|这里|这边)?(?:住在|住(?!的)|有个|有位|有一个|有两个|是|身体|腿脚|有?老人|有?孩子|有?小孩|有?病人|有?孕妇|老伴|爸|妈|儿子|女儿|父母)")
# After a bare 还有 or a sentence's end, a piece that begins by pointing back (这些货车…, 他在天台上…)
# or at the compound's management goes on about the matter before.
POINTS_BACK = re.compile(r"^(?:(?:这|那|该|此|他|她|它)(?!家门口|家楼下|家附近|家旁边)|物业(?!费|管的|把|乱|私自|擅自|强行|偷))")
# …unless it points only at the place where someone else does something, or something else is wrong (这条街晚上
# 有人偷井盖, 该小区还存在消防设施缺失问题), or brings in someone else (而且有人在楼道里偷快递): a new matter there.
SOMEONE_THERE = re.compile(r"^(?:(?:而且|并且)还?有人|[这那该]一?(?:片|带|段|边|条|块|里|儿|附近|周边|个路口|个地方|小区|路段|村|社区|区域|栋楼)"
                            r"[^，,。！？!?；;]{0,8}?(?:有人|还有|也有|存在|有[辆个家只条堆台根棵])"
                            r"|[这那该][^，,。！？!?；;的]{1,6}?(?:旁边?|附近|周边|对面|后面|隔壁)的)")
# A pointer that can name another thing at the place or person told before (那边的站牌…, 她家的电表…).
POINTS_ELSEWHERE = re.compile(r"^(?:那|她|他(?!们))")
# Even after 另外, a piece about the same person or household (另外他还说…, 另外他们家的铁皮屋…) is more of
# the matter about them, not another matter (their doorstep, 他家门口, is a place).
SAME_PERSON = re.compile(r"^(?:他|她)们?(?:家(?!门口|楼下|附近|旁边)|(?!家))")
# A piece that only says where ("大朗镇求富路村", "人民医院南门。"): the place of the matter, never a request.
ONLY_PLACE_LENGTH = 16  # characters; a longer piece says more than where
ONLY_PLACE = re.compile(r"^(?![^，,。！？!?；;]*(?:没|不|坏|管|有|被|锁|撬|堵|占|漏|吵|臭|乱|了|吗|呢))"
                         r"[^，,。！？!?；;\s]{1,10}?(?:镇|村|路|街|社区|小区|号|栋|座|大道|巷|广场|花园|苑|围|[东南西北大]门|门口|路口|村口|附近|那边)"
                         r"[\s，,。！!、]*$")
# A piece that gives the address ("地址是东城堑头村新围路那栋六层的白色楼"): the place of the matter, however long.
ADDRESS_GIVEN = re.compile(r"^(?:具体)?(?:地址|地点|位置)(?:是|在|就是|就在|[:：])(?![^，,。！？!?；;]*(?:没|不|坏|错|管|被|堵|漏|吵|臭|乱|吗|呢))"
                           r"[^，,。！？!?；;]{2,30}[\s。！!]*$")
# A question or plea of its own (要怎么申请？): a request, whoever it is about.
ASKS = re.compile(r"能不能|可不可以|怎么|如何|申请|请问|想问|咨询|[？?]")
# A first sentence that only announces the matter ("我想反映东城那边一个很久的老问题。"): no request yet.
ANNOUNCES_ONE = re.compile(r"^[^，,。！？!?；;]{0,12}?(?:反映|投诉|咨询|说|问|讲|报告)(?:一下)?[^，,。！？!?；;]{0,12}?一(?:个|件)"
                           r"[^，,。！？!?；;]{0,6}?(?:问题|事情?|情况)[\s。！!：:，,]*$")
# A first sentence that only says who is writing: "我是一名独居的退休老人，住在莞城旗峰路。"
WHO_I_AM = re.compile(r"^(?:您好|你好)?[，,！!]?(?:我是|我们是|本人|我家是|我住在|我们住在|我在.{1,12}(?:上班|工作|打工|住))")
# Who or what a complaint is about: a shop, a site, a landlord ("那家饭店", "工地", "房东", "KTV").
SOURCE = re.compile(r"[\u4e00-\u9fff](?:店|馆|厂|坊|吧|司|东|居|业|板|摊|商)|[a-z]{2,}")
# A source named only to say where something else is: "药店对面的小巷子…", "公司隔壁的化工厂…".
NEAR = ("对面", "旁边", "隔壁", "隔离", "隔篱", "附近", "周边", "周围", "后面", "前面", "边上", "背后", "门口", "外面", "外边")
NOT_SOURCE = frozenset(["那家", "这家", "他家", "我家", "商业", "就业", "毕业", "企业", "作业", "营业"])
# Clauses end at punctuation, and at a space before a Chinese character (chat style: "路灯坏了 垃圾没人收") or
# before a list mark ("…没人管 2.路灯…").
# A match ends where a clause ends (a pattern that consumes is faster than one of empty lookarounds).
# A space before Chinese words, a numbered item or "btw" ends a clause too.
CLAUSE_END = re.compile(r"[。！？!?；;\n，,]|(?<=\S) (?=[\u4e00-\u9fff]|[1-9][.、．)）](?!\d)|[①②③④⑤⑥⑦⑧⑨]|(?i:btw))")
# A circled number straight after words ("…不亮②村口…") begins a clause too: matched on its own, as a pattern that
# starts with a lookaround is tried at every position of every text.
NEXT_CIRCLED = re.compile(r"[②③④⑤⑥⑦⑧⑨]")
_SENTENCE_END = "。！？!?；;\n"
SENTENCE_ENDS = frozenset(_SENTENCE_END)
# A sentence that names the matter it goes back to: "工资的事我们去找过老板三次".
NAMES_MATTER = re.compile(r"^[^，,。！？!?；;]{1,10}?(?:的事|的问题|这件事|那件事|这事|那事)")
# "诉求：一是增设垃圾桶；二是增加保洁人员": the items listed after it are what the resident asks for the matter.
DEMANDS = re.compile(r"(?:诉求|要求|请求|希望)(?:是|为|如下)?[:：]")
LIST_ALONE = re.compile(rf"^{_LIST_MARK}[\s.、．:：]*$")
