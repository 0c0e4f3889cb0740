"""Visiting rules: how often a household with each care flag is visited.

Defaults follow common "四必访" practice; a deployment sets its own with the environment
variable SANSHI_VISIT_EVERY_DAYS, "flag:days" pairs separated by commas ("none:60" for
households without a flag), e.g. "dv_history:7,elder_alone:3".
"""

from __future__ import annotations

from django.conf import settings

from sanshi.env import ConfigError
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


def parse_rules(text: str) -> dict[str, int]:
    """ "flag:days,..." as a dict; a wrong flag or number fails with a clear message."""
    rules: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        flag, _, days = part.partition(":")
        flag = NO_FLAG if flag.strip() == "none" else flag.strip()
        if flag not in DEFAULT_EVERY_DAYS or not days.strip().isdigit() or int(days) < 1:
            raise ConfigError(
                "SANSHI_VISIT_EVERY_DAYS",
                f"expected flag:days pairs with flags {sorted(CareFlag.values)} or none, got {part!r}",
            )
        rules[flag] = int(days)
    return rules


def every_days() -> dict[str, int]:
    """The rules in force: the defaults, overridden flag by flag by the setting."""
    configured = getattr(settings, "SANSHI_VISIT_EVERY_DAYS", "") or ""
    return {**DEFAULT_EVERY_DAYS, **parse_rules(configured)}


def interval_for(flags: list[str]) -> int:
    """Days between visits: the strictest rule among the household's flags."""
    rules = every_days()
    days = [rules[f] for f in flags if f in rules]
    return min(days) if days else rules[NO_FLAG]
