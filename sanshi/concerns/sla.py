"""Deadlines from SLA policies: which policy applies and when each deadline falls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sanshi.concerns.models import DurationUnit, SlaPolicy, Urgency
from sanshi.concerns.workcal import WorkingCalendar
from sanshi.core.refcache import ReferenceCache

# The tiers of taxonomy.yaml; a migration writes them as editable rows, and these stand in
# when an admin has deleted a row.
DEFAULT_POLICIES: dict[str, dict[str, object]] = {
    Urgency.CRITICAL: {
        "sign_within": 30,
        "sign_unit": DurationUnit.MINUTES,
        "contact_within": 30,
        "contact_unit": DurationUnit.MINUTES,
        "resolve_within": 2,
        "resolve_unit": DurationUnit.HOURS,
        "remind_before_minutes": 10,
    },
    Urgency.HIGH: {
        "sign_within": 4,
        "sign_unit": DurationUnit.HOURS,
        "contact_within": 4,
        "contact_unit": DurationUnit.HOURS,
        "resolve_within": 3,
        "resolve_unit": DurationUnit.DAYS,
        "remind_before_minutes": 60,
    },
    Urgency.NORMAL: {
        "sign_within": 24,
        "sign_unit": DurationUnit.HOURS,
        "contact_within": 2,
        "contact_unit": DurationUnit.WORKING_DAYS,
        "resolve_within": 7,
        "resolve_unit": DurationUnit.DAYS,
        "remind_before_minutes": 240,
    },
    Urgency.LOW: {
        "sign_within": 24,
        "sign_unit": DurationUnit.HOURS,
        "contact_within": 3,
        "contact_unit": DurationUnit.WORKING_DAYS,
        "resolve_within": 3,
        "resolve_unit": DurationUnit.WORKING_DAYS,
        "remind_before_minutes": 480,
    },
}


@dataclass(frozen=True)
class Deadlines:
    sign: dt.datetime
    contact: dt.datetime
    resolve: dt.datetime


_policies = ReferenceCache("sla-policies", SlaPolicy)


def policy_for(urgency: str, category: str = "") -> SlaPolicy:
    """The category's own policy for the tier, else the tier's general one, else the default.

    Read from the database at most every REFERENCE_DATA_SECONDS (sanshi.core.refcache)."""
    return _policies.get((urgency, category), lambda: _policy_in_db(urgency, category))


def _policy_in_db(urgency: str, category: str) -> SlaPolicy:
    found = {
        p.category: p
        for p in SlaPolicy.objects.filter(urgency=urgency, category__in=[category, ""])
    }
    if category in found:
        return found[category]
    if "" in found:
        return found[""]
    return SlaPolicy(urgency=urgency, **DEFAULT_POLICIES[urgency])


def add_duration(
    start: dt.datetime, amount: int, unit: str, calendar: WorkingCalendar
) -> dt.datetime:
    """Start plus an amount of minutes, hours, calendar days or working days."""
    if unit == DurationUnit.MINUTES:
        return start + dt.timedelta(minutes=amount)
    if unit == DurationUnit.HOURS:
        return start + dt.timedelta(hours=amount)
    if unit == DurationUnit.DAYS:
        return start + dt.timedelta(days=amount)
    return calendar.add_working_days(start, amount)


def deadlines_from(
    start: dt.datetime, policy: SlaPolicy, calendar: WorkingCalendar | None = None
) -> Deadlines:
    """The three deadlines for a concern dispatched at `start`."""
    cal = calendar or WorkingCalendar()
    return Deadlines(
        sign=add_duration(start, policy.sign_within, policy.sign_unit, cal),
        contact=add_duration(start, policy.contact_within, policy.contact_unit, cal),
        resolve=add_duration(start, policy.resolve_within, policy.resolve_unit, cal),
    )
