"""Shaping concerns for display: highlighted text, SLA clocks, masked personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_noop

from sanshi.concerns.models import Concern
from sanshi.core.words import span


@dataclass(frozen=True)
class Signal:
    start: int
    end: int
    label: str
    kind: str


def _signals(triage: dict[str, Any], length: int) -> list[Signal]:
    """Valid, non-overlapping signals from the triage result, in text order."""
    found: list[Signal] = []
    raw = triage.get("signals") if isinstance(triage, dict) else None
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        start, end = item.get("start"), item.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= length:
            continue
        label = str(item.get("label") or item.get("kind") or "")
        kind = str(item.get("kind") or item.get("type") or "signal")
        found.append(
            Signal(start, end, label, "".join(ch for ch in kind if ch.isalnum() or ch in "-_"))
        )
    found.sort(key=lambda s: (s.start, -s.end))
    kept: list[Signal] = []
    for sig in found:
        if not kept or sig.start >= kept[-1].end:
            kept.append(sig)
    return kept


def highlighted_text(concern: Concern) -> SafeString:
    """The concern's text, escaped, with the triage engine's signals wrapped in <mark>."""
    text = concern.text
    pieces: list[str] = []
    pos = 0
    for sig in _signals(concern.triage, len(text)):
        pieces.append(escape(text[pos : sig.start]))
        pieces.append(
            format_html(
                '<mark class="sig sig-{}" title="{}">{}</mark>',
                sig.kind,
                sig.label,
                text[sig.start : sig.end],
            )
        )
        pos = sig.end
    pieces.append(escape(text[pos:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


@dataclass(frozen=True)
class Clock:
    """One deadline: when it falls, when it was met, and how it stands now."""

    name: str
    due: dt.datetime | None
    done_at: dt.datetime | None
    state: str  # met, late (met after due), running, overdue, none
    minutes: int  # minutes left (running) or past due (overdue, late)


def _clock(name: str, due: dt.datetime | None, done: dt.datetime | None, now: dt.datetime) -> Clock:
    if due is None:
        return Clock(name, None, done, "none", 0)
    if done is not None:
        late = int((done - due).total_seconds() // 60)
        return Clock(name, due, done, "late" if late > 0 else "met", max(late, 0))
    left = int((due - now).total_seconds() // 60)
    return Clock(name, due, None, "running" if left >= 0 else "overdue", abs(left))


def sla_clocks(concern: Concern, now: dt.datetime) -> list[Clock]:
    """The three SLA clocks: sign (签收), first contact (联系), resolve (办结)."""
    return [
        _clock(gettext_noop("签收"), concern.sign_due, concern.signed_at, now),
        _clock(gettext_noop("首次联系"), concern.contact_due, concern.first_contact_at, now),
        _clock(
            gettext_noop("答复办结"),
            concern.resolve_due,
            concern.replied_at or concern.closed_at,
            now,
        ),
    ]


def human_minutes(minutes: int) -> str:
    """A span in days, hours and minutes in the reader's language, e.g. '1天3小时'."""
    return span(minutes)


ROUTE_LEVELS = (
    ("province", "省"),
    ("city", "市"),
    ("county", "县区"),
    ("township", "乡镇街道"),
    ("community", "村社区"),
)


def route_steps(triage: dict[str, Any]) -> list[tuple[str, str]]:
    """The place the triage engine read from the address, level by level: [(level, name)]."""
    route = triage.get("route") if isinstance(triage, dict) else None
    if not isinstance(route, dict):
        return []
    steps = []
    for key, label in ROUTE_LEVELS:
        place = route.get(key)
        if isinstance(place, dict) and place.get("name"):
            steps.append((label, str(place["name"])))
    return steps


def suggested_org_id(triage: dict[str, Any]) -> int | None:
    """The org the triage engine suggests dispatching to, if it named one."""
    if not isinstance(triage, dict):
        return None
    route = triage.get("route")
    candidates = [
        triage.get("suggested_org"),
        triage.get("org"),
        route.get("org") if isinstance(route, dict) else None,
    ]
    for item in candidates:
        value = item.get("id") if isinstance(item, dict) else item
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def route_ambiguous(triage: dict[str, Any]) -> bool:
    route = triage.get("route") if isinstance(triage, dict) else None
    return bool(isinstance(route, dict) and route.get("ambiguous"))


DETECTOR_LABELS = {
    "rules": gettext_noop("规则"),
    "model": gettext_noop("模型"),
    "semantic": gettext_noop("语义比对"),
}


def danger_flags(triage: dict[str, Any]) -> list[dict[str, str]]:
    """Each danger flag triage raised: its kind (named), the words, which detector saw it."""
    from sanshi.triage.kinds import DangerKind

    raw = triage.get("danger") if isinstance(triage, dict) else None
    flags = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("kind", ""))
        label = DangerKind(kind).label if kind in DangerKind.values else kind
        detector = str(item.get("detector", ""))
        flags.append(
            {
                "kind": kind,
                "label": str(label),
                "words": str(item.get("words", "")),
                "detector": DETECTOR_LABELS.get(detector, detector),
            }
        )
    return flags
