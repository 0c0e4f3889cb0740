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
from sanshi.triage import danger, semantic
from sanshi.triage.classifier import Model, Prediction, Thresholds, model_from_bytes, shipped_model
from sanshi.triage.danger import KIND_OF_CATEGORY, kind_of_hit
from sanshi.triage.kinds import DangerKind
from sanshi.triage.routing import RouteResult, gazetteer

RULES_VERSION = "r3"
# How sure a rule that found danger is of the urgent subcategory it points at.
RULE_CONFIDENCE = 0.9
# From this category probability on, the model's category stands against a rule's.
MODEL_SURE = 0.5
# ... and against a rule that knows whose danger it is (violence, a child, self-harm).
MODEL_VERY_SURE = 0.8
# Rules that see danger without knowing whose concern it is (the model's category stands).
_GENERIC_RULES = frozenset({"help", "medical", "trapped", "injury", "threat", "weapon"})
HIGH_SUBCATEGORIES = frozenset(
    {
        "safety.dv_help",
        "safety.harassment",
        "health.illness",
        "hardship.housing",
        "children.bullying",
        "hardship.subsistence",
    }
)
LOW_SUBCATEGORIES = frozenset(
    {
        "feedback.praise",
        "feedback.suggestion",
        "feedback.out_of_scope",
        "community.venues",
        "community.volunteering",
    }
)


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
_active: dict[str, Any] = {"checked": -1.0, "version": None}


def _active_version() -> str | None:
    """The version of the model staff activated with `triage-train` (None: the shipped one)."""
    from sanshi.triage.models import TriageModel

    return TriageModel.objects.filter(active=True).values_list("version", flat=True).first()


def _stored_weights(version: str) -> bytes:
    from sanshi.triage.models import TriageModel

    return bytes(TriageModel.objects.values_list("weights", flat=True).get(version=version))


def current_model() -> Model:
    """The active model version, looked up at most every TRIAGE_MODEL_CHECK_SECONDS.

    Each version's weights are read from the database once per process; with no active
    version (or no database: a bare CLI call, a test without db) the shipped file is used.
    """
    every = float(getattr(settings, "TRIAGE_MODEL_CHECK_SECONDS", 30))
    with _lock:
        if _active["checked"] < 0 or time.monotonic() - _active["checked"] > every:
            try:
                _active["version"] = _active_version()
            except (DatabaseError, RuntimeError):
                _active["version"] = None
            _active["checked"] = time.monotonic()
        version = _active["version"]
    if version is None:
        return shipped_model()
    try:
        return model_from_bytes(version, lambda: _stored_weights(version))
    except (DatabaseError, RuntimeError):
        return shipped_model()


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
        # tell the subcategories apart better (stalking or violence now). A model sure of
        # another category keeps it (an ill patient "抢救" is health, not safety).
        same = pred.subcategory.split(".")[0] == verdict.subcategory.split(".")[0]
        if same:
            return pred.subcategory if _urgent(pred.subcategory) else verdict.subcategory
        sure = MODEL_SURE if verdict.lead in _GENERIC_RULES else MODEL_VERY_SURE
        if pred.category_prob < sure:
            return verdict.subcategory
    if _urgent(pred.subcategory):
        return pred.subcategory
    return _best(pred.sub_probs, urgent=True) or pred.subcategory


def _urgency(subcategory: str, verdict: danger.DangerVerdict, critical: bool) -> str:
    if critical:
        return "critical"
    serious = any(h.discounted in ("", "past", "over") for h in verdict.hits)
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


@dataclass(frozen=True)
class Votes:
    """What each detector said about one text."""

    verdict: danger.DangerVerdict
    danger_prob: float
    nearest: semantic.Nearest | None
    model_words: tuple[str, ...] = ()


def _rule_evidence(text: str, verdict: danger.DangerVerdict) -> list[Evidence]:
    counting = [h for h in verdict.hits if not h.discounted]
    if not verdict.critical:
        return []
    strong = [h for h in counting if h.strength == danger.Strength.CRITICAL] or counting
    return [Evidence(kind_of_hit(h, text), h.phrase, "rules") for h in strong]


def _guess_kind(text: str, votes: Votes, category: str) -> str:
    """The kind of danger the model saw: the nearest prototype's, a discounted rule's, or the
    category's most common kind."""
    if votes.nearest is not None:
        return votes.nearest.kind
    for hit in votes.verdict.hits:
        return kind_of_hit(hit, text)
    return str(KIND_OF_CATEGORY.get(category, DangerKind.VIOLENCE))


def supported(votes: Votes, thresholds: Thresholds) -> bool:
    """Another detector leans the same way: a rule's hit that no negation or animal explains
    away, or a semantic similarity in the check band."""
    if any(h.discounted in danger.SUPPORTING for h in votes.verdict.hits):
        return True
    near = votes.nearest
    return (
        near is not None
        and not votes.verdict.negated
        and near.similarity >= thresholds.semantic_check
    )


# The share of the model's check threshold from which it backs the semantic check's doubt.
SEMANTIC_WITH_MODEL = 0.5


def evidence_for(
    text: str, votes: Votes, category: str, thresholds: Thresholds
) -> tuple[tuple[Evidence, ...], bool, bool]:
    """(evidence, critical, needs_check) from the detectors' votes and the thresholds."""
    found = _rule_evidence(text, votes.verdict)
    near = votes.nearest
    model_check = votes.danger_prob >= thresholds.check
    by_model = votes.danger_prob >= thresholds.sure or (
        votes.danger_prob >= thresholds.critical and supported(votes, thresholds)
    )
    # Embeddings do not read negation: where the rules saw danger words only explained away
    # ("他没有打我", "要把狗打死", "笑死了"), the semantic check can ask a person to look,
    # not make it critical nor support the model.
    by_semantic = (
        near is not None
        and near.similarity >= thresholds.semantic_critical
        and not votes.verdict.negated
    )
    semantic_check = near is not None and near.similarity >= thresholds.semantic_check
    critical = votes.verdict.critical or by_model or by_semantic
    # Alone, closeness to a danger prototype is common in short everyday texts (a question
    # about a 儿童之家's hours, praise for its social worker: a fifth of the demo's texts): it
    # asks a person to look only beside another sign, a danger word the rules read (even
    # explained away) or a model leaning towards danger.
    semantic_asks = semantic_check and (
        bool(votes.verdict.hits) or votes.danger_prob >= thresholds.check * SEMANTIC_WITH_MODEL
    )
    # A wish to die said with hesitation ("想死又不敢"): the rules do not make it critical on
    # their own, but a person hears it soon.
    hesitant = [h for h in votes.verdict.hits if h.discounted == "hesitant"]
    needs_check = not critical and (model_check or semantic_asks or bool(hesitant))
    if needs_check and hesitant:
        found.append(Evidence(kind_of_hit(hesitant[0], text), hesitant[0].phrase, "rules"))
    if by_model or (needs_check and model_check):
        words = "、".join(votes.model_words) or f"p={votes.danger_prob:.2f}"
        found.append(Evidence(_guess_kind(text, votes, category), words, "model"))
    if near is not None and (by_semantic or (needs_check and semantic_asks)):
        found.append(Evidence(near.kind, near.window, "semantic"))
    return tuple(found), critical, needs_check


def combine(
    text: str,
    pred: Prediction,
    verdict: danger.DangerVerdict,
    version: str,
    *,
    nearest: semantic.Nearest | None = None,
    thresholds: Thresholds | None = None,
    model_words: tuple[str, ...] = (),
) -> TriageResult:
    """One result from the model's prediction, the rules' verdict and the semantic check."""
    thresholds = thresholds or Thresholds()
    votes = Votes(verdict, pred.danger_prob, nearest, model_words)
    evidence, critical, needs_check = evidence_for(text, votes, pred.category, thresholds)
    by_model = not verdict.critical and any(e.detector == "model" for e in evidence) and critical
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
        evidence=evidence,
        needs_check=needs_check,
    )


def semantic_enabled() -> bool:
    return bool(getattr(settings, "TRIAGE_SEMANTIC", True))


def triage_batch(
    texts: Sequence[str],
    addresses: Sequence[str | None] | None = None,
    *,
    model: Model | None = None,
    use_semantic: bool | None = None,
) -> list[TriageResult]:
    """Triage many texts at once (one vectoriser pass: much faster than one call per text).

    `use_semantic=False` leaves the semantic check out (the rules-and-linear path, for
    measuring it alone); by default it follows settings.TRIAGE_SEMANTIC (on).
    """
    model = model or current_model()
    texts = list(texts)
    with_semantic = semantic_enabled() if use_semantic is None else use_semantic
    version = f"{model.version}+{RULES_VERSION}" + ("+s1" if with_semantic else "")
    embeddings = semantic.embed(texts) if with_semantic and texts else None
    preds = model.predict(texts, embeddings)
    verdicts = [danger.judge(text) for text in texts]
    near: list[semantic.Nearest | None] = (
        list(semantic.nearest(texts, embeddings)) if embeddings is not None else [None] * len(texts)
    )
    thresholds = model.thresholds
    # The model's words, for the texts it may flag (critical or to check), in one product.
    asked = [i for i, pred in enumerate(preds) if pred.danger_prob >= thresholds.check]
    found = dict(zip(asked, model.danger_words_many([texts[i] for i in asked]), strict=True))
    results = []
    for i, (text, pred, verdict, n) in enumerate(zip(texts, preds, verdicts, near, strict=True)):
        words = tuple(found.get(i, ()))
        results.append(
            combine(
                text, pred, verdict, version, nearest=n, thresholds=thresholds, model_words=words
            )
        )
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
