"""The three detectors (rules, model, semantic check), what each flag says, and the band."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanshi.testing import World, intake_concern
from sanshi.triage import danger
from sanshi.triage.classifier import Prediction, Thresholds, shipped_model
from sanshi.triage.corpus import read_labelled
from sanshi.triage.engine import RULES_VERSION, combine, triage, triage_batch
from sanshi.triage.evaluation import RECALL_TARGET, evaluate
from sanshi.triage.kinds import DangerKind
from sanshi.triage.semantic import Nearest

# Residents' own kind of wording, one text per kind of danger (written for these tests; none
# is in the corpus, the prototypes or the labelled sets).
EVERY_KIND = [
    ("我真的撑不住了，药已经买好了，今晚就吃下去", DangerKind.SELF_HARM),
    ("他喝了酒回来又把我往死里打，我现在躲在卫生间", DangerKind.VIOLENCE),
    ("前夫发消息说我敢再婚就杀了我全家", DangerKind.THREAT),
    ("我被关在男朋友的出租屋里好几天了，他不让我出门", DangerKind.CONFINEMENT),
    ("我儿子放学两个小时了还没到家，老师说早就走了，到处都找不到", DangerKind.CHILD_DANGER),
    ("邻居老头把我九岁的女儿叫到家里摸她下体", DangerKind.CHILD_SEXUAL_ABUSE),
    ("我爸突然倒在地上口吐白沫，叫也叫不醒", DangerKind.MEDICAL),
]

# Known false alarms (issue 19): an animal, sport, a laugh, a dance.
FALSE_ALARMS = [
    "邻居家的狗天天半夜叫，我爸气得说要把我家的狗打死",
    "周末踢足球把脚踝扭伤了，去医院拍了片，医生说养两周",
    "笑死了，我家猫追着自己的尾巴转了十圈",
    "社区晚上跳广场舞的音乐太响了，能不能规定个时间",
]


@pytest.mark.parametrize(("text", "kind"), EVERY_KIND)
def test_each_kind_of_danger_is_critical_and_named_with_its_words(text: str, kind: str) -> None:
    result = triage(text)
    assert (result.critical, result.urgency, result.needs_check) == (True, "critical", False)
    assert result.kinds[0] == kind
    for evidence in result.evidence:
        assert evidence.kind in DangerKind.values
        assert evidence.detector in ("rules", "model", "semantic")
        if evidence.detector in ("rules", "semantic"):
            assert evidence.words in text
    assert result.as_dict()["danger"] == [e.as_dict() for e in result.evidence]


@pytest.mark.parametrize("text", FALSE_ALARMS)
def test_known_false_alarms_are_not_critical(text: str) -> None:
    result = triage(text)
    assert result.critical is False
    assert result.urgency != "critical"
    # At most a person is asked to look (the model alone is unsure, nothing supports it).
    assert all(e.detector in ("model", "semantic") for e in result.evidence)
    assert bool(result.evidence) == result.needs_check


def test_negated_violence_is_not_made_critical_by_the_semantic_check() -> None:
    result = triage("他没有打我，就是经常不回家")
    assert (result.critical, result.urgency) == (False, "normal")
    assert "rules" not in [e.detector for e in result.evidence]


@pytest.mark.parametrize(
    ("text", "rule", "kind"),
    [
        ("她说想去跳河，已经走到桥上了", "self_harm", DangerKind.SELF_HARM),
        ("把存款和猫都托付给我了，说替她照顾好孩子", "goodbye", DangerKind.SELF_HARM),
        ("老公现在拿着菜刀在门口", "weapon", DangerKind.VIOLENCE),
        ("他扬言明天去学校找孩子算账", "threat", DangerKind.THREAT),
        ("她被卖到山里，说逃不出来", "trafficking", DangerKind.CONFINEMENT),
        ("我被困在电梯里出不来了", "trapped", DangerKind.CONFINEMENT),
        ("十岁的孩子被人贩子拐走了", "trafficking", DangerKind.CHILD_DANGER),
        ("他们强奸了一个十二岁的女孩", "sexual_assault", DangerKind.CHILD_SEXUAL_ABUSE),
        ("我被他强奸了", "sexual_assault", DangerKind.VIOLENCE),
        ("对门阿婆摔倒在地上起不来", "elder_emergency", DangerKind.MEDICAL),
        ("病人呼吸困难，血氧只有八十", "medical", DangerKind.MEDICAL),
    ],
)
def test_the_rules_kinds_are_named_as_the_seven_kinds(text: str, rule: str, kind: str) -> None:
    verdict = danger.judge(text)
    hits = [h for h in verdict.hits if h.kind == rule and not h.discounted]
    assert verdict.critical is True
    assert [danger.kind_of_hit(h, text) for h in hits][:1] == [kind]


def _prediction(danger_prob: float) -> Prediction:
    cats = {"family": 0.9, "health": 0.1}
    return Prediction("family", 0.9, cats, "family.conflict", {"family.conflict": 1.0}, danger_prob)


def test_a_danger_score_between_the_thresholds_asks_a_person_to_check() -> None:
    text = "最近总觉得活着很累，不知道还能撑多久"
    thresholds = Thresholds(critical=0.6, check=0.3)
    calm = danger.DangerVerdict(False, False, "", (), False)
    unsure = combine(
        text, _prediction(0.45), calm, "v", thresholds=thresholds, model_words=("撑多久",)
    )
    assert (unsure.critical, unsure.needs_check, unsure.urgency) == (False, True, "normal")
    assert unsure.evidence[0].as_dict() == {
        "kind": "violence",
        "words": "撑多久",
        "detector": "model",
    }
    sure = combine(text, _prediction(0.6), calm, "v", thresholds=thresholds)
    assert (sure.critical, sure.needs_check) == (True, False)
    below = combine(text, _prediction(0.29), calm, "v", thresholds=thresholds)
    assert (below.critical, below.needs_check, below.evidence) == (False, False, ())


def test_the_semantic_check_names_the_nearest_kind_and_the_words_it_read() -> None:
    thresholds = Thresholds(
        critical=0.99, check=0.98, sure=0.995, semantic_critical=0.05, semantic_check=0.03
    )
    calm = danger.DangerVerdict(False, False, "", (), False)
    text = "我想从楼上下去，再也不用醒来"
    near = Nearest("self_harm", 0.04, "我站在楼顶，想跳下去", text)
    # Near a prototype alone asks nobody: everyday texts often are (儿童之家's hours, praise).
    alone = combine(text, _prediction(0.1), calm, "v", nearest=near, thresholds=thresholds)
    assert (alone.critical, alone.needs_check, alone.evidence) == (False, False, ())
    # Beside a model leaning towards danger (half its check threshold or more), it does.
    unsure = combine(text, _prediction(0.5), calm, "v", nearest=near, thresholds=thresholds)
    assert (unsure.critical, unsure.needs_check) == (False, True)
    assert [e.as_dict() for e in unsure.evidence] == [
        {"kind": "self_harm", "words": text, "detector": "semantic"}
    ]
    near = Nearest("self_harm", 0.06, "我站在楼顶，想跳下去", text)
    sure = combine(text, _prediction(0.1), calm, "v", nearest=near, thresholds=thresholds)
    assert (sure.critical, sure.kinds) == (True, ("self_harm",))


# ---------------------------------------------------------------- on real texts (../shared)


@pytest.fixture(scope="module")
def dev_results(request: pytest.FixtureRequest) -> tuple[list, list]:  # type: ignore[type-arg]
    from sanshi.triage.tests.conftest import SHARED_TRIAGE

    if not (SHARED_TRIAGE / "dev.jsonl").is_file():
        pytest.skip(f"no labelled real texts at {SHARED_TRIAGE}")
    examples = read_labelled(Path(SHARED_TRIAGE) / "dev.jsonl", "dev")
    return examples, triage_batch([e.text for e in examples], model=shipped_model())


def test_on_real_texts_every_critical_flag_names_a_kind_and_words(dev_results) -> None:  # type: ignore[no-untyped-def]
    examples, results = dev_results
    critical = [(e, r) for e, r in zip(examples, results, strict=True) if r.critical]
    assert len(critical) >= 135 * RECALL_TARGET
    for example, result in critical:
        assert result.evidence, example.text
        assert set(result.kinds) <= set(DangerKind.values)
        assert all(e.words for e in result.evidence)
        assert all(e.words in example.text for e in result.evidence if e.detector == "rules")


def test_on_real_texts_the_unsure_band_holds_texts_between_the_thresholds(dev_results) -> None:  # type: ignore[no-untyped-def]
    examples, results = dev_results
    thresholds = shipped_model().thresholds
    probs = shipped_model().danger_probs([e.text for e in examples])
    unsure = [r for r in results if r.needs_check]
    assert unsure  # the band is not empty on dev
    for result, p in zip(results, probs, strict=True):
        if result.critical:
            assert result.needs_check is False
        elif thresholds.check <= p < thresholds.critical:
            assert result.needs_check is True


def test_the_shipped_engine_meets_the_targets_on_dev(shared_triage: Path) -> None:
    report = evaluate(read_labelled(shared_triage / "dev.jsonl", "dev"), shipped_model())
    figures = shipped_model().info["dev"]
    assert report.critical_recall >= RECALL_TARGET
    assert report.category_accuracy >= 0.85
    # The figures recorded in the file are the ones the engine gives.
    assert (report.critical_recall, report.critical_precision, report.category_accuracy) == (
        figures["critical_recall"],
        figures["critical_precision"],
        figures["category_accuracy"],
    )


def test_each_concern_records_the_model_version_that_triaged_it(world: World) -> None:
    concern, result = intake_concern(text="我老公又打我了，现在还在砸门，快来人", channel="web")
    concern.refresh_from_db()
    assert concern.triage_version == result.model_version
    assert result.model_version == f"{shipped_model().version}+{RULES_VERSION}+s1"
    assert concern.triage["danger"][0] == {
        "kind": "violence",
        "words": "老公又打我",
        "detector": "rules",
    }
