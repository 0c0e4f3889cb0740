"""The phone lines a resident sees after reporting: the one that fits the danger first.

The kinds of danger come from the concern's stored triage ("danger": [{kind, words,
detector}], sanshi.triage.kinds). Until every detector names its kinds, `danger_kinds` falls
back on the rules' signal kinds (TEMPORARY: drop `_RULE_KINDS` once "danger" is always filled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from sanshi.triage.kinds import AMBULANCE, POLICE, WOMENS_RIGHTS, DangerKind, Line, lines_for

# What the residents' pages call each line (the intake catalogue holds their English).
NAMES: dict[str, Any] = {
    "110": _("报警"),
    "120": _("急救"),
    "12356": _("心理援助热线"),
    "12338": _("妇女维权公益热线"),
}

# TEMPORARY: today's rule signals (sanshi.triage.danger) as kinds of danger.
_RULE_KINDS: dict[str, str] = {
    "self_harm": DangerKind.SELF_HARM,
    "goodbye": DangerKind.SELF_HARM,
    "violence": DangerKind.VIOLENCE,
    "weapon": DangerKind.VIOLENCE,
    "sexual_assault": DangerKind.VIOLENCE,
    "threat": DangerKind.THREAT,
    "stalking": DangerKind.THREAT,
    "confinement": DangerKind.CONFINEMENT,
    "trafficking": DangerKind.CONFINEMENT,
    "child_missing": DangerKind.CHILD_DANGER,
    "child_harm": DangerKind.CHILD_DANGER,
    "child_alone": DangerKind.CHILD_DANGER,
    "elder_emergency": DangerKind.MEDICAL,
    "injury": DangerKind.MEDICAL,
}


@dataclass(frozen=True)
class ShownLine:
    number: str
    name: Any  # a lazy translation


def danger_kinds(triage: dict[str, Any]) -> list[str]:
    """The kinds of danger in a stored triage: its "danger" list, else the rules' signals."""
    named = [d.get("kind", "") for d in triage.get("danger") or [] if isinstance(d, dict)]
    if named:
        return list(dict.fromkeys(k for k in named if k))
    if not triage.get("critical"):
        return []
    signals = [s.get("kind", "") for s in triage.get("signals") or [] if isinstance(s, dict)]
    return list(dict.fromkeys(_RULE_KINDS[k] for k in signals if k in _RULE_KINDS))


def lines_to_show(triage: dict[str, Any], *, critical: bool) -> list[ShownLine]:
    """The lines for the concern's kinds of danger, then 12338; 110 and 120 when it is critical
    but no kind was named; nothing when there is no sign of danger."""
    kinds = danger_kinds(triage)
    lines: list[Line]
    if kinds:
        lines = lines_for(kinds)
    elif critical:
        lines = [POLICE, AMBULANCE, WOMENS_RIGHTS]
    else:
        return []
    return [ShownLine(line.number, NAMES.get(line.number, line.name)) for line in lines]
