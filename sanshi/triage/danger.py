"""Danger rules: a curated lexicon and patterns over the normalised text.

Rules look beyond single words (a threat with a time, a weapon with a person, a child with an
absence, a goodbye with an apology) and read each hit in its clause: negated ("他没有打我"),
past ("三年前打过我") or hypothetical ("如果被家暴怎么办") hits do not make a concern critical
on their own, though threats and self-harm are never weakened by tense. The statistical model
in `classifier` votes on top; nothing here ever clears a flag a person or a rule has set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sanshi.triage.kinds import DangerKind
from sanshi.triage.text import normalise


class Strength(StrEnum):
    CRITICAL = "critical"  # danger now or imminent: someone may need help within the hour
    HIGH = "high"  # serious, but not an emergency on its own (past violence, harassment)


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    subcategory: str
    strength: Strength = Strength.CRITICAL
    # Threats, self-harm and missing children stay critical whatever the tense.
    tense_sensitive: bool = True
    negatable: bool = True


@dataclass(frozen=True)
class Hit:
    kind: str
    phrase: str
    start: int
    end: int
    subcategory: str
    strength: Strength
    # Why a hit does not count: "negation", "past", "hypothetical", "hesitant", "animal",
    # "hyperbole", "self" (she shut herself in) and so on; "" when it counts.
    discounted: str = ""


# ---------------------------------------------------------------- vocabulary

# Who may hurt or be hurt. Dialect: 佢 (he, Cantonese), 老倌 / 老汉 (husband), 崽 / 娃 (child).
ADULT = (
    r"(?:老公|丈夫|老伴|男人|男的|老汉|老倌|前夫|前男友|男朋友|男友|对象|未婚夫|老婆|妻子|媳妇|"
    r"他|她|佢|那人|那个人|那个男的|公公|婆婆|继父|后爸|我爸|他爸|父亲|儿子|女婿|小叔子|大伯|"
    r"邻居|房东|老板|同事|一伙人|几个人|有人|陌生人|网友)"
)
CHILD = (
    r"(?:孩子|小孩|小朋友|女儿|儿子|闺女|娃|崽|宝宝|外孙|孙子|孙女|学生|小女孩|小男孩|男孩|女孩|"
    r"幼儿|婴儿|继子|继女|侄子|侄女|外甥|姑娘)"
)
ELDER = (
    r"(?:老人|老人家|老太太|老太|老爷子|老大爷|大爷|大妈|奶奶|爷爷|外婆|外公|姥姥|姥爷|阿婆|阿公|"
    r"阿伯|老伯|阿嬷|婆婆|公公|老母亲|老父亲|我妈|我爸|老妈|老爸|母亲|父亲|独居老人|孤寡老人)"
)
NOT_HIT = (
    r"工|电话|针|疫苗|扫|游戏|车|听|算|卡|印|折|包|理|招呼|交道|开|球|牌|麻将|扮|字|饭|水|扰|拼|"
    r"架子|官司|官腔|赌|探|捞|造|磨|款|钱|转|通|给|过来|过去|击"
)
HIT = (
    rf"(?:打(?!{NOT_HIT})|揍|殴打|暴打|毒打|踢|踹|掐|勒|扇|抽|捶|锤|摔|砸|砍|捅|刺|烫|烧(?!烤|饭|菜|香|纸|钱)|泼|咬|拿.{0, 3}撞|"
    r"扯.{0,2}头发|按在|按进|往死里|拳打脚踢|动手|动粗|家暴|家爆|施暴|暴力|推下|撞墙|往墙上)"
)
WEAPON = (
    r"(?:菜刀|刀子|水果刀|砍刀|尖刀|匕首|剪刀|斧头|斧子|锤子|榔头|铁棍|木棍|棍子|棒子|扳手|"
    r"枪|硫酸|汽油|农药|绳子|皮带|衣架|酒瓶|板凳|椅子|开水|烟头|刀)"
)
NOW = (
    r"(?:现在|正在|此刻|刚刚|刚才|这会|还在|又|今天|今晚|今早|昨晚|昨天|前天|这几天|最近|天天|"
    r"每天|经常|一直|总是|动不动|每次|又一次|三天两头|一喝酒就|喝醉|马上|快来|门外|门口)"
)
PAST = (
    r"(?:以前|之前|从前|过去|曾经|年前|多年|小时候|那时候|当年|那年|上次|早年|婚前|已经离婚|离婚前|"
    r"有过)"
)
HYPOTHETICAL = (
    r"(?:如果|万一|假如|要是|假设|怎么办理|如何申请|怎么申请|咨询|建议|开展|教育|防性侵|防拐|证据|"
    r"能不能.{0,6}离婚|需要什么材料|要什么材料|怎么保存|怎么取证|请问.{0,8}(?:流程|条件|材料)|"
    r"想了解|宣传|讲座|培训|普法|知识|案例)"
)
NEGATION = (
    r"(?:没有|没|未曾|未|不曾|从不|从来没|从没|并没|并不|不会|冇|唔|别担心|不用担心)"
    r"(?!钱|事|工作|用|办法|完|人|了|收入|本事)"
)


def _rules() -> tuple[Rule, ...]:
    c, h = Strength.CRITICAL, Strength.HIGH
    dv, child_abuse, missing = "safety.dv_now", "children.abuse", "children.neglect_missing"
    crisis, stalking, sexual = "health.crisis", "safety.stalking", "safety.sexual_assault"
    trafficking, elder = "safety.trafficking", "elderly.alone"
    rows: list[tuple[str, str, str, Strength, bool, bool]] = [
        # Violence against the writer or another adult.
        ("violence", rf"被(?!动){ADULT}?.{{0,4}}{HIT}", dv, c, True, True),
        (
            "violence",
            rf"{ADULT}.{{0,6}}(?P<core>{HIT}.{{0,3}}(?:我|她|人|妈|我妈|老婆|媳妇|妻子|女人))",
            dv,
            c,
            True,
            True,
        ),
        (
            "violence",
            r"(?:挨打|挨揍|遭受家暴|遭到家暴|家暴|家爆|家庭暴力|拳打脚踢|往死里打|打得.{0,6})",
            dv,
            c,
            True,
            True,
        ),
        (
            "injury",
            r"(?:鼻青脸肿|头破血流|满身是伤|浑身是伤|身上都是伤|青一块紫一块|淤青|骨折|流了很多血|"
            r"打断了|肋骨|缝了.{0,3}针|住院了|起不来)",
            dv,
            h,
            True,
            True,
        ),
        ("weapon", rf"(?:拿|举|提|挥|握|拎|抄起|操起).{{0,3}}{WEAPON}", dv, c, True, True),
        (
            "weapon",
            rf"{WEAPON}.{{0,6}}(?:砍|捅|刺|追|抵|架在|指着|泼|烧|威胁|吓唬)",
            dv,
            c,
            True,
            True,
        ),
        ("weapon", r"(?:买了|藏了|磨).{0,3}(?:刀|菜刀|农药|汽油|硫酸|枪)", dv, c, False, True),
        # Threats: never weakened by tense (a threat is about the future).
        (
            "threat",
            r"(?:(?<!自)杀了|(?<!自)杀死|杀掉|弄死|砍死|打死|捅死|掐死|烧死|淹死|毒死|杀你|杀我|杀她|杀全家|"
            r"灭门|同归于尽|一起死|不放过|让.{0,4}好看|不得好死|活不过|废了你|泼硫酸|泼汽油|要(?:了?你|了?我|了?她|了?他)的?命)",
            dv,
            c,
            False,
            True,
        ),
        ("threat", r"(?:威胁|恐吓|扬言|放话|叫嚣)", stalking, h, False, True),
        ("stalking", r"(?<!蚊虫)骚扰", stalking, h, True, True),
        (
            "threat",
            r"(?:威胁|恐吓|扬言|放话|叫嚣).{0,8}(?:去|来|到|上).{0,8}(?:学校|单位|家|公司|门口|楼下|医院)",
            stalking,
            c,
            False,
            True,
        ),
        (
            "threat",
            r"(?:明天|今晚|今天|马上|等着|过几天|这周|周末|晚上|下班).{0,8}(?:来|上门|找上门|去你|堵你|到你|来找|来学校|来单位)"
            r".{0,8}(?:算账|收拾|弄|打|杀|砍|找你|等着|麻烦)",
            stalking,
            c,
            False,
            True,
        ),
        # Stalking and harassment by a known person.
        (
            "stalking",
            r"(?:跟踪(?!报道|调查|服务|回访|督办|落实|处理|举报|检查|问效)|尾随|蹲守|堵在.{0,3}(?:门口|楼下|单位|家门|路上|小区|学校门口)|堵我|守在.{0,4}(?:楼下|门口|单位|学校)|一直跟着|偷偷跟着|"
            r"知道我(?:住|在)哪|找到了?我(?:住|家|单位|租)|装了?定位|查我定位|偷装|砸门|撬门|踹门|"
            r"翻墙进|在门外不走|不停地?敲门|半夜敲门)",
            stalking,
            c,
            False,
            True,
        ),
        # Confinement and trafficking.
        (
            "confinement",
            r"(?:关在|锁在|反锁|关起来|锁起来|囚禁|软禁|绑起来|绑在|捆起来|拴着|限制.{0,3}自由|"
            r"不让.{0,3}(?:出门|离开|回家|出去|走|报警|打电话)|扣.{0,3}手机|"
            r"逃不出|跑不掉|出不去|回不来|没收了?.{0,3}手机)",
            trafficking,
            c,
            True,
            True,
        ),
        ("confinement", r"扣.{0,3}(?:身份证|护照|证件)|非法拘禁", trafficking, h, True, True),
        (
            "trafficking",
            r"(?:拐卖|拐走|拐骗|被卖|卖到(?:山|外地|外省|国外|缅|村)|把.{0,4}(?:我|她|孩子|女儿|儿子|人)卖|"
            r"买来的(?:媳妇|老婆|女人|孩子)|人贩子|贩卖(?:人口|妇女|儿童)|绑架|被绑|劫持|"
            r"缅北|缅甸|柬埔寨|电诈园区|园区.{0,4}(?:扣|关|打)|介绍.{0,6}出国.{0,8}(?:联系不上|扣))",
            trafficking,
            c,
            False,
            True,
        ),
        # Sexual assault.
        (
            "sexual_assault",
            r"(?:强奸|强暴|性侵|猥亵|迷奸|轮奸|被侵犯(?!.{0,2}(?:土地|权益|利益))|被糟蹋|(?<!症)下药|强行.{0,6}(?:发生关系|脱|摸|亲)|"
            r"逼.{0,3}发生关系|摸.{0,4}(?:下体|私处|隐私部位|胸部)|脱.{0,3}裤子|拍.{0,3}裸照|裸照.{0,6}威胁)",
            sexual,
            c,
            True,
            True,
        ),
        # Self-harm and suicide, including indirect wording.
        (
            "self_harm",
            r"(?:不想活|活不下去|活着没意思|活着没意义|活着有什么意思|活够了|想死|(?<![你他她们都就己不])去死(?!吧|去死)|寻死|"
            r"寻短见|自杀|轻生|割腕|割手|跳楼(?!机)|跳河|跳江|跳海|跳桥|上吊|喝农药|喝药|吞药|烧炭|"
            r"结束.{0,4}生命|一了百了|死了算了|死了就|了结(?:自己|生命|此生|余生)|解脱|遗书|遗言|(?<!滞)后事|想不开|走绝路|"
            r"撑不下去|坚持不下去了|不如死|唔想活|冇想活|唔想再活|累赘|拖累.{0,4}(?:大家|你们|家里)|"
            r"没有我.{0,8}(?:更好|过得好|会好|轻松)|离开(?:这个|这)?(?:世界|人世|人间)|死了之|"
            r"(?:跳|坠|摔)下去|高空坠落|死法|怎么死|(?<!被)撞死|吊颈|服毒|安乐死|"
            r"跳.{0,3}(?:湖|江|河|海|桥|崖|楼)(?!机)|割.{0,2}(?:一刀|手|腕|脉|动脉)|"
            r"(?:再见|告别|永别).{0,3}(?:世界|人间)|遗照|不抱.{0,4}希望.{0,2}活)",
            crisis,
            c,
            True,
            True,
        ),
        (
            "self_harm",
            r"(?:安眠药|药片|药).{0,8}(?:攒|存|囤|一把|全吃|吃光|都吃)|(?:攒|存|囤).{0,6}(?:安眠药|药)",
            crisis,
            c,
            False,
            True,
        ),
        (
            "goodbye",
            r"(?:永别|诀别|下辈子|来生(?:再|见|还)|来世(?:再|见|还)|最后一次.{0,6}(?:见|说|联系|留言|发|打电话|给)|"
            r"以后.{0,3}不.{0,2}(?:来|在|打扰)了|再也不回来|不会再回来|"
            r"再也见不到|再也不会|替我照顾|帮我照顾好|照顾好.{0,6}(?:孩子|我妈|爸妈|自己)|东西.{0,4}送人|"
            r"把.{0,6}(?:猫|狗|存款|银行卡).{0,6}(?:交给|托付|留给))",
            crisis,
            c,
            False,
            False,
        ),
        # Children hurt, abused, alone or missing.
        (
            "child_harm",
            rf"{CHILD}.{{0,10}}(?P<core>被.{{0,4}}{HIT}|挨打|身上.{{0,4}}(?:伤|青|紫|烫)|伤痕|淤青|烫伤|"
            r"烟头|饿得|饿了.{0,3}天|不给饭吃|不给吃饭|虐待|遭受|被打|打得|罚跪|关小黑屋)",
            child_abuse,
            c,
            True,
            True,
        ),
        (
            "child_harm",
            rf"(?:虐待|虐打|毒打|体罚|殴打).{{0,6}}{CHILD}|(?:打(?!{NOT_HIT})|揍|抽|踢|掐|烫)[^,，。]{{0,3}}{CHILD}",
            child_abuse,
            c,
            True,
            True,
        ),
        (
            "child_harm",
            rf"{CHILD}.{{0,8}}(?P<core>被.{{0,6}}(?:摸|亲|脱|带走|抱走|骗走)|怀孕|下体.{{0,4}}(?:痛|疼|流血|红肿))",
            child_abuse,
            c,
            True,
            True,
        ),
        (
            "child_harm",
            rf"{CHILD}.{{0,12}}(?:让|叫|逼|要求|哄).{{0,6}}(?:脱|裸|摸|亲|睡)",
            child_abuse,
            c,
            True,
            True,
        ),
        (
            "child_missing",
            rf"{CHILD}.{{0,12}}(?P<core>不见了|丢了|走丢|找不到|没回家|没到家|没回来|没有回来|失踪|"
            r"联系不上|打不通|离家出走|跑出去|被人带走|被抱走|被拐|下落不明)",
            missing,
            c,
            False,
            True,
        ),
        (
            "child_alone",
            # "自己" is alone here ("孩子自己在家"), not "把自己关在房间里" (see `_SELF`).
            rf"{CHILD}.{{0,12}}(?:一个人|独自|(?<!把)自己(?!反?锁|关)).{{0,6}}(?:在家|锁在|关在).{{0,8}}"
            r"(?:几天|好几天|两天|三天|一整天|没人|没吃|饿|哭)",
            missing,
            c,
            True,
            True,
        ),
        (
            "child_alone",
            rf"(?:扔下|丢下|遗弃|抛弃).{{0,6}}{CHILD}|{CHILD}.{{0,6}}(?:被遗弃|被抛弃|没人要)|"
            rf"{CHILD}.{{0,12}}(?:一个人|独自).{{0,10}}(?:没人管|没饭吃|饿|好几天)",
            missing,
            c,
            True,
            True,
        ),
        # Elders fallen or not answering.
        (
            "elder_emergency",
            rf"{ELDER}.{{0,12}}(?P<core>摔倒|跌倒|倒在|摔在地上|起不来|叫不醒|没反应|没有反应|"
            r"不应|没人应|没有回应|昏迷|晕倒|不省人事|好几天没.{0,3}(?:见|出门|露面|开门)|"
            r"电话.{0,4}(?:打不通|没人接|不接)|联系不上|敲门.{0,4}(?:没人|不开|不应))",
            elder,
            c,
            True,
            True,
        ),
        (
            "elder_emergency",
            r"(?:敲门|打电话|喊).{0,6}(?:没人应|没有人应|没反应|不开门|没人接)",
            elder,
            c,
            True,
            True,
        ),
        # Acute medical signs: breathing, consciousness, bleeding, a life in danger.
        (
            "medical",
            r"(?:呼吸困难|呼吸急促|喘不上气|喘不过气|上不来气|血氧.{0,6}(?:低|掉|只有|不到|\d)|昏迷|休克|"
            r"抽搐|大出血|吐血|病危|危重|抢救|心跳.{0,3}停|没有?呼吸|不省人事|晕倒|晕过去|口吐白沫|"
            r"中毒|危在旦夕|白肺|呼吸衰竭|插管|上呼吸机|(?:生命)?垂危|溺水|落水|"
            r"掉进.{0,4}(?:水|河|井|江))",
            "health.illness",
            c,
            True,
            True,
        ),
        # Trapped: in a lift, by water or fire, under a fallen house.
        # A door that will not open on someone inside (a toddler who locked herself in).
        (
            "trapped",
            r"(?:被困|困在|出不来|压在.{0,4}下面|门.{0,3}(?:打不开|无法打开|开不了|开不开))",
            "safety.dv_now",
            c,
            True,
            True,
        ),
        # Hyperbole: "笑死了", "累死我了" name no danger; found so that the other detectors
        # know the death word is explained (never counts, see `_discount`).
        (
            "hyperbole",
            r"(?:笑|累|气|热|冷|饿|困|烦|忙|丑|难|急|美|帅|萌|酸|辣|无聊|尴尬|羡慕|可爱|吓)(?:死|屎)"
            r"(?:了|我了|人了|我|人|啦|的|哒)?",
            "",
            h,
            False,
            False,
        ),
        # Cries for help stand on their own.
        (
            "help",
            r"(?:救命(?!.{0,3}(?:钱|通道|路|稻草|恩人|药|保障))|救救我|快来救|快报警|帮我报警|求救|sos|快来人|"
            r"(?:我|我们|她|孩子|现在)(?:有危险|很危险)|好害怕.{0,6}(?:回家|他回来))",
            dv,
            c,
            False,
            False,
        ),
    ]
    return tuple(
        Rule(kind, re.compile(pattern), sub, strength, tense, neg)
        for kind, pattern, sub, strength, tense, neg in rows
    )


RULES = _rules()
# From this length on, a text is read as a narrative (see `_discount`).
NARRATIVE_LENGTH = 300
# A letter or petition to the authorities (the 12345 board's genre).
_LETTER = re.compile(
    r"尊敬的|敬启者|(?:领导|书记|市长|县长|区长|镇长|局长|主任)[,，:：!！ ]*(?:您|你)?好|"
    r"^.{0,2}(?:投诉|举报|反映|控诉|请求|关于|咨询|建议|呼吁|强烈要求|恳请)"
)
NARRATIVE_KINDS = frozenset(
    {
        "violence",
        "injury",
        "weapon",
        "confinement",
        "trafficking",
        "sexual_assault",
        "stalking",
        "help",
        "child_harm",
    }
)
_CLAUSE_END = re.compile(r"[,.!?;:，。！？；：\n]")
_NEGATION = re.compile(NEGATION + r".{0,2}$")
_PAST = re.compile(PAST)
_NOW = re.compile(NOW)
_NOT_A_PERSON = re.compile(
    r"(?:把|将)[^，。,]{0,5}(?:狗|猫|鸡|鸭|鹅|猪|老鼠|蚊子|苍蝇|蟑螂|虫|树|草|角色)|游戏里"
)
# The person shuts herself in ("孩子回家就把自己关在房间里", "自己反锁在卧室里"): no one holds
# her; a worry for her state of mind, perhaps, which the model and the semantic check still read.
_SELF = re.compile(r"自己(?:反|给|都|又|总|就|常|悄悄|偷偷)?$")
# Things, not persons, that are "被砸", "被砍", "被烧" ("车玻璃被砸", "山上的树又被砍了").
_A_THING = re.compile(
    r"(?:树|树木|苗木|庄稼|竹子|玻璃|车窗|爱车|车子|车辆|汽车|电动车|门窗|窗户|房子|房屋|围墙|"
    r"大门|门锁|电线|设备|东西)(?:又|也|都|还|经常|时常|无缘无故|莫名其妙地?)?$"
)
# The text itself says the danger never was or the writer is well now ("结果发现是一场乌龙",
# "现在好多了"): hits before such words tell of what has passed.
_OVER = re.compile(r"乌龙|虚惊一场|误会一场|现在(?:已经)?好多了|已经走出来了")
# ... or that the person was found, rescued or recovered ("孩子已经找到了", "经抢救脱离生命
# 危险"). Not read after a threat or a wish to die, where "已经找到了能跳下去的地方" or "他已经
# 回来了" is no relief.
_FOUND = re.compile(
    r"(?:已经|已|终于|平安|安全)(?:被)?(?:找到|找回|回家|回来|归来|获救|被解救|解救)|"
    r"脱离(?:了)?(?:生命)?危险|脱险|转危为安|抢救过来|救了回来|保住了(?:性命|生命|命)|"
    r"清醒过来|恢复得(?:不错|很好)|康复出院|救了我的命"
)
_NOT_FOUND_KINDS = frozenset({"self_harm", "goodbye", "threat", "weapon", "stalking"})
# A death named as news or as other people's ("跳楼事件", "自杀的新闻", "那些离开这个世界的
# 人"): the writer speaks of someone else's; the model, which this hit supports, reads on.
_OTHERS_AFTER = re.compile(r"了?的?(?:事件|新闻|消息|报道|视频)|了?的人")
_NOW_STRICT = re.compile(r"现在|正在|此刻|刚刚|刚才|马上|快来|还在|今天|今晚|救命")
_PERFECT = re.compile(r"过(?!来|去|分|年|节|日子|不下去)")
_HYPOTHETICAL = re.compile(HYPOTHETICAL)
# The writer says she does not dare, lacks the courage or is held back ("想死又不敢", "连去死
# 的勇气都没有", "怕疼"): a wish without intent, which a person should hear soon but which the
# rules alone do not make critical (the model, supported by this hit, and the check list still
# may). A plan, a method at hand or a goodbye in the same text keeps the hit counting.
_HESITANT = re.compile(
    r"不敢|(?:没|缺少|缺乏|少了).{0,6}勇气|勇气.{0,3}没|没胆|怕死|怕疼|怕痛|胆小|懦夫|舍不得|(?:不能|还不能|不可以|不想)死"
)
_THIRD_PARTY = re.compile(
    r"(?:邻居|隔壁|楼上|楼下|对门|同事|朋友|闺蜜|同学|老师|班主任|学生|亲戚|表姐|表妹|姐姐|妹妹|我妈|我姐|"
    r"她家|他家|听说|看到|看见|听到|发现)"
)


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = start
    while left > 0 and not _CLAUSE_END.match(text[left - 1]):
        left -= 1
    right = end
    while right < len(text) and not _CLAUSE_END.match(text[right]):
        right += 1
    return left, right


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a hit (to 。！？ or a line end), for tense and hypothetical markers."""
    stops = "。！？!?\n"
    left = max((text.rfind(ch, 0, start) for ch in stops), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in stops) if i != -1]
    return text[left : min(rights) if rights else len(text)]


def _discount(text: str, rule: Rule, match: re.Match[str]) -> str:
    start, end = match.span()
    core = match.start("core") if "core" in rule.pattern.groupindex else start
    left, right = _clause_bounds(text, start, end)
    before = text[max(left, core - 6) : core]
    if rule.kind == "hyperbole":
        return "hyperbole"
    if rule.negatable and _NEGATION.search(before):
        return "negation"
    if rule.kind == "confinement" and _SELF.search(text[left:start]):
        return "self"
    if rule.kind in ("threat", "weapon", "violence", "confinement") and (
        _NOT_A_PERSON.search(text[max(left, start - 8) : start])
        or _A_THING.search(text[max(left, start - 8) : start])
    ):
        # "要把我家的狗打死", "车玻璃被砸": an animal or a thing, not a person.
        return "animal"
    if _OVER.search(text, end) or (rule.kind not in _NOT_FOUND_KINDS and _FOUND.search(text, end)):
        return "over"
    if rule.kind == "self_harm" and _OTHERS_AFTER.match(text, end):
        return "others"
    sentence = _sentence(text, start, end)
    if _LETTER.search(text) and not _NOW_STRICT.search(sentence):
        # A letter to the authorities tells of danger past or feared, or of hazards
        # ("电梯经常困人", "威胁生命安全"); the model still reads it.
        return "past"
    if rule.kind == "self_harm" and _HESITANT.search(sentence):
        return "hesitant"
    if not rule.tense_sensitive:
        return ""
    clause = text[left:right]
    if _NOW.search(clause):
        return ""
    if _PAST.search(clause) or _PERFECT.search(text[core : end + 2]):
        return "past"
    if _NOW.search(sentence):
        return ""
    if _PAST.search(sentence):
        return "past"
    if _HYPOTHETICAL.search(sentence):
        return "hypothetical"
    if len(text) > NARRATIVE_LENGTH and rule.kind in NARRATIVE_KINDS:
        # A long letter or report that tells of violence without a word of "now" tells of
        # the past (a complaint about how an assault was handled); the model still reads it.
        return "past"
    return ""


def find_hits(text: str) -> list[Hit]:
    """Every danger hit in the text, each marked with why it is discounted, if it is."""
    norm = normalise(text)
    hits: list[Hit] = []
    for rule in RULES:
        for m in rule.pattern.finditer(norm):
            start, end = m.span()
            if start == end:
                continue
            hits.append(
                Hit(
                    kind=rule.kind,
                    phrase=text[start:end],
                    start=start,
                    end=end,
                    subcategory=rule.subcategory,
                    strength=rule.strength,
                    discounted=_discount(norm, rule, m),
                )
            )
    return _dedupe(hits)


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """Keep one hit per span and kind; drop hits wholly inside a longer hit of the same kind."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if any(k.kind == hit.kind and k.start <= hit.start and hit.end <= k.end for k in kept):
            continue
        kept.append(hit)
    return kept


def third_party(text: str) -> re.Match[str] | None:
    """A marker that someone other than the victim is writing (a neighbour, a teacher)."""
    return _THIRD_PARTY.search(normalise(text))


@dataclass(frozen=True)
class DangerVerdict:
    critical: bool
    high: bool
    subcategory: str  # the subcategory the strongest counting hit points at, or ""
    hits: tuple[Hit, ...]
    negated: bool  # some danger words were there but all of them negated
    lead: str = ""  # the rule kind that chose the subcategory


# Which kinds decide the subcategory first when several count.
_PRIORITY = (
    "self_harm",
    "goodbye",
    "sexual_assault",
    "trafficking",
    "child_missing",
    "child_harm",
    "child_alone",
    "confinement",
    "weapon",
    "threat",
    "violence",
    "stalking",
    "elder_emergency",
    "help",
    "medical",
    "trapped",
    "injury",
)


EXPLAINED = frozenset({"negation", "animal", "hyperbole", "self"})
# Hits that still lean towards danger: they support the model's flag (engine.supported).
SUPPORTING = frozenset({"", "past", "hypothetical", "hesitant", "others"})
# Discounted hits that still make a concern high (not critical): danger told of, but over.
_SERIOUS = frozenset({"past", "hypothetical", "hesitant", "over"})


def judge(text: str) -> DangerVerdict:
    """Rules' verdict: critical when a counting critical hit exists."""
    hits = find_hits(text)
    counting = [h for h in hits if not h.discounted]
    critical_hits = [h for h in counting if h.strength == Strength.CRITICAL]
    # Two independent signs (e.g. injuries and an ongoing pattern) make a high hit critical.
    critical = bool(critical_hits) or len({h.kind for h in counting}) >= 2
    high = bool(counting) or any(h.discounted in _SERIOUS for h in hits)
    lead = sorted(critical_hits or counting, key=lambda h: _PRIORITY.index(h.kind))
    subcategory = lead[0].subcategory if lead else ""
    if (
        subcategory
        and any(h.kind.startswith("child") for h in counting)
        and subcategory == "safety.dv_now"
    ):
        subcategory = "children.abuse"
    # Danger words there, but every one explained away: negated, aimed at an animal, hyperbole.
    negated = bool(hits) and all(h.discounted in EXPLAINED for h in hits)
    return DangerVerdict(
        critical, high, subcategory, tuple(hits), negated, lead[0].kind if lead else ""
    )


# ---------------------------------------------------------------- kinds of danger

# The rules' own kinds (finer, and some only supporting) named as triage.kinds.DangerKind.
_KIND_OF_RULE = {
    "self_harm": DangerKind.SELF_HARM,
    "goodbye": DangerKind.SELF_HARM,
    "violence": DangerKind.VIOLENCE,
    "injury": DangerKind.VIOLENCE,
    "weapon": DangerKind.VIOLENCE,
    "help": DangerKind.VIOLENCE,
    "sexual_assault": DangerKind.VIOLENCE,
    "threat": DangerKind.THREAT,
    "stalking": DangerKind.THREAT,
    "confinement": DangerKind.CONFINEMENT,
    "trafficking": DangerKind.CONFINEMENT,
    "child_harm": DangerKind.CHILD_DANGER,
    "child_missing": DangerKind.CHILD_DANGER,
    "child_alone": DangerKind.CHILD_DANGER,
    "elder_emergency": DangerKind.MEDICAL,
    "medical": DangerKind.MEDICAL,
    "trapped": DangerKind.CONFINEMENT,
}
# The kind a model flag most likely means, by the category the model chose.
KIND_OF_CATEGORY: dict[str, str] = {
    "health": DangerKind.SELF_HARM,
    "children": DangerKind.CHILD_DANGER,
    "elderly": DangerKind.MEDICAL,
    "safety": DangerKind.VIOLENCE,
    "family": DangerKind.VIOLENCE,
}
_SEXUAL = re.compile(r"摸|亲|脱|裸|怀孕|下体|私处|睡|性|猥亵|强奸|侵犯|黄色")
_CHILD = re.compile(CHILD + r"|(?<!\d)(?:[1-9]|1[0-3]|[一二三四五六七八九十]|十[一二三])岁")


def kind_of_hit(hit: Hit, text: str) -> str:
    """The DangerKind a rule's hit names: sexual harm of a child, a child taken or sold, or
    the rule's own kind mapped."""
    child = _CHILD.search(normalise(text)) is not None
    if hit.kind == "sexual_assault" and child:
        return str(DangerKind.CHILD_SEXUAL_ABUSE)
    if hit.kind == "child_harm" and _SEXUAL.search(normalise(hit.phrase)):
        return str(DangerKind.CHILD_SEXUAL_ABUSE)
    if hit.kind == "trafficking" and child:
        return str(DangerKind.CHILD_DANGER)
    return str(_KIND_OF_RULE.get(hit.kind, DangerKind.VIOLENCE))
