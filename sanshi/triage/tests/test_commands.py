from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from sanshi.concerns.actions import reclassify_concern
from sanshi.testing import World
from sanshi.triage.corpus import corpus, eval_part
from sanshi.triage.evaluation import evaluate
from sanshi.triage.models import TriageModel

KEYS = [
    "category",
    "subcategory",
    "sanshi",
    "urgency",
    "critical",
    "confidence",
    "signals",
    "model_version",
    "danger",
    "needs_check",
]


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_triage_prints_one_json_object() -> None:
    result = json.loads(_run("triage", "我真的不想活了，药都攒好了"))
    assert list(result) == KEYS
    assert (result["category"], result["subcategory"], result["urgency"], result["critical"]) == (
        "health", "health.crisis", "critical", True,
    )  # fmt: skip
    assert result["signals"][0] == {"kind": "self_harm", "phrase": "不想活", "start": 3, "end": 6}


@pytest.mark.django_db
def test_triage_jsonl_writes_one_line_per_input_in_order(guangxi: None, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"text": "小区的路灯坏了", "address": "合浦廉州镇"}\n{"text": "谢谢执委上门看望我妈"}\n',
        encoding="utf-8",
    )
    _run("triage", "--jsonl", str(source), "--out", str(tmp_path / "out.jsonl"))
    rows = [
        json.loads(line)
        for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [r["subcategory"] for r in rows] == ["community.environment", "feedback.praise"]
    assert rows[0]["route"]["township"] == {"code": "450521100", "name": "廉州镇"}
    assert (rows[0]["route"]["org"], rows[0]["route"]["ambiguous"]) == (None, False)
    assert "route" not in rows[1]


def test_corpus_has_sixty_texts_per_category_and_a_held_out_part() -> None:
    per_category: dict[str, int] = {}
    for e in corpus():
        per_category[e.category] = per_category.get(e.category, 0) + 1
    assert min(per_category.values()) >= 60
    assert len(per_category) == 10
    assert len(eval_part()) == 187


@pytest.mark.django_db
def test_engine_meets_the_targets_on_the_eval_part() -> None:
    report = evaluate(eval_part())
    assert report.critical_recall >= 0.98
    assert report.critical_precision >= 0.8
    assert report.category_accuracy >= 0.85


@pytest.mark.django_db
def test_triage_eval_prints_the_report() -> None:
    out = _run("triage_eval")
    assert "confusion (rows: true, columns: predicted)" in out
    assert "critical recall" in out and "top-1 category accuracy" in out
    assert out.splitlines()[0].endswith("187 texts")


def test_triage_train_without_corrections_keeps_the_shipped_model(db: None) -> None:
    out = _run("triage_train")
    assert "0 confirmed concerns added" in out
    assert TriageModel.objects.filter(active=True).count() == 0
    assert TriageModel.objects.count() == 1


def test_triage_train_learns_from_a_correction(world: World) -> None:
    concern = world.concern(text="楼道里堆满了纸箱，物业不管")
    reclassify_concern(concern, actor=world.dispatcher, category="community",
                       subcategory="community.environment", reason="公共安全隐患")  # fmt: skip
    out = _run("triage_train")
    assert "1 confirmed concerns added" in out
    row = (
        TriageModel.objects.get(examples__isnull=False, version=out.split()[-1])
        if "activated" in out
        else None
    )
    versions = TriageModel.objects.values_list("version", "examples")
    assert [len(examples) for _v, examples in versions] == [1]
    assert ("activated" in out) == (row is not None and row.active)
