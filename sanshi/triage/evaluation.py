"""Measuring the engine on labeled examples: categories, and critical recall above all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sanshi.concerns.taxonomy import taxonomy
from sanshi.triage.classifier import Model
from sanshi.triage.corpus import Example
from sanshi.triage.engine import TriageResult, triage_batch


@dataclass
class Report:
    total: int
    category_accuracy: float
    subcategory_accuracy: float
    critical_recall: float
    critical_precision: float
    per_class: dict[str, dict[str, float]]  # category -> precision, recall, support
    confusion: dict[str, dict[str, int]]  # true category -> predicted category -> count
    missed_critical: list[str] = field(default_factory=list)
    false_critical: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()

    def no_worse_than(self, other: Report) -> bool:
        """Critical recall first, then category accuracy, then critical precision."""
        return (
            self.critical_recall >= other.critical_recall
            and self.category_accuracy >= other.category_accuracy
            and self.critical_precision >= other.critical_precision - 0.02
        )


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def evaluate(examples: Sequence[Example], model: Model | None = None) -> Report:
    """Run the whole engine (rules and model) over the examples and compare with the labels."""
    results: list[TriageResult] = triage_batch([e.text for e in examples], model=model)
    cats = [c.code for c in taxonomy().categories]
    confusion = {t: dict.fromkeys(cats, 0) for t in cats}
    right_sub = 0
    for e, r in zip(examples, results, strict=True):
        confusion[e.category][r.category] += 1
        right_sub += e.subcategory == r.subcategory
    per_class = {}
    for c in cats:
        tp = confusion[c][c]
        predicted = sum(confusion[t][c] for t in cats)
        support = sum(confusion[c].values())
        per_class[c] = {
            "precision": _ratio(tp, predicted),
            "recall": _ratio(tp, support),
            "support": support,
        }
    hits = Counter((e.critical, r.critical) for e, r in zip(examples, results, strict=True))
    return Report(
        total=len(examples),
        category_accuracy=_ratio(sum(confusion[c][c] for c in cats), len(examples)),
        subcategory_accuracy=_ratio(right_sub, len(examples)),
        critical_recall=_ratio(hits[(True, True)], hits[(True, True)] + hits[(True, False)]),
        critical_precision=_ratio(hits[(True, True)], hits[(True, True)] + hits[(False, True)]),
        per_class=per_class,
        confusion=confusion,
        missed_critical=[
            e.text for e, r in zip(examples, results, strict=True) if e.critical and not r.critical
        ],
        false_critical=[
            e.text for e, r in zip(examples, results, strict=True) if r.critical and not e.critical
        ],
    )
