"""Every write of the triage app: model versions, place aliases, dispatch thresholds."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from sanshi.concerns.taxonomy import taxonomy
from sanshi.core import clock
from sanshi.core.errors import InvalidInput
from sanshi.orgs.models import Division, Org
from sanshi.triage.classifier import Model, model_for
from sanshi.triage.corpus import eval_part
from sanshi.triage.engine import current_model, forget_active_model
from sanshi.triage.evaluation import Report, evaluate
from sanshi.triage.models import DispatchThreshold, PlaceAlias, TriageModel
from sanshi.triage.selectors import confirmed_examples


@dataclass(frozen=True)
class TrainOutcome:
    version: str
    activated: bool
    added_examples: int
    report: Report
    baseline: Report
    baseline_version: str


@transaction.atomic
def train_model() -> TrainOutcome:
    """Retrain on the corpus plus staff-confirmed concerns; activate it if no worse on eval."""
    extra = confirmed_examples()
    baseline_model = current_model()
    candidate: Model = model_for(extra)
    evaluation = eval_part()
    report = evaluate(evaluation, candidate)
    baseline = evaluate(evaluation, baseline_model)
    better = candidate.version != baseline_model.version and report.no_worse_than(baseline)
    row, _created = TriageModel.objects.get_or_create(
        version=candidate.version,
        defaults={
            "created_at": clock.now(),
            "examples": [
                {"text": e.text, "sub": e.subcategory, "critical": e.critical} for e in extra
            ],
            "metrics": _metrics(report),
        },
    )
    if better:
        TriageModel.objects.filter(active=True).update(active=False)
        TriageModel.objects.filter(pk=row.pk).update(active=True)
        transaction.on_commit(forget_active_model)
    return TrainOutcome(
        candidate.version, better, len(extra), report, baseline, baseline_model.version
    )


def _metrics(report: Report) -> dict[str, float]:
    return {
        "category_accuracy": report.category_accuracy,
        "critical_recall": report.critical_recall,
        "critical_precision": report.critical_precision,
        "eval_texts": report.total,
    }


def check_place_alias(alias: str, *, division: Division | None, org: Org | None) -> str:
    """The alias as it will be stored, or InvalidInput saying what is wrong with it."""
    alias = alias.strip()
    if len(alias) < 2:
        raise InvalidInput("an alias needs at least two characters", fields={"alias": alias})
    if (division is None) == (org is None):
        raise InvalidInput("an alias names a division or an org, one of the two")
    if org is not None and org.level != Org.Level.COMMUNITY:
        raise InvalidInput(
            "org aliases are for communities and villages", fields={"org": str(org.pk)}
        )
    return alias


@transaction.atomic
def add_place_alias(alias: str, *, division: Division | None = None, org: Org | None = None,
                    note: str = "") -> PlaceAlias:  # fmt: skip
    """Teach the router another name for a division or a community org."""
    alias = check_place_alias(alias, division=division, org=org)
    found = PlaceAlias.objects.filter(alias=alias, division=division, org=org).first()
    if found is not None:
        return found
    return PlaceAlias.objects.create(
        alias=alias, division=division, org=org, note=note.strip(), created_at=clock.now()
    )


def remove_place_alias(alias: PlaceAlias) -> None:
    """Forget an alias (the router's gazetteer is rebuilt: the count of aliases changed)."""
    PlaceAlias.objects.filter(pk=alias.pk).delete()


def set_dispatch_threshold(category: str, *, enabled: bool, min_confidence: float
                           ) -> DispatchThreshold:  # fmt: skip
    """When triage may dispatch concerns of `category` by itself ("" sets the default)."""
    if category and category not in taxonomy().by_code:
        raise InvalidInput(f"unknown category {category!r}", fields={"category": category})
    if not 0.0 <= min_confidence <= 1.0:
        raise InvalidInput(
            "the confidence is between 0 and 1", fields={"min_confidence": str(min_confidence)}
        )
    row, _created = DispatchThreshold.objects.update_or_create(
        category=category, defaults={"enabled": enabled, "min_confidence": min_confidence}
    )
    return row
