"""The three rates (三率) and their companions, for an org subtree and a period.

Every rate carries the counts behind it; a rate with nothing to count is None, not 0 or 1.
Periods are half-open: start <= t < end.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from sanshi.analytics.models import RollupCount, RollupMonth
from sanshi.analytics.rollups import M
from sanshi.concerns.models import Concern, ConcernEvent, EventKind, Satisfaction
from sanshi.orgs.models import Org


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Rates:
    response: Rate
    resolution: Rate
    satisfaction: Rate
    on_time: Rate
    returned: Rate
    reopened: Rate


def _in_subtree(org: Org) -> Q:
    return Q(org__path__startswith=org.path)


def _between(field: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def response_rate(concerns: QuerySet[Concern], start: dt.datetime, end: dt.datetime) -> Rate:
    """响应率: of concerns first dispatched in the period, those signed by the sign deadline
    and whose resident was contacted by the contact deadline."""
    dispatched = concerns.filter(_between("first_dispatched_at", start, end))
    responded = dispatched.filter(
        signed_at__isnull=False,
        signed_at__lte=F("sign_due"),
        first_contact_at__isnull=False,
        first_contact_at__lte=F("contact_due"),
    )
    return Rate(responded.count(), dispatched.count())


def resolution_rate(concerns: QuerySet[Concern], start: dt.datetime, end: dt.datetime) -> Rate:
    """解决率: of concerns rated at follow-up in the period (latest rating), those rated solved."""
    rated = concerns.filter(_between("rated_at", start, end), solved__isnull=False)
    return Rate(rated.filter(solved=True).count(), rated.count())


def satisfaction_rate(concerns: QuerySet[Concern], start: dt.datetime, end: dt.datetime) -> Rate:
    """满意率: of concerns rated in the period, those satisfied or basically satisfied."""
    rated = concerns.filter(_between("rated_at", start, end)).exclude(satisfaction="")
    happy = rated.filter(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])
    return Rate(happy.count(), rated.count())


def on_time_rate(concerns: QuerySet[Concern], start: dt.datetime, end: dt.datetime) -> Rate:
    """按时办结率: of concerns closed in the period that had a resolve deadline, those whose
    last reply came by that deadline (as extended)."""
    closed = concerns.filter(_between("closed_at", start, end), resolve_due__isnull=False)
    on_time = closed.filter(replied_at__isnull=False, replied_at__lte=F("resolve_due"))
    return Rate(on_time.count(), closed.count())


def returned_rate(org: Org, start: dt.datetime, end: dt.datetime) -> Rate:
    """退单率: returns made by orgs in the subtree in the period / dispatches to them."""
    events = ConcernEvent.objects.filter(_between("at", start, end), org__path__startswith=org.path)
    returns = events.filter(kind=EventKind.RETURNED).count()
    dispatches = events.filter(kind=EventKind.DISPATCHED).count()
    return Rate(returns, dispatches)


def reopened_rate(concerns: QuerySet[Concern], start: dt.datetime, end: dt.datetime) -> Rate:
    """重办率: of concerns closed after a follow-up rating in the period, those reopened
    (rated not solved) at least once before."""
    closed = concerns.filter(_between("closed_at", start, end), rated_at__isnull=False)
    return Rate(closed.filter(reopen_count__gt=0).count(), closed.count())


def rates_for_org(org: Org, start: dt.datetime, end: dt.datetime) -> Rates:
    """All six rates for the org's subtree over [start, end)."""
    concerns = Concern.objects.filter(_in_subtree(org))
    return Rates(
        response=response_rate(concerns, start, end),
        resolution=resolution_rate(concerns, start, end),
        satisfaction=satisfaction_rate(concerns, start, end),
        on_time=on_time_rate(concerns, start, end),
        returned=returned_rate(org, start, end),
        reopened=reopened_rate(concerns, start, end),
    )


# ---------------------------------------------------------------- from the rollups


def rollup_sums(
    org: Org, start: dt.date, end: dt.date, *, by: str | None = None, **filters: str
) -> dict[Any, dict[str, int]]:
    """Sums of every metric over the org's subtree and the days [start, end), grouped by one
    dimension (None, "month", "category", "channel", "sanshi" or "org"); one query. Whole
    calendar months are read from the monthly table."""
    rows: QuerySet[Any]
    whole_months = start.day == 1 and end.day == 1
    if whole_months:
        # Subtree totals: the org's own cells, or (by org) its children's.
        where = {"org__parent": org} if by == "org" else {"org": org}
        rows = RollupMonth.objects.filter(month__gte=start, month__lt=end, **where, **filters)
    else:
        rows = RollupCount.objects.filter(
            org__path__startswith=org.path, day__gte=start, day__lt=end, **filters
        )
    fields: list[str] = ["metric"]
    if by == "month":
        if not whole_months:
            rows = rows.annotate(month=TruncMonth("day"))  # type: ignore[no-redef]
        fields.append("month")
    elif by == "org":
        fields.append("org_id")
    elif by is not None:
        fields.append(by)
    out: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows.values(*fields).annotate(n=Sum("value")).order_by():
        key = r[fields[1]] if len(fields) > 1 else None
        if isinstance(key, dt.datetime):
            key = key.date()
        out[key][r["metric"]] += r["n"] or 0
    return out


# Each rate's (numerator, denominator) metrics: the formulas of docs/lifecycle.md.
RATE_METRICS = {
    "response": (M.RESPONDED, M.DISPATCHED),
    "resolution": (M.SOLVED, M.RATED),
    "satisfaction": (M.SATISFIED, M.RATED_SATISFACTION),
    "on_time": (M.CLOSED_ON_TIME, M.CLOSED_DUE),
    "returned": (M.RETURN_EVENTS, M.DISPATCH_EVENTS),
    "reopened": (M.CLOSED_REOPENED, M.CLOSED_RATED),
}


def rates_from_counts(c: Mapping[str, int]) -> Rates:
    """The six rates from summed rollup metrics (formulas of docs/lifecycle.md)."""
    g = lambda m: int(c.get(m, 0))  # noqa: E731
    return Rates(**{name: Rate(g(num), g(den)) for name, (num, den) in RATE_METRICS.items()})


def rollup_rates(org: Org, start: dt.date, end: dt.date) -> Rates:
    """All six rates for the org's subtree over the local days [start, end), from the rollups."""
    return rates_from_counts(rollup_sums(org, start, end).get(None, {}))
