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
