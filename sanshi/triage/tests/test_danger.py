from __future__ import annotations

import pytest

from sanshi.triage.danger import judge
from sanshi.triage.engine import triage

# (text, critical, subcategory the engine gives): wording none of these is in the corpus.
DANGER = [
    ("老公刚才拿剪刀抵着我脖子，说今晚不让我活着出门", "safety.dv_now"),
    ("我闺蜜说她男人昨晚把她按在地上打，她现在不敢回去", "safety.dv_now"),
    ("他说等我下班就来单位找我算账，还说带了刀", "safety.stalking"),
    ("药我都攒够了，不想再拖累家里人", "health.crisis"),
    ("幼儿园放学一个钟头了，我家娃还没回来，老师也找不到", "children.neglect_missing"),
    ("我是老师，学生说她继父用烟头烫她", "children.abuse"),
    ("对门的独居阿婆两天没开门了，电话也没人接", "elderly.alone"),
]
CALM = [
    ("他没有打我，就是经常不回家", "normal"),
    ("十年前被前夫打过，现在想咨询孩子抚养费的问题", "high"),
    ("如果遇到家暴，保护令要去哪里申请", "high"),
    ("孩子放学后没人照看，想问问儿童之家几点开门", "normal"),
    ("老公打电话给我说今晚加班不回来吃饭", "normal"),
]


@pytest.mark.parametrize(("text", "subcategory"), DANGER)
def test_danger_is_critical_with_its_urgent_subcategory(text: str, subcategory: str) -> None:
    result = triage(text)
    assert (result.critical, result.urgency, result.sanshi) == (True, "critical", "jiuxin")
    assert result.subcategory == subcategory


@pytest.mark.parametrize(("text", "urgency"), CALM)
def test_negated_past_and_hypothetical_danger_is_not_critical(text: str, urgency: str) -> None:
    result = triage(text)
    assert (result.critical, result.urgency) == (False, urgency)


def test_an_everyday_worry_gets_its_category() -> None:
    result = triage("孩子放学后没人照看，想问问儿童之家几点开门")
    assert (result.category, result.subcategory, result.sanshi) == (
        "children",
        "children.childcare",
        "caoxin",
    )


def test_negated_hit_is_kept_as_a_signal_that_explains_the_decision() -> None:
    verdict = judge("他没有打我，只是天天骂我")
    assert [(h.kind, h.phrase, h.discounted) for h in verdict.hits] == [
        ("violence", "他没有打我", "negation")
    ]
    assert (verdict.critical, verdict.negated) == (False, True)


def test_past_violence_makes_it_high_not_critical() -> None:
    result = triage("三年前前夫打过我，现在离婚了，想问问抚养费")
    assert (result.critical, result.urgency) == (False, "high")
    assert [(s.kind, s.phrase) for s in result.signals] == [("violence:past", "前夫打过我")]


def test_signal_offsets_point_into_the_original_text() -> None:
    text = "救命！！他拿著菜刀在追我"
    result = triage(text)
    assert result.critical is True
    for signal in result.signals:
        if signal.kind != "model":
            assert text[signal.start : signal.end] == signal.phrase
    assert ("weapon", "拿著菜刀") in [(s.kind, s.phrase) for s in result.signals]


def test_a_neighbour_reporting_is_marked_as_a_third_party() -> None:
    result = triage("隔壁天天晚上打孩子，孩子哭得撕心裂肺")
    assert result.critical is True
    assert ("third_party", "隔壁") in [(s.kind, s.phrase) for s in result.signals]


def test_confined_workers_are_critical_and_named_confinement_in_the_models_category() -> None:
    # The model is very sure this is about work (a factory, wages): the category stays its
    # own (MODEL_VERY_SURE), the flag names the danger and the line that fits (110).
    result = triage("打工的厂里把我们关在宿舍，不让出去，手机也收走了")
    assert (result.critical, result.urgency, result.sanshi) == (True, "critical", "jiuxin")
    assert (result.category, result.kinds[0]) == ("work", "confinement")
    assert [e.words for e in result.evidence if e.detector == "rules"] == ["关在", "不让出去"]


# A wish to die said with hesitation: the rules alone do not make it critical (a person hears
# it soon); a plan or a method keeps it critical. Our own wording.
HESITANT = [
    "我也想过去死，可是连这个勇气都没有",
    "想死又不敢，就这样一天天熬着",
    "有好几次想跳下去，但是怕疼",
]


@pytest.mark.parametrize("text", HESITANT)
def test_a_hesitant_wish_to_die_is_not_critical_by_the_rules_alone(text: str) -> None:
    verdict = judge(text)
    assert [h.discounted for h in verdict.hits if h.kind == "self_harm"] == ["hesitant"]
    assert (verdict.critical, verdict.high) == (False, True)


def test_a_hesitant_wish_goes_before_a_person_when_no_detector_makes_it_critical() -> None:
    from sanshi.triage.classifier import Thresholds
    from sanshi.triage.engine import Votes, evidence_for

    text = HESITANT[1]
    votes = Votes(judge(text), danger_prob=0.01, nearest=None)
    evidence, critical, needs_check = evidence_for(text, votes, "health", Thresholds())
    assert (critical, needs_check) == (False, True)
    assert [e.as_dict() for e in evidence] == [
        {"kind": "self_harm", "words": "想死", "detector": "rules"}
    ]


def test_a_plan_said_with_fear_of_nothing_stays_critical_by_the_rules() -> None:
    verdict = judge("我今晚就去跳河，遗书已经写好了")
    assert verdict.critical is True
    assert {h.discounted for h in verdict.hits} == {""}


# Shutting oneself in is no one's confinement (a worry, which the model and the semantic
# check may still put before a person); being shut in by someone stays critical.
SHUT_HERSELF_IN = [
    "孩子上初中以后，每天放学回家就把自己关在房间里，也不跟我们说话",
    "儿子最近总把自己锁在屋里打游戏，叫他吃饭也不出来",
    "女儿回家就自己反锁在卧室里，哭了一晚上",
    "我心情不好的时候就把自己关在房间里，谁也不想见",
]
SHUT_IN_BY_SOMEONE = [
    ("我被关在房间里好几天了", ["关在"]),
    ("他把她锁在屋里不让出门", ["锁在", "不让出门"]),
    ("老公把我关起来不给饭吃", ["关起来"]),
    ("孩子被继父关在阳台上，一整天了", ["关在"]),
]


@pytest.mark.parametrize("text", SHUT_HERSELF_IN)
def test_shutting_oneself_in_is_not_confinement(text: str) -> None:
    verdict = judge(text)
    assert [(h.kind, h.discounted) for h in verdict.hits] == [("confinement", "self")]
    assert (verdict.critical, verdict.high, verdict.negated) == (False, False, True)
    result = triage(text)
    assert (result.critical, result.urgency == "critical") == (False, False)
    assert "rules" not in [e.detector for e in result.evidence]


@pytest.mark.parametrize(("text", "words"), SHUT_IN_BY_SOMEONE)
def test_being_shut_in_by_someone_stays_critical_confinement(text: str, words: list[str]) -> None:
    result = triage(text)
    assert (result.critical, result.urgency) == (True, "critical")
    rules = [e for e in result.evidence if e.detector == "rules"]
    assert [(e.kind, e.words) for e in rules] == [("confinement", w) for w in words]


def test_shutting_oneself_in_with_other_danger_stays_critical() -> None:
    # The confinement hit is explained, the wish to die and the kicked door are not.
    wish = judge("孩子把自己关在房间里，说不想活了")
    assert [(h.kind, h.discounted) for h in wish.hits] == [
        ("confinement", "self"),
        ("self_harm", ""),
    ]
    assert wish.critical is True
    hiding = judge("我把自己反锁在卫生间，他在外面踹门")
    assert [(h.kind, h.discounted) for h in hiding.hits] == [
        ("confinement", "self"),
        ("stalking", ""),
    ]
    assert hiding.critical is True


# False alarms of kinds found on real texts (issue 19), in our own wording: the danger is over
# or never was, hits a thing, is someone else's death spoken of, an insult, a letter about the
# past. Each with the discount that explains it.
NOT_CRITICAL_BY_THE_RULES = [
    ("孩子前天不见了，今天上午已经平安找到，谢谢大家", "child_missing", "over"),
    ("病人昨晚休克了一次，经过抢救已经脱离危险", "medical", "over"),
    ("以为楼顶那个女的要跳楼，结果是虚惊一场", "self_harm", "over"),
    ("小区停车场的车玻璃被砸了好几次，物业也不管", "violence", "animal"),
    ("山上的树又被砍了二十棵，村里没人管", "violence", "animal"),
    ("看到那个跳楼事件的视频，心里难受了一整天", "self_harm", "others"),
    ("我一直不理解那些离开这个世界的人", "self_harm", "others"),
    ("我也想离开这个世界，只是缺少勇气", "self_harm", "hesitant"),
    ("上大学时有过想死的念头，后来慢慢好了", "self_harm", "past"),
    ("张书记：你好！我在小区门口被人殴打，派出所至今没有处理", "violence", "past"),
]
NO_DANGER_WORDS = [
    "商户被严厉打击之后，小区门口的违章摊点少了",
    "记者将继续跟踪报道此事，请大家关注",
    "消防通道是我们的救命通道，天天被车堵死",
    "这种人怎么不去死",
]
# ... and their counterparts, which stay critical.
STILL_CRITICAL_BY_THE_RULES = [
    ("孩子前天不见了，到现在还没找到", "child_missing"),
    ("我爸刚才晕倒了，怎么叫都叫不醒", "medical"),
    ("他砸了我的车玻璃，还说要打死我", "threat"),
    ("我今晚就去跳楼", "self_harm"),
    ("我真的好想去死", "self_harm"),
    ("张书记：你好！我老公现在拿着菜刀在门口砍门", "weapon"),
    ("下车就被他打了，我现在躲在超市里", "violence"),
    ("家里两岁的孩子把自己反锁在房间里，门打不开，一直在哭", "trapped"),
    ("我想死，已经找到了能跳下去的地方", "self_harm"),
    ("他说今晚要杀了我，他已经回来了", "threat"),
]


@pytest.mark.parametrize(("text", "kind", "discount"), NOT_CRITICAL_BY_THE_RULES)
def test_danger_over_or_elsewhere_is_not_critical_by_the_rules(
    text: str, kind: str, discount: str
) -> None:
    verdict = judge(text)
    assert {(h.kind, h.discounted) for h in verdict.hits} == {(kind, discount)}
    assert verdict.critical is False


@pytest.mark.parametrize("text", NO_DANGER_WORDS)
def test_words_that_name_no_danger_are_not_hits(text: str) -> None:
    verdict = judge(text)
    assert (verdict.hits, verdict.critical, verdict.high) == ((), False, False)


@pytest.mark.parametrize(("text", "kind"), STILL_CRITICAL_BY_THE_RULES)
def test_danger_now_stays_critical_by_the_rules(text: str, kind: str) -> None:
    verdict = judge(text)
    assert verdict.critical is True
    assert kind in [h.kind for h in verdict.hits if not h.discounted]
