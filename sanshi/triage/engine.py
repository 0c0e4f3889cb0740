"""The triage engine: one function from text (and address) to category, urgency and route.

Rules (`danger`) and the statistical model (`classifier`) each vote on danger; either one
makes a concern critical, and only a person can make it not critical again. The model picks
the category; a rule that found danger picks the urgent subcategory when the model did not.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError

from sanshi.concerns.taxonomy import taxonomy
from sanshi.triage import danger
from sanshi.triage.classifier import Model, Prediction, model_for
from sanshi.triage.corpus import Example
from sanshi.triage.routing import RouteResult, gazetteer

RULES_VERSION = "r1"
# The model alone makes a concern critical from this probability of danger up when it also
# puts the text in an urgent subcategory...
DANGER_THRESHOLD = 0.5
# ... and from this one up whatever the subcategory, even when the rules saw only negated
# danger words (an elder who fell is urgent though `elderly.alone` is not an urgent class).
DANGER_THRESHOLD_SURE = 0.95
# How sure a rule that found danger is of the urgent subcategory it points at.
RULE_CONFIDENCE = 0.9
HIGH_SUBCATEGORIES = frozenset(
    {"safety.dv_help", "safety.harassment", "health.illness", "hardship.housing",
     "children.bullying", "hardship.subsistence"}
)  # fmt: skip
LOW_SUBCATEGORIES = frozenset(
    {"feedback.praise", "feedback.suggestion", "feedback.out_of_scope", "community.venues",
     "community.volunteering"}
)  # fmt: skip


@dataclass(frozen=True)
class Signal:
    kind: str
    phrase: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "phrase": self.phrase, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Evidence:
    """Why a text was flagged: the kind of danger (triage.kinds.DangerKind), the words that
    raised it, and the detector that saw it ("rules", "model", "semantic")."""

    kind: str
    words: str
    detector: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "words": self.words, "detector": self.detector}


@dataclass(frozen=True)
class TriageResult:
    category: str
    subcategory: str
    sanshi: str
    urgency: str
    critical: bool
    confidence: float
    signals: list[Signal] = field(default_factory=list)
    route: RouteResult | None = None
    model_version: str = ""
    # Each flag with its kind and words (issue 19); empty when nothing was flagged.
    evidence: tuple[Evidence, ...] = ()
    # Between the thresholds: not critical, but a person must look for danger at once.
    needs_check: bool = False

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of danger flagged, each once, strongest evidence first."""
        return tuple(dict.fromkeys(e.kind for e in self.evidence))

    def as_dict(self) -> dict[str, Any]:
        """The JSON of issue 4: what the CLI prints, the API returns and a concern stores."""
        result: dict[str, Any] = {
            "category": self.category,
            "subcategory": self.subcategory,
            "sanshi": self.sanshi,
            "urgency": self.urgency,
            "critical": self.critical,
            "confidence": round(self.confidence, 3),
            "signals": [s.as_dict() for s in self.signals],
            "model_version": self.model_version,
            "danger": [e.as_dict() for e in self.evidence],
            "needs_check": self.needs_check,
        }
        if self.route is not None:
            result["route"] = self.route.as_dict()
        return result


# ---------------------------------------------------------------- the model in use

_lock = threading.Lock()
_active: dict[str, Any] = {"checked": -1.0, "examples": ()}


def _active_examples() -> tuple[Example, ...]:
    """Staff-confirmed examples of the active model version (none: the shipped corpus only)."""
    from sanshi.triage.models import TriageModel

    row = TriageModel.objects.filter(active=True).values_list("examples", flat=True).first()
    return tuple(
        Example(e["text"], e["sub"], bool(e["critical"]), "train", "staff") for e in (row or [])
    )


def current_model() -> Model:
    """The active model version, looked up at most every TRIAGE_MODEL_CHECK_SECONDS."""
    every = float(getattr(settings, "TRIAGE_MODEL_CHECK_SECONDS", 30))
    with _lock:
        if _active["checked"] < 0 or time.monotonic() - _active["checked"] > every:
            try:
                _active["examples"] = _active_examples()
            except (DatabaseError, RuntimeError):
                # No database here (a bare CLI call, a test without db): the shipped model.
                _active["examples"] = ()
            _active["checked"] = time.monotonic()
        examples = _active["examples"]
    return model_for(examples)


def forget_active_model() -> None:
    """Look the active version up again on the next call (after `triage-train` activates one)."""
    with _lock:
        _active["checked"] = -1.0


# ---------------------------------------------------------------- combining the votes


def _urgent(code: str) -> bool:
    sub = taxonomy().subcategories.get(code)
    return sub is not None and sub.urgent


def _best(sub_probs: dict[str, float], *, urgent: bool) -> str:
    """The most probable subcategory of the category that is (or is not) urgent."""
    pool = {s: p for s, p in sub_probs.items() if _urgent(s) == urgent}
    return max(pool, key=lambda s: pool[s]) if pool else ""


def _subcategory(pred: Prediction, verdict: danger.DangerVerdict, critical: bool) -> str:
    if not critical:
        if not _urgent(pred.subcategory):
            return pred.subcategory
        return _best(pred.sub_probs, urgent=False) or pred.subcategory
    if verdict.critical and verdict.subcategory:
        # The rule knows what kind of danger it saw; within that kind's category the model may
        # tell the subcategories apart better (stalking or violence now).
        same = pred.subcategory.split(".")[0] == verdict.subcategory.split(".")[0]
        return pred.subcategory if same and _urgent(pred.subcategory) else verdict.subcategory
    if _urgent(pred.subcategory):
        return pred.subcategory
    return _best(pred.sub_probs, urgent=True) or pred.subcategory


def _urgency(subcategory: str, verdict: danger.DangerVerdict, critical: bool) -> str:
    if critical:
        return "critical"
    serious = any(h.discounted in ("", "past") for h in verdict.hits)
    if serious or subcategory in HIGH_SUBCATEGORIES:
        return "high"
    if subcategory in LOW_SUBCATEGORIES:
        return "low"
    return "normal"


def _signals(
    text: str, verdict: danger.DangerVerdict, pred: Prediction, by_model: bool
) -> list[Signal]:
    signals = [
        Signal(f"{h.kind}:{h.discounted}" if h.discounted else h.kind, h.phrase, h.start, h.end)
        for h in verdict.hits
    ]
    if by_model:
        signals.append(Signal("model", f"danger p={pred.danger_prob:.2f}", 0, 0))
    if verdict.critical or by_model:
        marker = danger.third_party(text)
        if marker is not None:
            signals.append(
                Signal("third_party", text[marker.start() : marker.end()], *marker.span())
            )
    return sorted(signals, key=lambda s: (s.start, s.end, s.kind))


def _model_says_danger(pred: Prediction, verdict: danger.DangerVerdict) -> bool:
    """The danger model and the subcategory model agree, or the danger model is very sure."""
    if verdict.negated:
        return pred.danger_prob >= DANGER_THRESHOLD_SURE
    return pred.danger_prob >= DANGER_THRESHOLD_SURE or (
        pred.danger_prob >= DANGER_THRESHOLD and _urgent(pred.subcategory)
    )


def combine(
    text: str, pred: Prediction, verdict: danger.DangerVerdict, version: str
) -> TriageResult:
    """One result from the model's prediction and the rules' verdict."""
    by_model = not verdict.critical and _model_says_danger(pred, verdict)
    critical = verdict.critical or by_model
    subcategory = _subcategory(pred, verdict, critical)
    sub = taxonomy().subcategories[subcategory]
    confidence = pred.cat_probs.get(sub.category, 0.0)
    if verdict.critical and sub.category != pred.category:
        confidence = max(confidence, RULE_CONFIDENCE)
    return TriageResult(
        category=sub.category,
        subcategory=subcategory,
        sanshi="jiuxin" if critical else sub.sanshi,
        urgency=_urgency(subcategory, verdict, critical),
        critical=critical,
        confidence=confidence,
        signals=_signals(text, verdict, pred, by_model),
        model_version=version,
    )


def triage_batch(
    texts: Sequence[str],
    addresses: Sequence[str | None] | None = None,
    *,
    model: Model | None = None,
) -> list[TriageResult]:
    """Triage many texts at once (one vectoriser pass: much faster than one call per text)."""
    model = model or current_model()
    version = f"{model.version}+{RULES_VERSION}"
    results = [
        combine(text, pred, danger.judge(text), version)
        for text, pred in zip(texts, model.predict(list(texts)), strict=True)
    ]
    if addresses is None or not any(a and a.strip() for a in addresses):
        return results
    # One gazetteer for the whole batch: looking it up checks the database for changes.
    route = gazetteer().route
    return [
        _with_route(result, address, route)
        for result, address in zip(results, addresses, strict=True)
    ]


def _with_route(
    result: TriageResult, address: str | None, route: Callable[[str], RouteResult]
) -> TriageResult:
    if not address or not address.strip():
        return result
    return TriageResult(**{**result.__dict__, "route": route(address)})


def triage(text: str, address: str | None = None) -> TriageResult:
    """Triage one concern's text; route its address when one is given."""
    return triage_batch([text], [address])[0]
