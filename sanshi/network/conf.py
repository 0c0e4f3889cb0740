"""Visiting rules: how often a household with each care flag is visited.

Defaults follow common "四必访" practice; a deployment sets its own with the setting
SANSHI_VISIT_EVERY_DAYS, a dict of flag code to days ("" for households without a flag).
"""

from __future__ import annotations

from django.conf import settings

from sanshi.network.models import CareFlag

NO_FLAG = ""
DEFAULT_EVERY_DAYS: dict[str, int] = {
    CareFlag.DV_HISTORY: 14,
    CareFlag.ELDER_ALONE: 7,
    CareFlag.LEFT_BEHIND_CHILD: 30,
    CareFlag.WOMAN_IN_HARDSHIP: 30,
    CareFlag.DISABILITY: 30,
    CareFlag.SINGLE_PARENT: 60,
    NO_FLAG: 90,
}


def every_days() -> dict[str, int]:
    """The rules in force: the defaults, overridden flag by flag by the setting."""
    configured = getattr(settings, "SANSHI_VISIT_EVERY_DAYS", None) or {}
    return {**DEFAULT_EVERY_DAYS, **{str(k): int(v) for k, v in configured.items()}}


def interval_for(flags: list[str]) -> int:
    """Days between visits: the strictest rule among the household's flags."""
    rules = every_days()
    days = [rules[f] for f in flags if f in rules]
    return min(days) if days else rules[NO_FLAG]
