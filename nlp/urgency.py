"""Urgency: does a message describe immediate danger to life or property, happening now?

Built for recall — a missed fire is far worse than a false alarm. Two sources of evidence:
- words (this module): each :class:`Danger` has *strong* words that make a message urgent on their own
  (着火了, 晕倒, 砍人) and *broad* words (冒烟, 塌, 流血) that only count when the learned model also sees
  danger. Residents' usual ways of saying a danger is not happening now are honoured: negation (不是着火),
  fear and hypotheticals (万一着火, 火灾隐患), the past (上周着火), a danger already over (火已经灭了, 警察已经
  把人带走了, 后来自己站起来走了) unless a "but" names a danger after it, news and hearsay (看新闻说…着火了,
  朋友圈转发…是不是真的), each judged against the nearest cue before the word in its sentence (听说昨晚砍人了，
  现在还安全吗), a danger word that qualifies a thing (燃气泄漏检测, 触电保护器, 溺水的新闻), the subject of a
  course, a drill or a test of the bot, a quotation nobody shouts (店名叫“着火了”), a film or a game, and a
  thing's hazard that has lasted days (电线掉在地上好几天了).
- a learned probability (:class:`nlp.urgency_model.UrgencyModel`), when the training data had an
  ``urgent`` column. It decides alone above :data:`MODEL_URGENT`, except where the words say the danger
  they name is not happening now: then only when it is all but certain (:data:`MODEL_CERTAIN`), since
  it learned from those same words; and never on a short message that names no danger
  (:data:`MODEL_ALONE_MIN_CHARS`).
Words that are as often no danger as a danger (救命 as a sigh, 火苗 of a stove) are broad, not strong.
Each danger is a :class:`Hazard` kind and names the emergency numbers that fit; an :class:`Urgency` says
which hazards its words named, so a caller can give advice that fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from nlp.quick_regex import Searcher, WordGate, prefiltered, quick

POLICE, FIRE, AMBULANCE = "110", "119", "120"

# The learned probability above which a message is urgent on its own, and above which broad words count.
# 0.65, not 0.5: on the corpus's 5-fold held-out few emergencies the words miss sit below it, while everyday
# requests told in the present (我现在在…, 有人在河里游泳) reach 0.5-0.65. Higher (0.7) lost emergencies told in
# new ways that the words do not know.
MODEL_URGENT = 0.65
MODEL_SUPPORTS_WORDS = 0.25
# Above which signs count (a danger told without its word: 一地的血, two different broad words of one danger).
# Lower than for broad words: on the corpus no message that names a sign is a look-alike, but an everyday
# message can name one in passing (献血的时候流了好多血, 宝宝脸色发白吃饭不香), and the model then sees no danger.
MODEL_SUPPORTS_SIGNS = 0.1
# Above which the model alone decides when the text has no cue of the present (现在, 刚才, 突然, 今天, !): on the
# corpus's 5-fold held-out, everyday requests told without one reach 0.65-0.75 (乞讨好多天, 在车里蹲了三天, 污水流了一个
# 星期), while the emergencies the words miss mostly say when.
MODEL_UNCUED = 0.75
# Above which the model alone decides although the words say the danger is not happening now.
MODEL_CERTAIN = 0.9
# A message shorter than this (normalised characters) that names no danger and no urgency (快来, 救命, !) is never
# urgent on the model alone: its probability rests on a word or two that emergencies share with everyday
# requests (有人在…, 在不在). Every emergency of the corpus and dev sets that short names a danger (着火啦, 有人晕倒).
MODEL_ALONE_MIN_CHARS = 16


class Hazard(StrEnum):
    """The kinds of immediate danger the words can name."""

    FIRE = "fire"
    GAS_LEAK = "gas_leak"
    MEDICAL = "medical"  # a person collapsed, unconscious, bleeding
    VIOLENCE = "violence"
    WATER = "water"  # someone in the water
    LIVE_WIRE = "live_wire"
    COLLAPSE = "collapse"
    TRAPPED = "trapped"
    SELF_HARM = "self_harm"
    MISSING = "missing"  # a child or an elderly person gone missing
    TRAFFIC = "traffic"  # someone hit by a vehicle, a crash with people hurt
    PLEA = "plea"  # a cry for help that names no danger


@dataclass(frozen=True)
class Danger:
    """One kind of immediate danger: its strong and broad words, the numbers to call for it, and its signs:
    words that tell the danger without naming it (一地的血, 嘴唇发紫), which count unless the learned model all
    but rules a danger out (:data:`MODEL_SUPPORTS_SIGNS`)."""

    hazard: Hazard
    strong: re.Pattern[str]
    broad: re.Pattern[str]
    services: tuple[str, ...]
    signs: re.Pattern[str] | None = None


# Whose going missing is an emergency: children and the elderly (not a cat, not a phone).
# Someone's own (我家的小孩, 有个老人, 我妈): a generic 老人走失 is a topic, not an event.
_AT_RISK = (r"((我|我家|我们家|屋企|家里|有个|有一个|一个|有位|邻居家?|隔壁家?)的?(小孩|孩子|细路|细蚊仔|小朋友|宝宝|老人家?)"
            r"|小孩(?<![^,.!?;]小孩)|孩子(?<![^,.!?;]孩子)|细路(?<![^,.!?;]细路)|小朋友(?<![^,.!?;]小朋友)|宝宝(?<![^,.!?;]宝宝)"
            r"|儿子|女儿|老豆|老爸|我爸|我妈|阿爸|阿妈|阿婆|阿公|阿嫲|奶奶|爷爷|外婆|外公|婆婆|老母)(?!的)")  # 我女儿的手机 is a thing

# Within one clause (normalised text has ASCII punctuation).
_CLAUSE = r"[^,.!?;，。！？；]"
# Who can be in danger (a thing that falls into a river is no emergency).
_PERSON = (r"(人|小孩|孩子|细路|细蚊仔|小朋友|宝宝|婴儿|老人|阿伯|阿婆|阿公|阿嫲|伯|叔|姨|我|他|她|佢|男|女|学生"
           r"|儿子|女儿|爸|妈|同事|朋友|工人|师傅)")

# Who is hit by a vehicle: a person (a sign knocked down by a car is not a crash with people hurt).
_VICTIM = r"(人|我|他|她|小孩|孩子|老人|老太太|老太|老奶奶|老爷爷|大爷|大妈|大叔|阿伯|阿婆|伯伯|阿姨|学生|小伙子?|后生仔|男子|女子|司机|外卖|骑手|骑车的)"

DANGERS: tuple[Danger, ...] = (
    Danger(
        Hazard.FIRE,
        quick(r"着火|起火|失火|着咗火|烧起来了|烧起嚟|火灾了|喷火|冒火(?![花星])|火警|火光|放火(?!烧山|烧荒|烧草|烧秸秆)|纵火|烧过来|(全|都)是火(?![锅车龙腿柴机花箭鸡])|火海|一片火(?!红)|smoke everywhere|on fire|fire in (the|our|my)|火(已经)?烧到|火" + _CLAUSE + r"{0,6}蔓延|(油锅|锅里|锅|灶台|炉子|炉灶)(里面?)?(着了|烧着)"),
        quick(
            r"着火|起火|失火|火灾|烧起来|烧着了|大火|火势|(全|都)是[黑浓白]烟|往[^,.!?;]{0,6}烧(?!纸|香)|火光|浓烟|黑烟滚滚|都是烟|全是烟|好多烟|冒.{0,4}烟|冒出" + _CLAUSE + r"{0,6}[黑浓白]烟|烟.{0,8}冒出来|喷火|火苗|在烧(?!垃圾|拉圾|秸秆|稻草|纸|香|树叶|落叶|塑料|东西|饭|菜|水|烤|炭|煤|柴)|烧了起来|爆炸|炸了|要爆|山火"
            r"|(罐|桶|锅炉|钢瓶|气瓶|反应釜)[^,.!?;]{0,2}爆了|一股[黄黑白浓绿]色?的?烟|爆燃|闪爆|烧焦味|焦味|烟感.{0,4}响|火警铃|火(越来越|好|很|太|咁)(大|猛|旺)|火(苗)?(往上)?窜|窜火|烧着咗|电池.{0,3}(爆|炸|起火|冒烟)|轰的一声|一声巨响|巨响|红光|fire|smoke"
        ),
        (FIRE,),
    ),
    Danger(
        Hazard.GAS_LEAK,
        quick(r"(煤气|燃气|天然气|液化气)(泄漏|泄露)|(煤气|燃气|天然气|液化气)(好大|很大|好重|很重|好浓|很浓|好冲|很冲)?(阵|股)?味|漏气|gas leak|smells? (of )?gas|gas smell"
              r"|(煤气|燃气|天然气|液化气)软?(管|管道|喉).{0,8}(挖断|铲断|压断|撞断|挖爆|断了|破了|裂了|爆了)"
              r"|(氨气|氯气|毒气|硫化氢)(管|罐|瓶)?.{0,4}(泄漏|泄露|漏|破|爆|喷)"
              r"|(燃气表|煤气表|气表|燃气管|煤气管|气罐|煤气罐|液化气罐|燃气灶|煤气灶)" + _CLAUSE + r"{0,6}(嘶嘶|滋滋|呲呲)"),
        quick(
            r"(煤气|燃气|天然气|液化气|气罐|气瓶|阀门|燃气管).{0,8}(泄漏|泄露|漏了|在漏|一直漏|喷|嘶嘶|滋滋|爆)|天然气味|液化气味|臭鸡蛋的?(味|气味)|(煤气|燃气|天然气|液化气)的味道"
            r"|(气体|化学品|氯气|氨气|毒气|液体).{0,6}(泄漏|泄露|漏)|刺鼻|(燃气表|煤气表|气表).{0,8}(嘶嘶|滋滋|漏气|在漏)"
        ),
        (FIRE,),
    ),
    Danger(
        Hazard.MEDICAL,
        quick(r"心脏骤停|停止呼吸|喝了?农药|吃了?老鼠药|(煤气|一氧化碳)中毒|噎住了|羊水破了|晕倒|昏倒|晕过去|昏迷|不省人事|没有?呼吸|[叫喊拍摇推]不醒|[叫喊拍摇推]都[叫喊拍摇推]不醒|抽搐|口吐白沫|大出血|血流不止|头破血流|倒在血泊"
              r"|血.{0,3}止不住|止不住.{0,2}血|(眼睛|眼珠|眼球)(往上|向上)翻|(发烧|高烧|发热).{0,3}抽筋|(发烧|高烧|发热)[^.!?;。！？]{0,8}(抽动|抽搐|眼睛发直|两眼发直)|(人|他|她|佢|老人|阿伯|阿婆)[^，。！？]{0,3}没气了|割脉|嘴巴?歪了|口眼歪斜|突然说不出话"
              r"|(半边|一边|手脚)[^，。！？]{0,4}(抬不起来|没力气?|不能动|动不了)|手[^，。！？]{0,2}抬不起来"
              r"|swallowed (a |some |the )?(battery|batteries|button battery|pills|bleach|poison|magnet)|(扎|刺|捅|插)穿|突然(唔识讲嘢|讲唔到嘢|讲不了话|说不了话)|(面|脸)歪|fainted|not waking up"
              r"|(吸|呛|卡|掉)(进|入|到)了?气管|误(服|食|喝|吞)|药当" + _CLAUSE + r"{0,3}(糖|零食)|咬穿|烫(?<=(?:满脸|一脸|满身|全身)烫)伤|烧(?<=(?:满脸|一脸|满身|全身)烧)伤|烫(?<=大面积烫)伤|烧(?<=大面积烧)伤"
              r"|(口|嘴)(里|角|边)?" + _CLAUSE + r"{0,3}白沫|(喝|吃|吞)(了|咗|落)?" + _CLAUSE + r"{0,12}(洗洁精|消毒水|消毒液|漂白水|洁厕|洗衣液|杀虫剂|除草剂|百草枯|纽扣电池)"),
        quick(
            r"晕了|倒地|倒下|倒在地上|倒在路边|躺在?地上(?!不让|不准|拦|挡|撒泼|耍赖|打滚|哭闹|要钱|讹)|躺地上|坐在?地上起不来|呼吸困难|喘不[上过]气|没(?<![按点钮机码屏键灯]没)(?<!按了没)有?反应|没声音了|叫他不应|叫佢唔应"
            r"|惊厥|心脏病|心口(好|很|非常)?痛|胸口(好|很|非常)?痛|heart attack|choking|can't breathe|cannot breathe|overdose|休克|吐血|在流血|流了?很多血|满身是血|成身系血|全是血|受了?重伤|起不来|动不了|不会动|不(?<![拧推拉搬扭转掰抬挪]不)动了|一动不动|不能动"
            r"|心肺复苏|aed|中风|偏瘫|口齿不清|说话不清|跌倒|跌亲|冇反应|唔醒|冇气|(满脸|满头|一脸|一身|全身)是血|嘴唇.{0,2}(青|紫)|脸色?发紫|头晕|呕吐|脸发紫|脸色发青|中暑|烫伤|咬了|没意识|摔下来|摔倒|无法起身|呻吟|中毒|噎住|卡住喉咙|过敏|嘴唇发紫|脸色发白|昏昏沉沉|抽筋|癫痫|羊癫疯|要生了|被狗咬|被蛇咬|咬伤|好多血|很多血|翻白眼|叫.{0,3}(不|唔)(应|醒|睁眼)|说不出话|passed out|not breathing|unconscious"
            r"|摔了|摔伤|跌伤|撞伤|摔断|(好多|很多|几个)人" + _CLAUSE + r"{0,3}(咳|晕|吐)|连人带车|血" + _CLAUSE + r"{0,4}(往外冒|直流|流个不停|一直流)|出血|憋得|咳不出来|喘气很急|嘴唇发白|冒冷汗|脸都白了"
            r"|捂着(胸口|头|肚子)|躺在(马路|路)(中间|上|边)|烫到|烧伤|起泡|往下垂|拿不住"
            r"|被[^,.!?;]{0,3}(蛰|蜇)|喉咙[^,.!?;]{0,2}(紧|肿|堵)|肿得|爬不起来|站不起来|抽动|发直|collapsed|bleeding"
            r"|叫" + _CLAUSE + r"{0,3}(不|唔)(开门|应门)|一直(在)?(吐|呕)|吐了好几次"
            r"|烧炭取暖|敲门[^,.!?;]{0,2}没(有)?人(开|应)|敲门[^,.!?;]{0,2}没(有)?(反应|回应)"
        ),
        (AMBULANCE,),
        # Signs of a person in danger told without a danger word: much blood, a blue or grey face, down and
        # unable to get up, not breathing well, no response (a button's 没反应 names no person), bone showing; and
        # the broad words that no look-alike of the corpus or the dev sets names (叫他不应, 一动不动, 在流血).
        quick(r"叫.{0,3}(不|唔)(应|醒|睁眼)|倒下|在流血|一动不动|(满脸|满头|一脸|一身|全身)是血|说不出话|倒地|捂着(胸口|头|肚子)"
              r"|(好多|很多|一地|满地|一大滩|一滩)的?血(?!水|压|糖|脂)|血流(了)?一地|流了?(好多|很多|一地|不少)的?血"
              r"|(冒|出)冷汗|嘴唇.{0,2}(青|紫)|脸色?发(紫|青|灰)|(脸|嘴唇)(都|已经)?(青|紫)了|呼吸不过来"
              r"|(摔|跌|倒|坐|躺|趴|瞓)[^.!?;]{0,12}(起不来|站不起来|爬不起来|起唔到身|起唔嚟|起唔到)(?!床)"
              r"|(喘(?<!闷得喘)不[上过]气|呼吸困难|透(?<!闷得透)不过气|抖唔到气|唞唔到气)"
              r"|(人|他|她|佢|老人|阿伯|阿婆|伯|叔|姨|爸|妈|公|婆|爷|奶|孩子|小孩|宝宝|叫|喊|推|拍|摇)" + _CLAUSE + r"{0,6}(没|冇)有?(反应|知觉|意识)"
              r"|骨头" + _CLAUSE + r"{0,3}(露出来|戳出来)|(脸|身|手|腿|头)上?(全|都)是(烫伤|水泡|血)|(开水|热水|热油|滚水|热汤|沸水)" + _CLAUSE + r"{0,4}烫"),
    ),
    Danger(
        Hazard.VIOLENCE,
        quick(r"持枪|拿枪|被绑架|绑架了|被拐|砍人|斩人|互砍|持刀|拿刀|拿着刀|拿(住|着)?一?把.{0,4}刀|捅人|被捅|行凶|抢劫|正在偷|正在撬|在撬"
              r"|(在|正在)[^，。！？]{0,4}打(我|他|她|人|孩子|小孩|老婆|老人|一个(人|女|男|小|老|学生|外卖))(?!电话|手机|的电话)|(弄|打|砍|斩)死(我|你|人|佢)|掐(着|住|了)?" + _CLAUSE + r"{0,4}(脖子|喉咙|颈)|打得[^，。！？]{0,4}(是血|流血|出血)|(人|女|男|孩|老人)[^，。！？]{0,4}惨叫|围殴|互殴|挥拳|堵在[^，。！？]{0,8}打|刺人|手上有刀"
              r"|拿(着|住)?.{0,4}(刀|剪刀|铁棍|石头|砖头|砖|酒瓶|啤酒瓶|凳子|椅子).{0,6}(砍|刺|砸|打)|拿(着|住)?[^，。！？]{0,3}(砍刀|菜刀|西瓜刀|长刀|刀子|匕首)|按在地上.{0,4}(打|抽)"
              r"|挥(着|舞)?" + _CLAUSE + r"{0,3}刀|谁" + _CLAUSE + r"{0,4}就(砍|杀|捅|打)谁|(拿着|提着|带着|拎着|揸住|淋)" + _CLAUSE + r"{0,2}汽油|泼汽油"
              r"|烧(?<=要烧)死?(我|你|他|她|我们)?(家|屋|房子)|绑(在|住)" + _CLAUSE + r"{0,6}打"
              r"|(持|拎|提|举|抓|握|揸)(着|住|起|咗)?" + _CLAUSE + r"{0,3}(刀|斧|枪)|(被|把)" + _CLAUSE + r"{0,4}推(下|进|到)" + _CLAUSE + r"{0,2}(站台|轨道|楼|河|水|海)|with a knife|stabbed|has a gun"),
        quick(
            r"打人|打起来|打架|殴打|群殴|砍伤|动刀|捅伤|抢包|抢东西|家暴|打老婆|打孩子|往死里打|被[^，。！？]{0,3}打(了|伤)|已经打了一?个人|绑架|劫持|拿着?棍|撬.{0,4}门|撬锁|入室|闯进"
            r"|(正在|在)砸|打了我?(老公|老婆|爸|妈|儿子|女儿|孩子)|翻进来|追着打|要杀|杀人|见血|砸头|掏出刀|偷车|抢.{0,2}(链|包|手机|钱)|绑在|剁|打交|爬窗|爬进|撬窗|砸门|踹门|砸车|砸店|拐走|抱走|抢(孩子|小孩)|尾随|跟踪我|被人堵|被.{0,4}围住|掐脖子|猥亵|性侵"
            r"|被(人|他们|他)?关(在|起来)|把我堵|堵住我(?!(?:哋|们)?(?:村|门|家|屋|车|店|楼|路|的|嘅|小区|铺|出口))|爬" + _CLAUSE + r"{0,6}(水管|防盗网|阳台)|砸" + _CLAUSE + r"{0,4}(窗|玻璃)|躲在(房间|厕所|屋|柜)"
        ),
        (POLICE,),
        # Signs: a robbery or someone held, told without a word of violence.
        quick(r"被(人|他们|他)?关(在|起来)|被人?抢(了|劫|走)|(有人|有个人|几个人|两个人)(在)?抢(劫|包|钱|手机|金链|项链|东西)"),
    ),
    Danger(
        Hazard.WATER,
        quick(r"被水冲走|人被冲走|落水|溺水|跳河|(水|已经).{0,6}(到|没过|淹到|浸到)了?.{0,3}(腰|胸|(?<!脚)脖子)|人.{0,2}漂着|漂着(一个|个)人|(有人|有个人|一个人|小孩|孩子)[^，。！？]{0,6}往下沉|人在往下沉|(跌|掉|冲)(咗|了)?落(海|河|水|塘|涌)"
              r"|" + _PERSON + r"被(水|浪|洪水|大水|河水|海浪|急流)?(卷|冲)走"
              r"|决堤|溃坝|(堤|坝)" + _CLAUSE + r"{0,4}(冲开|冲垮|垮了|崩了|决口|缺口)"
              r"|" + _PERSON + _CLAUSE + r"{0,6}(掉进.{0,4}(河|水|塘|湖|江|海|池|渠)|掉.{0,2}(河|鱼塘|水塘)里)"
              r"|(掉进.{0,4}(河|水|塘|湖|江|海|池|渠)|掉.{0,2}(河|鱼塘|水塘)里)" + _CLAUSE + r"{0,4}" + _PERSON),
        quick(
            r"滑进.{0,3}(河|水|塘|去)|冲进.{0,5}(渠|河|沟|涵洞)|卷进|在(?<![泡浸站踩]在)水里|水度挣扎|被水冲走|冲走了|卷走了|淹到人|水里挣扎|河里漂着|漂着一个人"
            r"|滑下去了|没上来|(到|没过|淹到)了?.{0,3}膝盖|浮在水面|水漫|水涨|倒灌|还没出来|没出来|拉不上来|爬不上来|淹没|灌进来"
            r"|掉进.{0,4}(河|水|塘|湖|江|海|池|渠)|掉.{0,2}(河|鱼塘|水塘)里|扑腾|被水(包围|围住|困|冲倒)|冲倒|水(越来越|一直在?)(高|深|涨)|水" + _CLAUSE + r"{0,4}漫(到|进|过)"
        ),
        (POLICE, FIRE, AMBULANCE),
    ),
    Danger(
        Hazard.LIVE_WIRE,
        quick(r"触电|被电到|电到人|电击|电线.{0,3}(掉|断|垂|落)(在|到)?(地|路)"),
        quick(
            r"(电线|电缆|高压线|线缆|线路).{0,6}(掉|断|垂|落|冒火|打火|火花|搭在)|漏电|带电|冒火花|火星子|放电|电到|被电(?![动瓶车话梯脑视])|电箱.{0,6}(冒火|打火|火花|着火)"
            r"|电线杆.{0,3}(倒|断)"
        ),
        (POLICE, FIRE),
    ),
    Danger(
        Hazard.COLLAPSE,
        quick(r"倒塌|坍塌|被埋|砸到人|山体滑坡|滑坡了|地陷了|泥石流|山泥(倾泻|冲)"
              r"|(墙|楼|阳台|屋顶|房顶|天花板?|房子|屋|棚|脚手架|塔吊)[^，。！？]{0,3}(塌下来|在倒|在塌|塌咗)"
              r"|(快要?|随时|就要|马上|要)(掉|砸|塌|倒|跌落)(下来|落嚟)[^。！？]{0,30}(下面|楼下|底下)[^。！？]{0,12}(人|车)"
              r"|(砸|掉|塌|压|倒)[^.!?;。！？]{0,12}下面(还|好像)?(有|压着)(一?个|几个|好多)?" + _PERSON + r"|砸(到|中|伤)了?(一个|个|一位|位)?(人|路人|行人|小孩|孩子|老人|学生|工人|阿伯|阿婆)(?![家的])"
              r"|(塌|垮)了?[^.!?;。！？]{0,16}(正下方|正下面|下面|底下)(就)?是(人行道|马路|路|街|通道|门口|学校|操场|停车场)"
              r"|(小孩|孩子|小朋友|宝宝|细路|老人)" + _CLAUSE + r"{0,4}(爬|挂|站|坐|卡|吊|悬)(在|到|出)?" + _CLAUSE + r"{0,6}(窗户外面|窗外|阳台外|防盗网外|栏杆外)"),
        quick(
            r"(塌|倒|垮).{0,8}(砸|压|埋|困|人在|有人|还有人)|砸中|砸伤|被砸(?<![车窗]被砸)(?<![车窗][都也]被砸)|被压|压住了|压在.{0,4}下面|正在塌|塌陷|塌了|要塌|快塌|垮了|要垮"
            r"|掉下去|掉下来|砸下来|踩空|掉进.{0,3}(坑|井)|吊在|挂在外面|挂着晃|在晃|(爬|挂|站|坐|卡|吊|悬)(在|到|出)?(窗户外面|窗外)|窗台上|窗台外|爬上了?窗台|空调(外机|架|支架)上|坐在.{0,6}边上|往下掉"
            r"|开裂|裂缝.{0,6}变大|滑坡|泥石|(?<!床上)下不来|没上来"
        ),
        (FIRE, AMBULANCE),
    ),
    Danger(
        Hazard.TRAPPED,
        quick(r"困人|被困|困在电梯|电梯" + _CLAUSE + r"{0,6}(往下坠|下坠|坠落|急坠|往下掉|掉下去|冲顶|溜梯)|(小孩|孩子|宝宝|婴儿|老人).{0,4}(关|锁|困)在车里"),
        quick(r"困住|困在|出不来|关在电梯|卡在电梯|锁在车里|电梯.{0,6}(困|关|卡|停)|门打不开|上不来|走不出来|被水(包围|围住)"),
        (FIRE,),
    ),
    Danger(
        Hazard.SELF_HARM,
        quick(r"跳楼(?!价|甩卖|大甩卖)|要去?跳(楼|河|海|江|下去|落去)|(说|话|要|想)[^，。！？]{0,2}(割腕|割脉|跳河|跳海|跳江|跳楼|自杀|寻死|轻生)|(要|想|准备|闹)自杀|自杀了"
              r"|(吃|吞)(了|咗|落)?(一|整|成|好多|很多|大量|一大把)[^，。！？]{0,3}(安眠药|药)|整瓶药|成樽药"),
        quick(r"想不开|不想活|活着没意思|活不下去|遗书|对不起(我们|大家|爸妈)|永别|自杀|要跳(?!过)|跳下去|跳下来|轻生|割腕|喝农药|站在.{0,8}(外面|边上)"
              r"|爬(出|过|到)" + _CLAUSE + r"{0,2}(栏杆|护栏)(外)?|(栏杆|楼顶|天台|桥)" + _CLAUSE + r"{0,4}(外面|外边|边上|边缘)"),
        (POLICE, AMBULANCE),
    ),
    Danger(
        Hazard.MISSING,
        quick(_AT_RISK + r"[^。！？!?；;]{0,24}?(不见了|走丢了|走失了|唔见咗|失踪)(?![一两几]?[个只支件张部台辆本把条块双]|东西|钱)"
              r"|(到现在|个小时|一天|一夜|整晚|天黑|痴呆)[^。！？!?；;]{0,8}(还没|还没有|仲未|都没)(回来|回家|返)"),
        quick(_AT_RISK + r"[^。！？!?；;]{0,24}?((没|冇)找到|找不到|联系不上|不知去向|打不通|没人接|不接|不开门|还没回来|没回家|仲未返|冇返)"),
        (POLICE,),
    ),
    Danger(
        Hazard.TRAFFIC,
        quick(_VICTIM + r"(?:(?!狗|猫|宠物|车|怕|担心|万一|如果|要是|会|可能)[^，。！？差险]){0,4}被[^，。！？]{0,6}撞(?!过)|撞(倒|飞)了?(一?个|一?位|人|行人|小孩|老人|学生)|(轧|碾|压)(到|了|住)人|" + _VICTIM + r"被.{0,4}(碾|轧)"
              r"|把" + _CLAUSE + r"{0,6}" + _VICTIM + _CLAUSE + r"{0,2}(撞飞|撞倒|撞翻|碾|轧)|撞(咗|到)(个|一个|一?位)?(人|细路|小朋友|老人|阿伯|阿婆|小孩|行人)"
              r"|卷(到|进)车底"),
        quick(r"车祸|撞车|追尾|翻车|车翻了|侧翻|撞护栏|撞到树|撞上|连环撞"),
        (POLICE, AMBULANCE),
    ),
    Danger(Hazard.PLEA, quick(r"(喊|叫|呼)救命|呼救"), quick(r"救命|救人|help|sos|(?<!尽)快来人(?!管|处理|看看|修|收|清)|帮帮忙|幫幫忙|快叫救护车|快叫消防|快叫警察|快报警|快打(110|119|120)|(赶紧|紧急|马上|要|在)疏散"), (POLICE, FIRE, AMBULANCE)),
)

# Any strong danger word at all: one search that lets most messages skip the per-danger checks.
# These long unions run only on texts that hold the words they need (nlp.quick_regex.Prefiltered): most hold none.
_ANY_STRONG = prefiltered("|".join(f"(?:{d.strong.pattern})" for d in DANGERS))
_ANY_WORD = prefiltered("|".join(f"(?:{p.pattern})" for d in DANGERS for p in (d.strong, d.broad, d.signs) if p is not None))
# Dangers for which two different broad signs told as now are as sure as a strong word (倒在地上 + 一动不动,
# 水涨 + 被水围住, 浓烟 + 火苗): no non-urgent message of the corpus or the dev sets names two.
_PAIRED = frozenset({Hazard.FIRE, Hazard.MEDICAL, Hazard.WATER, Hazard.COLLAPSE})
_ANY_SIGN = quick("|".join(f"(?:{d.signs.pattern})" for d in DANGERS if d.signs is not None))
_ANY_PAIRED_BROAD = prefiltered("|".join(f"(?:{d.broad.pattern})" for d in DANGERS if d.hazard in _PAIRED))
# Which dangers' strong words, broad words and signs a text can name at all: one pass instead of a search of each.
_NAMEABLE = WordGate({(danger.hazard, kind): pattern for danger in DANGERS
                      for kind, pattern in (("strong", danger.strong), ("broad", danger.broad), ("signs", danger.signs))
                      if pattern is not None})

# Before a danger word, in the same clause: negated, feared, hypothetical, habitual or hearsay.
_NOT_NOW_BEFORE = quick(
    r"(不是|唔系|唔係|不像|(?<!好)像(?!是)|以为|没有|没|未|并非|无|不会|(?<![社机开大晚])会(?![场议所])|别|防止|预防|避免|以防|防范|万一|怕|惊|担心|害怕|容易|可能会|会不会|如果|要是|一旦|假如"
    r"|真(?![的是])|杀鱼|杀鸡|杀鸭|杀猪|宰|假装|装作|扮演|差点|差一点|险些|演练|演习|培训|宣传|模拟|引发|导致|造成|以免|免得|担忧|有没有|经常|成日|总是|老是|常常|听说|每年|也能|(?<![同放上化科数])学(?![生校员堂院])|(?<!消)防(?!盗|护|晒|水|滑|火门|爆|风|蚊)|想问|请问|问一?下|咨询|打不|点不|打唔|点唔|打得着|点得着|以后|遇到|碰到|曾|迟早|早晚|总有一天|哪天|电影|电视剧|灾难片|游戏|梦到|梦见|做梦|天天|每天|整天|成天|日日|不知道?(哪|谁|什么|是不是)|唔知(边|乜|系咪)|发生过|出过|有过|长期|常年|烟囱|烟筒|排气管|排烟管|熏得|熏到|小心|当心|谨防|严禁|禁止)[^，。！？,.!?；;]{0,6}$"
)
# Further before a danger word, in the same clause: a hypothetical or a worry about some day (我担心哪天楼上那个
# 花盆掉下来砸到人, 假如有人在我家门口晕倒了…): these words frame all that follows them in their clause.
_SUPPOSED_BEFORE = quick(r"(如果|假如|假设|假使|倘若|要是|万一|一旦|担心|哪天|哪一天)[^，。！？,.!?；;]{0,16}$")
# Just after a danger word: it names a hazard, an activity or a thing, not an event (燃气泄漏检测, 触电保护器,
# 溺水的急救方法, 被困时怎么办), or it happened before (失火过).
_NOT_NOW_AFTER = quick(
    r"^(隐患|风险|安全|承诺书|演练|演习|预警|宣传|知识|报警器|事故隐患|事故|的可能|保险|险|通道|器材|设施|的宣传|的事|那件事|的问题|原因|电话|号码|铃声|铃|钟"
    r"|(就|要|应该)?打(110|119|120)(对吧|吗|吧|是吧|对不对|对唔对|啱唔啱|系咪)|(的)?救援[^,.!?;，。！？]{0,3}(收|要)[^,.!?;，。！？]{0,2}(钱|费)"
    r"|[^,.!?;，。！？]{0,4}过(?![来去道了])(?=[,.!?;，。！？]|$)|[^,.!?;，。！？]{0,4}的(案子|案件)|的话|怎么(办|跑|逃|出去)|咋(办|跑|逃)|都(逃|跑|出)不|就(跑|逃|出)不"
    r"|(检测|保护器|应急|预警|方法|知识|培训|课|点?标识|点?标志|指示|费|演练|视频)|的(检查|报警|急救|救援|逃生|方法|预警)"
    r"|的?时(怎么办|应该|要怎么|该怎么|如何)|.{0,3}的?时候(怎|应|要|该|如)|过(?!来|去|道|了)|的?那一?(次|回|件)|急救(的|课|知识|培训|方法|常识)|自救|逃生(的|知识|方法|演练|路线)"
    r"|的?(新闻|报道|短?视频|图|照片|事情|事件|案例|案件|案子|画面|镜头|场景|情节|剧情)|.{0,4}(杀鱼|杀鸡|杀猪|切菜|切肉|剁肉|削|砍柴|砍树)| ?(alarm|extinguisher|detector|station|exit|drill|door|escape|brigade|safety|hazard|insurance))"
)
# Anywhere: the danger is over, was in the past, or is the background of another request.
_OVER = prefiltered(
    r"已经?(扑灭|灭了|被扑灭|救出|送医|送院|送走|脱险|没事|处理好|处理完|清理完|修好)|(来|已经?|都)(查|检查|看)过了?|(嚟|都)睇过|(警察|民警|派出所).{0,6}(带走|抓走)|后来.{0,10}(找到|回来|没事|送)|(查|检查|看)(了|过)(以后|之后)?[^，。！？]{0,4}说(是|系)[^，。！？]{0,8}(味|误报|正常|没事|冇事|没问题|冇问题)|人没事|都没事|自己(爬|站|坐)起来|站起来走了|后来.{0,10}(走了|好了|醒了|散了)|(救起来|救上来|救上岸)了|已经没人了|人都走了|都散了|拔(了|掉)插头|拉了闸|断了电|跳闸了|(现在|已经)停(了|下来了)|(燃气公司|师傅|物业|供电所|消防)[^,.!?;]{0,4}说(是|系)?[^,.!?;]{0,6}(正常|没事|冇事|没问题|冇问题|误报)|已经?(烧|吵|打)完了?|(原来是|结果是|原来系|一看是|看是)(?![^,.!?;]{0,6}(着火|起火|火|烟|血|倒|晕|打))|(好几|好多|很多)次了|经常这样|成日都系咁|已经(回家|回来|到家)了|(还好|幸好|好在|幸亏)[^,.!?;]{0,6}(没|冇|及时|拴着|发现得早)|找(?<![没未]找)(到|着|回来)了|(关好|关掉|关紧|关上)了|就没(味道?)?了|味道?(散|没|淡)了|(总闸|总阀|电闸|阀门)(已经)?(关|拉|断)(了|掉|好)|关了(总闸|总阀|电闸|阀门)|火灭了|不用派人|不用过来|虚惊一场|没人受伤|无人受伤|没有人受伤|住院|住在医院|(血|伤口)?止住了|出院|^(感谢|表扬|点赞)|醒过来了|医药费|工伤|赔偿|赔钱|理赔|报销|(不肯|不愿意?|要他|让他|叫他|谁)赔|(没有?|冇)(味道?|气味)了|(没|冇)出事|气话|是误报|误报了|(是|系)(上个?|去年|前年|前几|之前|以前)[^,.!?;]{0,5}(的事|嘅事)|(已经|都)(来|到)了[^.!?;]{0,6}在(修|抢修|处理)"
    r"|(救护车|120|家属|家人|家里人)[^,.!?;，。！？]{0,4}(拉走|接走|送走|带走|接回)(了|咗)|已经醒(了|过来)|拔(了|掉)(插头|电源|了)"
    r"|(都|全部?)?(是|系)假(的|嘅)|(没|冇)有?(砸|压|撞|伤)(到|中|着)?(人|到人)|闻(了|过|咗)?[^,.!?;，。！？]{0,3}(没|冇)有?(什么|乜)?(味道?|气味)"
)
# A quarrel that has stopped (吵得很凶，现在没声音了 / 已经走了): neither broad words (没声音了) nor the model, which
# learned quarrels next to fights, make it urgent on their own; strong words and signs still count.
_QUIETED = quick(r"(吵|骂|闹)" + r"[^.!?;]{0,16}(没声音了|安静了|不吵了|(已经|都)(走|散)了)")
# Earlier in the danger word's sentence: it is told as news or hearsay (看新闻说…着火了, 朋友圈转发说…被拐).
_HEARSAY = quick(r"群里[^，。！？,.!?；;]{0,4}(说|讲|发|传)|新闻|报道|电视(上|里)|广播(说|里)|听说|听人(讲|说)|听讲|据说|朋友圈|抖音|微博|网上(说|传|看到)|刷到|视频(里|上|说|中)|转发|传言|谣言|辟谣|系咪真|是不是真的|是真的吗")
_PAST = quick(r"上周|上星期|上礼拜|上个礼拜|上个月|上次|上一次|去年|前年|前几天|前天|昨天|昨晚|前晚|那天|那次|那回|以前|之前|曾经|早前|年前|几天前|上回"
              r"|琴日|寻日|尋日|琴晚|寻晚|前阵子|前段时间|早几天|早排|几个月前|半年前|小时候|last (week|month|year|night)|yesterday| ago")
_NOW = quick(r"现(?<!到现)在|正在|还在|刚刚|刚才|马上|赶紧|快来|快点|快啲|而家|救命|紧急|此刻|目前|!|！")
_STILL = quick(r"正在(?!修|抢修|处理)|还在(?!保修|保质|保内|修|抢修|处理)|又|救命|快来|还是有|仍然|依然|这次|这回|今次")
# After a cue that the danger is over, a "but" before a danger word: it is not over (孩子找到了，可是他掉进了坑里).
_CONTRAST = quick(r"可是|但是|但|不过|结果|谁知|没想到")
# Earlier in a danger word's sentence, with no cue of the present between: it was heard of or happened before
# (听说昨晚那边砍人了，现在还危险吗). A past that runs on to now (昨天开始, 昨晚就) is no such cue.
_PAST_EVENT = quick(f"(?:{_PAST.pattern})(?![^，。！？,.!?]{{0,3}}(开始|以来|一直|到现在|到今天|至今))")
_THEN = quick(f"(?:{_HEARSAY.pattern})|(?:{_PAST_EVENT.pattern})")
_BACK_TO_NOW = quick(_NOW.pattern + r"|又|今天|今晚|今早|今日|今朝|这次|这回|而家|宜家|依家")
# A cue that the matter is happening now, for the model alone (:data:`MODEL_UNCUED`).
_PRESENT = quick(_BACK_TO_NOW.pattern + r"|突然|一下子|忽然|快|急|help|now")


@dataclass(frozen=True)
class Urgency:
    """Result of urgency detection: the flag, the hazards the words named (none when the learned model
    alone decided) and the numbers to call."""

    urgent: bool
    hazards: tuple[Hazard, ...] = ()
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class DangerWords:
    """The dangers a text names as happening now, by strength of the words."""

    strong: tuple[Danger, ...]
    broad: tuple[Danger, ...]
    # Named by signs, or by two different broad words of a danger of _PAIRED.
    signs: tuple[Danger, ...] = ()
    # The text names a danger only as not happening now (negated, past, over, feared): the learned model,
    # which sees the same words, must not make it urgent on its own unless it is all but certain.
    dismissed: bool = False


_SENTENCE_END = quick(r"[。！？!?；;\n]")
_CHRONIC = quick(r".{0,3}((好|几|[一二两三四五六七八九十]+)几?(天|周|个?星期|个?礼拜|个月|年)了|好久了|很久了)")
# Anywhere in a thing's danger word's sentence: it was reported days ago (已经报修一个礼拜了没人来), a hazard to fix.
_REPORTED_LONG_AGO = quick(r"(报修|反映|投诉|打电话|打了电话)" + _CLAUSE + r"{0,6}(好几|一|两|三|几|多|半)个?(天|礼拜|星期|周|月)")
# Around a danger word: a state that has lasted months or years (中风三年了), for a person too.
_CHRONIC_LONG = quick(r"([一二两三四五六七八九十几多半]+|\d+)(个多?月|多?年)了|(一直|长期)(卧床|瘫痪|躺在床上)")
# The hazards of things, for which lasting days makes a danger word a hazard to fix; a person down for days is
# still an emergency.
_THINGS = frozenset({Hazard.FIRE, Hazard.GAS_LEAK, Hazard.LIVE_WIRE, Hazard.COLLAPSE, Hazard.WATER})
# Dangers whose broad words tell a person's state or place, which a thing can be in too (站牌倒在地上, 花盆摆在栏杆外面).
_PEOPLES_STATES = frozenset({Hazard.MEDICAL, Hazard.SELF_HARM})
# Anywhere in a danger word's sentence: the danger is the subject of a test of the bot, a course, a drill or a
# campaign, or its truth is doubted (孩子误吞东西了怎么急救，想报个家长课; 朋友说有人跳楼了，不知道真假).
_SUBJECT_OR_DOUBT = quick(r"是不是" + _CLAUSE + r"{0,6}(质量|坏了|有问题|正常)|正常吗|什么原因|是什么病|是不是(贫血|缺|感冒|上火|过敏|哮喘|低血糖|中暑)|要不要紧|挂什么科|看什么科|吃什么药|测试(?<!不是测试)(?<!唔系测试)|试一下|试试|开玩笑(?<!不是开玩笑)|培训|课程|急救课|安全课|讲座|科普|演练|演习|报名|讲讲|讲课|宣传|知识|以防万一|想学|学一下|骗子|诈骗|不知道?真假|是不是真的|是真的吗|真的假的|是谣言|谣言吗|辟谣"
                           r"|(要|收)不?收?[^,.!?;，。！？]{0,2}(钱|费)(吗|嘛|么|不)|收不收费")


# A thing whose state a person's words can tell (电梯不动了, 车动不了, 站牌倒在地上), and who is a person.
_THING_NAMED = quick(r"狗|猫|鸡|鸭|鸟|鱼|宠物|电梯|车|机|门|灯|站牌|站排|杆|树|牌|架|桩|锁|柜|表|屏|桥|路|墙|水管|花盆|盆栽|杂物|衣服|被子")
_PERSON_NAMED = quick(_PERSON + r"|[友哥姐弟妹嫂客员孩娃仔]|骑|司机|乘客|小伙|阿姨|大叔|大爷|大妈|老伯|老太|伯伯|公公|奶奶|爷爷|外婆|外公|家属")
_CLAUSE_ENDS = ",.!?;，。！？；\n"
# Just after a thing's danger word: what followed it (着火之后一直没人管, 倒塌以后), told once it was over.
_AFTERMATH = quick(r"了?(之后|以后|过后)")
# Just after a danger word that follows 一: whenever it would happen (一着火就完了, 一漏电就跳闸).
_ONE_THEN = quick(r"[^,.!?;，。！？]{0,4}就")
# Earlier in a broad word's sentence, with no cue of the present after it: the danger is a habit (经常在阳台上
# 烧纸，火苗窜得比栏杆还高), a hazard to report.
_HABIT = quick(r"经常|常常|总是|总有|老是|老有|成日|每天|天天|每晚|每次|一到")
# Just before a broad word of collapse: it has not fallen yet (快掉下来了, 看着要塌了).
_ABOUT_TO = quick(r"(快要?|就要|随时|看着要|好像要|快要?[^,.!?;]?)$")
# An animal in the clause before a word of collapse or of being trapped, and no person: a pet stuck (猫卡在空调外机上
# 下不来了), for which no one's life is in danger.
_ANIMAL = quick(r"猫|狗|鸟|鹦鹉|鸽子|宠物|兔子|仓鼠")
# Whose animal it is (我家的猫, 邻居的狗): an owner named, not a person in danger.
_OWNER = quick(r"(我|我们|你|你们|他|她|他们|邻居|隔壁|楼上|楼下)(家)?的?(?=小?(猫|狗|鸟|鹦鹉|鸽子|宠物|兔子|仓鼠))")
_ANIMALS_ONLY = frozenset({Hazard.COLLAPSE, Hazard.TRAPPED})
# A nuisance told beside a cry for help (救命啊，隔壁装修太吵了): a sigh, not a plea.
_NUISANCE = quick(r"(太|好|很|超|吵|嘈|臭|烦)(吵|嘈|臭|烦)|吵(死|到|得)|嘈(死|到)|臭(死|到)|烦(死|到)")  # not heat: it can be one
# People named anywhere in the text, who a thing about to fall would hit (下面还有人, 人很多, 一个老人挂在外面).
_AT_RISK_NEARBY = quick(r"有人|人(在|很多|多|来人往)|小孩|孩子|老人|学生|行人|路人|工人|住户|阿伯|阿婆|小朋友|我(在|们在)")


_QUOTE_OPEN, _QUOTE_CLOSE = "“‘「『", "”’」』"
_SHOUTED = quick(r"(喊|嗌|呼|大叫|尖叫|在叫|叫着|叫了一声|叫道)[^,.!?;]{0,2}$")  # not 叫 of a name (店名叫“…”)


def _is_quoted(text: str, start: int, sentence_start: int) -> bool:
    """Whether ``start`` lies inside a quotation opened earlier in its sentence that nobody shouts."""
    opened = max(text.rfind(q, sentence_start, start) for q in _QUOTE_OPEN)
    closed = max(text.rfind(q, sentence_start, start) for q in _QUOTE_CLOSE)
    return opened > closed and not _SHOUTED.search(text, sentence_start, opened)


# How a match of a danger word stands: not a danger now, told only as hearsay or the past, or happening now.
DEAD, FRAMED, LIVE = 0, 1, 2
_SENTENCE_ENDS = "。！？!?；;\n"
_CLAUSE_BREAK = quick(r"[,，、]")


def _liveness(text: str, match: re.Match[str], thing: bool, broad: bool = False) -> int:
    """How one match stands; ``thing``: its hazard is a thing's, which lasting days makes a hazard to fix;
    ``broad``: the match is of a broad word, which a habit told anywhere earlier in its sentence makes no event."""
    start, end = match.span()
    if _NOT_NOW_BEFORE.search(text[max(0, start - 12) : start]) or _NOT_NOW_AFTER.match(text[end : end + 16]):
        return DEAD
    if _SUPPOSED_BEFORE.search(text[max(0, start - 22) : start]):
        return DEAD
    if thing and (_CHRONIC.match(text, end) or _AFTERMATH.match(text, end)):
        return DEAD
    if text[start - 1 : start] == "一" and _ONE_THEN.match(text, end):
        return DEAD
    if _CHRONIC_LONG.search(text, max(0, start - 12), end + 8):
        return DEAD
    sentence_start = max(text.rfind(mark, 0, start) for mark in _SENTENCE_ENDS) + 1
    sentence_end = _SENTENCE_END.search(text, end)
    if thing and _REPORTED_LONG_AGO.search(text, sentence_start, sentence_end.start() if sentence_end else len(text)):
        return DEAD
    if _SUBJECT_OR_DOUBT.search(text, sentence_start, sentence_end.start() if sentence_end else len(text)):
        return DEAD
    if _is_quoted(text, start, sentence_start):
        return DEAD
    # A habit earlier in a broad word's sentence, or in a strong word's own clause (老伯经常在公园里晕倒; not
    # 他经常喝酒，喝醉了拿刀砍我), makes the word no event unless the present comes back after it.
    habit_start = sentence_start if broad else max(sentence_start, *(text.rfind(mark, 0, start) + 1 for mark in "，,、"))
    habits = list(_HABIT.finditer(text, habit_start, start))
    if habits and not _BACK_TO_NOW.search(text, habits[-1].end(), start):
        return DEAD
    cues = list(_THEN.finditer(text, sentence_start, start))
    if not cues:
        return LIVE
    # The present named after the cue brings the word back to now; after hearsay only in a clause of its own
    # (听说刚才出了车祸 is still hearsay).
    after_cue = cues[-1].end()
    if _HEARSAY.fullmatch(cues[-1].group()):
        clause_break = _CLAUSE_BREAK.search(text, after_cue, start)
        if clause_break is None:
            return FRAMED
        after_cue = clause_break.end()
    return LIVE if _BACK_TO_NOW.search(text, after_cue, start) else FRAMED


def _only_about_to_fall(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether every match of ``pattern`` is a thing about to fall (快掉下来了, 要塌了) and the text names
    nobody under or in it: a hazard to fix, not an event."""
    if _AT_RISK_NEARBY.search(text):
        return False
    return all(_ABOUT_TO.search(text, max(0, m.start() - 3), m.start()) for m in pattern.finditer(text))


def _only_things_down(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether every match of ``pattern`` (a person's state: 不动了, 倒在地上) has a thing and no person before
    it in its clause (电梯又不动了, 站牌倒在地上)."""
    for match in pattern.finditer(text):
        clause = _clause_before(text, match.start())
        if _PERSON_NAMED.search(clause) or not _THING_NAMED.search(clause):
            return False
    return True


def _clause_before(text: str, index: int) -> str:
    """The words of ``index``'s clause before it."""
    return text[max(text.rfind(mark, 0, index) for mark in _CLAUSE_ENDS) + 1 : index]


def _only_animals(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether every match of ``pattern`` has an animal and no person but its owner before it in its clause
    (我家的猫卡在…下不来了)."""
    for match in pattern.finditer(text):
        clause = _clause_before(text, match.start())
        if _PERSON_NAMED.search(_OWNER.sub("", clause)) or not _ANIMAL.search(clause):
            return False
    return True


def _best_liveness(text: str, pattern: re.Pattern[str], thing: bool, broad: bool = False) -> int:
    best = DEAD
    for match in pattern.finditer(text):
        best = max(best, _liveness(text, match, thing, broad))
        if best == LIVE:
            break
    return best


def _two_live_signs(text: str, pattern: re.Pattern[str], thing: bool) -> bool:
    """Whether two different matches of ``pattern`` (different words) are told as happening now."""
    seen: set[str] = set()
    for match in pattern.finditer(text):
        if match.group() not in seen and _liveness(text, match, thing, broad=True) == LIVE:
            seen.add(match.group())
            if len(seen) == 2:
                return True
    return False


def _two_words(text: str) -> bool:
    """Whether broad words of :data:`_PAIRED` dangers occur twice, as two different words (a quick gate)."""
    first = _ANY_PAIRED_BROAD.search(text)
    if first is None:
        return False
    return any(match.group() != first.group() for match in _ANY_PAIRED_BROAD.finditer(text, first.end()))


def _named(text: str, with_broad: bool, with_signs: bool) -> tuple[tuple[Danger, ...], ...]:
    """The dangers named now by strong words, by broad ones (none unless ``with_broad``) and by signs (none
    unless ``with_signs``). A strong word told as hearsay or past still counts when broad words say the same
    danger is there now (群里说三栋着火了，现在楼道都是烟); two different broad words of a danger of
    :data:`_PAIRED` count as a sign."""
    strong, broad, signs = [], [], []
    nameable = {hazard for hazard, _ in _NAMEABLE.possible(text)}  # the others cannot match a word of theirs
    for danger in DANGERS:
        if danger.hazard not in nameable:
            continue
        thing = danger.hazard in _THINGS
        strong_word = _best_liveness(text, danger.strong, thing)
        broad_word = _best_liveness(text, danger.broad, thing, broad=True) if with_broad or strong_word == FRAMED else DEAD
        if broad_word == LIVE and danger.hazard is Hazard.COLLAPSE and _only_about_to_fall(text, danger.broad):
            broad_word = DEAD
        if broad_word == LIVE and danger.hazard in _PEOPLES_STATES and _only_things_down(text, danger.broad):
            broad_word = DEAD
        if danger.hazard in _ANIMALS_ONLY and _ANIMAL.search(text):
            if strong_word != DEAD and _only_animals(text, danger.strong):
                strong_word = DEAD
            if broad_word != DEAD and _only_animals(text, danger.broad):
                broad_word = DEAD
        if broad_word == LIVE and danger.hazard is Hazard.PLEA and _NUISANCE.search(text):
            broad_word = DEAD
        if strong_word == LIVE or (strong_word == FRAMED and broad_word == LIVE):
            strong.append(danger)
        if with_broad and broad_word == LIVE:
            broad.append(danger)
        if with_signs and ((danger.signs is not None and _best_liveness(text, danger.signs, thing) == LIVE
                            and not (danger.hazard is Hazard.MEDICAL and _only_things_down(text, danger.signs)))
                           or (danger.hazard in _PAIRED and (broad_word == LIVE or not with_broad)
                               and _two_live_signs(text, danger.broad, thing))):
            signs.append(danger)
    return tuple(strong), tuple(broad), tuple(signs)


def _is_over(text: str, pattern: Searcher = _OVER) -> bool:
    """Whether the text says its danger is over (``pattern``), and no "but" names a danger after it."""
    over = pattern.search(text)
    if over is None:
        return False
    contrast = _CONTRAST.search(text, over.end())
    return contrast is None or _ANY_WORD.search(text, contrast.end()) is None


def find_danger_words(text: str, with_broad: bool = True, with_signs: bool = True) -> DangerWords:
    """Dangers named in normalised ``text`` as happening now (not negated, past, over or hypothetical).

    ``with_broad=False`` skips broad words, ``with_signs=False`` signs (the caller knows they cannot count).
    """
    if (not with_broad and not _ANY_STRONG.search(text)
            and not (with_signs and (_ANY_SIGN.search(text) or _two_words(text)))):
        return DangerWords((), (), dismissed=_is_over(text, _QUIETED))
    now = _BACK_TO_NOW.search(text) is not None
    if (_is_over(text) and not _STILL.search(text)) or (_PAST_EVENT.search(text) and not now):
        return DangerWords((), (), dismissed=True)
    quieted = _is_over(text, _QUIETED)
    strong, broad, signs = _named(text, with_broad and not quieted, with_signs)
    named = strong or broad or signs
    dismissed = not named and (quieted or _ANY_WORD.search(text) is not None)
    return DangerWords(strong, broad, signs, dismissed=dismissed)


def _services(dangers: tuple[Danger, ...]) -> tuple[str, ...]:
    return tuple(sorted({service for danger in dangers for service in danger.services}))


def decide_urgency(words: DangerWords, model_probability: float | None, brief: bool = False,
                   cued: bool = True) -> Urgency:
    """Combine danger words and the learned probability (None: no model, words alone decide); ``brief``: the
    message is too short for the model alone to decide; ``cued``: it says the matter is happening now."""
    if model_probability is None:
        dangers = words.strong or words.signs or words.broad
        urgent = bool(dangers)
    else:
        dangers = (words.strong or (words.signs if model_probability >= MODEL_SUPPORTS_SIGNS else ())
                   or (words.broad if model_probability >= MODEL_SUPPORTS_WORDS else ()))
        alone = MODEL_CERTAIN if words.dismissed else MODEL_URGENT if cued else MODEL_UNCUED
        urgent = bool(dangers) or (model_probability >= alone and not brief)
    if not urgent:
        return Urgency(False)
    # A model-only decision names no danger: give every number, the resident picks.
    services = _services(dangers) if dangers else (POLICE, FIRE, AMBULANCE)
    return Urgency(True, tuple(d.hazard for d in dangers), services)


def _is_brief(text: str) -> bool:
    return len(text) < MODEL_ALONE_MIN_CHARS and _NOW.search(text) is None


def detect_urgency(text: str, model_probability: float | None = None) -> Urgency:
    """Urgency of normalised ``text`` from its words and, when given, the learned probability."""
    with_broad = model_probability is None or model_probability >= MODEL_SUPPORTS_WORDS
    with_signs = model_probability is None or model_probability >= MODEL_SUPPORTS_SIGNS
    words = find_danger_words(text, with_broad, with_signs)
    # Only a decision of the model alone between the two thresholds asks whether the text says now.
    cued = (model_probability is None or not MODEL_URGENT <= model_probability < MODEL_UNCUED
            or _PRESENT.search(text) is not None)
    return decide_urgency(words, model_probability, _is_brief(text), cued)
