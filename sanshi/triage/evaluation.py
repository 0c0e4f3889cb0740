"""Measuring the engine on labelled examples: critical recall above all, then precision and
categories; and choosing the detectors' thresholds on a development set."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from sanshi.concerns.taxonomy import taxonomy
from sanshi.triage import danger, semantic
from sanshi.triage.classifier import Model, Thresholds
from sanshi.triage.corpus import Example
from sanshi.triage.engine import TriageResult, triage_batch

# Critical recall the thresholds must reach on dev (the issue asks for 0.98).
RECALL_TARGET = 0.98
# Critical-or-checked recall the lower ("check") thresholds must reach on dev.
CHECK_RECALL_TARGET = 1.0
# The semantic check's band: this much below its critical similarity.
SEMANTIC_BAND = 0.02
# The model's check band reaches down to this share of its critical threshold at most.
CHECK_BAND = 0.75
# The model alone makes a text critical only where it is more likely right than wrong; below,
# it needs another detector's support (measured on dev: 0.005 of precision, and no false
# alarm on "笑死了", "跳广场舞", sports injuries; see docs/triage.md).
SURE_FLOOR = 0.5


@dataclass
class Report:
    total: int
    category_accuracy: float
    subcategory_accuracy: float  # over the examples that have a subcategory
    critical_recall: float
    critical_precision: float
    per_class: dict[str, dict[str, float]]  # category -> precision, recall, support
    confusion: dict[str, dict[str, int]]  # true category -> predicted category -> count
    # source -> n, critical, caught, flagged, recall, precision
    per_source: dict[str, dict[str, float]] = field(default_factory=dict)
    # kind -> flagged (texts whose first kind it is), truly critical among them, precision
    per_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    needs_check: int = 0  # texts put before a person to check
    needs_check_critical: int = 0  # ... of which labelled critical
    missed_critical: list[str] = field(default_factory=list)
    false_critical: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()

    def no_worse_than(self, other: Report) -> bool:
        """Critical recall first, then category accuracy, then critical precision."""
        return (
            self.critical_recall >= other.critical_recall
            and self.category_accuracy >= other.category_accuracy - 0.01
            and self.critical_precision >= other.critical_precision - 0.02
        )

    def figures(self) -> dict[str, float]:
        return {
            "texts": self.total,
            "critical_recall": self.critical_recall,
            "critical_precision": self.critical_precision,
            "category_accuracy": self.category_accuracy,
        }


def _ratio(a: float, b: float) -> float:
    return round(a / b, 4) if b else 1.0


def evaluate(
    examples: Sequence[Example], model: Model | None = None, *, use_semantic: bool | None = None
) -> Report:
    """Run the whole engine (rules, model, semantic check) over the examples."""
    results: list[TriageResult] = triage_batch(
        [e.text for e in examples], model=model, use_semantic=use_semantic
    )
    return report_of(examples, results)


def report_of(examples: Sequence[Example], results: Sequence[TriageResult]) -> Report:
    pairs = list(zip(examples, results, strict=True))
    cats = [c.code for c in taxonomy().categories]
    confusion = {t: dict.fromkeys(cats, 0) for t in cats}
    for e, r in pairs:
        confusion[e.category][r.category] += 1
    with_sub = [(e, r) for e, r in pairs if "." in e.subcategory]
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
    hits = Counter((e.critical, r.critical) for e, r in pairs)
    return Report(
        total=len(pairs),
        category_accuracy=_ratio(sum(confusion[c][c] for c in cats), len(pairs)),
        subcategory_accuracy=_ratio(
            sum(e.subcategory == r.subcategory for e, r in with_sub), len(with_sub)
        ),
        critical_recall=_ratio(hits[(True, True)], hits[(True, True)] + hits[(True, False)]),
        critical_precision=_ratio(hits[(True, True)], hits[(True, True)] + hits[(False, True)]),
        per_class=per_class,
        confusion=confusion,
        per_source=_per_source(pairs),
        per_kind=_per_kind(pairs),
        needs_check=sum(r.needs_check for _e, r in pairs),
        needs_check_critical=sum(r.needs_check and e.critical for e, r in pairs),
        missed_critical=[e.text for e, r in pairs if e.critical and not r.critical],
        false_critical=[e.text for e, r in pairs if r.critical and not e.critical],
    )


def _per_source(pairs: list[tuple[Example, TriageResult]]) -> dict[str, dict[str, float]]:
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for e, r in pairs:
        row = rows[e.source]
        row["n"] += 1
        row["critical"] += e.critical
        row["caught"] += e.critical and r.critical
        row["flagged"] += r.critical
        row["category_right"] += e.category == r.category
    return {
        source: {
            **row,
            "recall": _ratio(row["caught"], row["critical"]),
            "precision": _ratio(row["caught"], row["flagged"]),
            "category_accuracy": _ratio(row["category_right"], row["n"]),
        }
        for source, row in sorted(rows.items())
    }


def _per_kind(pairs: list[tuple[Example, TriageResult]]) -> dict[str, dict[str, float]]:
    """Precision of each kind: of the critical results whose first kind it is, how many are
    labelled critical (the labels name no kind, so there is no recall per kind)."""
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for e, r in pairs:
        if r.critical and r.kinds:
            rows[r.kinds[0]]["flagged"] += 1
            rows[r.kinds[0]]["critical"] += e.critical
    return {
        kind: {**row, "precision": _ratio(row["critical"], row["flagged"])}
        for kind, row in sorted(rows.items())
    }


# ---------------------------------------------------------------- choosing thresholds


@dataclass(frozen=True)
class Scores:
    """What each detector said about each dev text, before any threshold."""

    labels: np.ndarray
    rules: np.ndarray  # the rules found danger
    model: np.ndarray  # the model's danger probability
    semantic: np.ndarray  # similarity to the nearest prototype (zeros without the check)
    support: np.ndarray  # a rule hit that no negation or animal explains away


def scores_of(examples: Sequence[Example], model: Model, *, use_semantic: bool) -> Scores:
    texts = [e.text for e in examples]
    sims = (
        np.array([n.similarity for n in semantic.nearest(texts)])
        if use_semantic
        else np.zeros(len(texts))
    )
    verdicts = [danger.judge(t) for t in texts]
    negated = np.array([v.negated for v in verdicts], dtype=bool)
    return Scores(
        labels=np.array([e.critical for e in examples], dtype=bool),
        rules=np.array([v.critical for v in verdicts], dtype=bool),
        model=model.danger_probs(texts),
        semantic=np.where(negated, -1.0, sims),  # as the engine reads it (`evidence_for`)
        support=np.array(
            [any(h.discounted in danger.SUPPORTING for h in v.hits) for v in verdicts],
            dtype=bool,
        ),
    )


def _recall_precision(flags: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    caught = int((flags & labels).sum())
    return caught / max(int(labels.sum()), 1), caught / max(int(flags.sum()), 1)


def _joined(sets: Sequence[Scores]) -> Scores:
    return Scores(
        *(np.concatenate([getattr(s, f) for s in sets]) for f in Scores.__dataclass_fields__)
    )


def flags_of(s: Scores, t: Thresholds) -> np.ndarray:
    """Which texts the engine makes critical with these thresholds (as `engine.evidence_for`)."""
    supported = s.support | (s.semantic >= t.semantic_check)
    by_model = (s.model >= t.sure) | ((s.model >= t.critical) & supported)
    return s.rules | by_model | (s.semantic >= t.semantic_critical)


def choose_thresholds(sets: Sequence[Scores], *, use_semantic: bool) -> Thresholds:
    """The thresholds with the best precision (over all the sets) among those that reach
    RECALL_TARGET on every set (ties: the higher thresholds); then the model's "check"
    threshold: as high as brings every text labelled critical before a person (critical or
    to check), but no lower than CHECK_BAND of the critical one (the list stays short).

    The sets are dev (real texts) and the corpus's eval part (ordinary concerns in our words).
    """
    grid = np.round(np.arange(0.99, 0.0, -0.01), 3)
    sem_grid = np.round(np.arange(0.2, -0.02, -0.01), 3) if use_semantic else np.array([1.01])
    joined = _joined(sets)
    best: tuple[float, Thresholds] | None = None
    for st in sem_grid:
        for sure in grid[grid >= SURE_FLOOR]:
            for mt in grid[grid <= sure]:
                t = Thresholds(
                    critical=float(mt),
                    check=float(mt),
                    sure=float(sure),
                    semantic_critical=float(st),
                    semantic_check=float(round(st - SEMANTIC_BAND, 3)),
                )
                if all(
                    _recall_precision(flags_of(s, t), s.labels)[0] >= RECALL_TARGET for s in sets
                ):
                    precision = _recall_precision(flags_of(joined, t), joined.labels)[1]
                    if best is None or precision > best[0] + 1e-9:
                        best = (precision, t)
                    break  # lower model thresholds only add flags
    if best is None:
        raise ValueError("no thresholds reach the recall target")
    chosen = best[1]
    check = max(round(chosen.critical * CHECK_BAND, 3), 0.01)  # the widest band allowed
    for t in grid[grid <= chosen.critical]:
        if t < check:
            break
        if all(
            _recall_precision(flags_of(s, chosen) | (s.model >= t), s.labels)[0]
            >= CHECK_RECALL_TARGET
            for s in sets
        ):
            check = float(t)
            break
    return replace(chosen, check=check)


def with_thresholds(model: Model, thresholds: Thresholds) -> Model:
    return replace(model, thresholds=thresholds)
