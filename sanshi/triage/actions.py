"""Every write of the triage app: model versions, place aliases, dispatch thresholds."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from sanshi.concerns.taxonomy import taxonomy
from sanshi.core import clock
from sanshi.core.errors import InvalidInput
from sanshi.orgs.models import Division, Org
from sanshi.triage.classifier import MODEL_FILE, Model, train
from sanshi.triage.corpus import Example, eval_part, read_labelled, train_part
from sanshi.triage.engine import current_model, forget_active_model, semantic_enabled
from sanshi.triage.evaluation import (
    Report,
    choose_thresholds,
    evaluate,
    scores_of,
    with_thresholds,
)
from sanshi.triage.models import DispatchThreshold, PlaceAlias, TriageModel
from sanshi.triage.selectors import confirmed_examples
from sanshi.triage.semantic import EMBEDDINGS_FILE, build_embeddings, embed_cached


@dataclass(frozen=True)
class TrainOutcome:
    version: str
    activated: bool
    added_examples: int
    report: Report  # the candidate on dev
    baseline: Report  # the live model on dev
    baseline_version: str
    reason: str = ""  # why the candidate was not activated


def default_data_dir() -> Path:
    """../shared/data/triage beside the repository (where the labelled texts are kept)."""
    return Path(settings.BASE_DIR).parent.parent / "shared" / "data" / "triage"


def build_model(data_dir: Path, extra: Sequence[Example] = ()) -> Model:
    """Train on the shipped corpus, the labelled texts of data_dir/train.jsonl and `extra`;
    choose the thresholds on data_dir/dev.jsonl; record the figures in the model's info.

    Deterministic: the same files and examples give the same model, byte for byte.
    """
    train_file, dev_file = data_dir / "train.jsonl", data_dir / "dev.jsonl"
    for path in (train_file, dev_file):
        if not path.is_file():
            raise InvalidInput(f"training needs {path}: give the folder with --data")
    labelled = read_labelled(train_file)
    dev = read_labelled(dev_file, "dev")
    use_semantic = semantic_enabled()
    examples = [*train_part(), *labelled, *extra]
    vectors = embed_cached([e.text for e in examples]) if use_semantic else None
    model = train(examples, embeddings=vectors)
    sets = [scores_of(part, model, use_semantic=use_semantic) for part in (dev, eval_part())]
    thresholds = choose_thresholds(sets, use_semantic=use_semantic)
    model = with_thresholds(model, thresholds)
    on_dev = evaluate(dev, model, use_semantic=use_semantic)
    on_corpus = evaluate(eval_part(), model, use_semantic=use_semantic)
    model.info.update(
        {
            "trained_on": {
                "corpus_train": len(train_part()),
                "labelled_train": len(labelled),
                "staff": len(extra),
                "train_sha256": _sha256(train_file),
                "dev_sha256": _sha256(dev_file),
            },
            "semantic": use_semantic,
            "dev": on_dev.figures(),
            "corpus_eval": on_corpus.figures(),
        }
    )
    return model


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ship_model(data_dir: Path) -> Model:
    """Build the model shipped with the code (no staff examples) and write its files."""
    model = build_model(data_dir)
    MODEL_FILE.write_bytes(model.dumps())
    EMBEDDINGS_FILE.write_bytes(build_embeddings())
    return model


def train_model(data_dir: Path | None = None) -> TrainOutcome:
    """Retrain with the staff-confirmed concerns; activate the new version unless its critical
    recall on dev is lower than the live one's (or it is worse by `Report.no_worse_than`)."""
    data_dir = data_dir or default_data_dir()
    extra = confirmed_examples()
    live = current_model()
    candidate = build_model(data_dir, extra)
    dev = read_labelled(data_dir / "dev.jsonl", "dev")
    report = evaluate(dev, candidate)
    baseline = evaluate(dev, live)
    reason = ""
    if candidate.version == live.version:
        reason = "the same training data as the live model"
    elif report.critical_recall < baseline.critical_recall:
        reason = (
            f"critical recall on dev {report.critical_recall:.3f} is lower than the live "
            f"model's {baseline.critical_recall:.3f}"
        )
    elif not report.no_worse_than(baseline):
        reason = "worse than the live model on dev (category accuracy or precision)"
    activated = _record(candidate, extra, report, activate=not reason)
    return TrainOutcome(
        candidate.version, activated, len(extra), report, baseline, live.version, reason
    )


@transaction.atomic
def _record(model: Model, extra: Sequence[Example], report: Report, *, activate: bool) -> bool:
    row, _created = TriageModel.objects.get_or_create(
        version=model.version,
        defaults={
            "created_at": clock.now(),
            "examples": [
                {"text": e.text, "sub": e.subcategory, "critical": e.critical} for e in extra
            ],
            "metrics": {**report.figures(), "thresholds": dataclasses.asdict(model.thresholds)},
            "weights": model.dumps(),
        },
    )
    if activate:
        TriageModel.objects.filter(active=True).update(active=False)
        TriageModel.objects.filter(pk=row.pk).update(active=True)
        transaction.on_commit(forget_active_model)
    return activate


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
def add_place_alias(
    alias: str, *, division: Division | None = None, org: Org | None = None, note: str = ""
) -> PlaceAlias:
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


def set_dispatch_threshold(
    category: str, *, enabled: bool, min_confidence: float
) -> DispatchThreshold:
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
