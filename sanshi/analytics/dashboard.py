"""What the dashboard shows, read from the rollups (and one live count: overdue now).

Every rate carries its counts; for a viewer who sees an org only as a leader, counts of 1 to 4
are suppressed (the statistics rule of `exports.MIN_CELL`) and so is any rate built on one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanshi.analytics.exports import MIN_CELL
from sanshi.analytics.rollups import M
from sanshi.analytics.selectors import Rate, rates_from_counts, rollup_sums
from sanshi.concerns import permissions as perm
from sanshi.concerns.models import Channel, Concern, Sanshi, Status
from sanshi.concerns.taxonomy import taxonomy
from sanshi.core import words
from sanshi.orgs.models import Org, Role

DASHBOARD_ROLES = frozenset({*perm.SUPERVISOR_ROLES, Role.LEADER})
RATE_NAMES = ("response", "resolution", "satisfaction", "on_time", "returned", "reopened")
# Lower is better for these two.
LOWER_IS_BETTER = frozenset({"returned", "reopened"})
OPEN = (
    Status.DISPATCHED,
    Status.SIGNED,
    Status.IN_PROGRESS,
    Status.REOPENED,
    Status.RECEIVED,
    Status.RETURNED,
)


@dataclass(frozen=True)
class Figure:
    """A count or a rate as shown: None when suppressed or (rates) with nothing to count."""

    numerator: int | None
    denominator: int | None
    value: float | None
    suppressed: bool = False

    @property
    def percent(self) -> str:
        if self.suppressed:
            return f"<{MIN_CELL}"
        return "—" if self.value is None else f"{self.value * 100:.1f}%"

    def shown(self, n: int | None) -> str:
        return f"<{MIN_CELL}" if n is None else str(n)

    @property
    def counts(self) -> str:
        return f"{self.shown(self.numerator)}/{self.shown(self.denominator)}"


def _hidden(n: int, deidentify: bool) -> bool:
    return deidentify and 0 < n < MIN_CELL


def figure(rate: Rate, deidentify: bool) -> Figure:
    num_hidden = _hidden(rate.numerator, deidentify)
    den_hidden = _hidden(rate.denominator, deidentify)
    if num_hidden or den_hidden:
        return Figure(
            None if num_hidden else rate.numerator,
            None if den_hidden else rate.denominator,
            None,
            suppressed=True,
        )
    return Figure(rate.numerator, rate.denominator, rate.value)


def count(n: int, deidentify: bool) -> int | None:
    return None if _hidden(n, deidentify) else n


def grade(name: str, f: Figure) -> str:
    """A colour class for a rate: good, fair, poor (or none)."""
    if f.value is None:
        return "none"
    v = 1 - f.value if name in LOWER_IS_BETTER else f.value
    return "good" if v >= 0.9 else "fair" if v >= 0.75 else "poor"


def gaming(c: Mapping[str, int], deidentify: bool) -> dict[str, Figure]:
    """The signs that rates are being gamed, each with what it is counted against."""
    g = lambda m: int(c.get(m, 0))  # noqa: E731
    pairs = {
        "back_and_forth": (M.BACK_AND_FORTH, M.RECEIVED),
        "reopened_30d": (M.REOPENED_30D, M.REPLIES),
        "closed_unrated": (M.CLOSED_UNRATED, M.CLOSED),
        "repeat": (M.REPEAT, M.RECEIVED),
        "extensions": (M.EXTENSIONS, M.DISPATCHED),
    }
    return {k: figure(Rate(g(a), g(b)), deidentify) for k, (a, b) in pairs.items()}


def rates(c: Mapping[str, int], deidentify: bool) -> dict[str, Figure]:
    r = rates_from_counts(c)
    return {name: figure(getattr(r, name), deidentify) for name in RATE_NAMES}


@dataclass
class ChildRow:
    org: Org
    received: int | None
    rates: dict[str, Figure]
    gaming: dict[str, Figure]
    overdue: int | None

    @property
    def cells(self) -> list[tuple[str, Figure, str]]:
        """Each rate with its colour class, in order."""
        return [(n, f, grade(n, f)) for n, f in self.rates.items()]


@dataclass
class Dashboard:
    org: Org
    start: dt.date
    end: dt.date
    deidentify: bool
    received: int | None
    rates: dict[str, Figure]
    gaming: dict[str, Figure]
    danger: Figure
    funnel: list[tuple[Any, int | None]]
    months: list[tuple[dt.date, dict[str, Figure], int | None]]
    by_category: list[tuple[str, int | None, Figure]]
    by_sanshi: list[tuple[str, int | None, Figure]]
    by_channel: list[tuple[str, int | None, Figure]]
    children: list[ChildRow]
    overdue_total: int | None
    breadcrumbs: list[Org]

    def chart_data(self) -> dict[str, Any]:
        """The numbers the charts draw (the tables beside them show the same)."""
        return {
            "trend": {
                "months": [words.month(m) for m, _, _ in self.months],
                "series": {
                    name: [_pct(r[name]) for _, r, _ in self.months]
                    for name in ("response", "resolution", "satisfaction", "on_time")
                },
                "received": [n for _, _, n in self.months],
            },
            "category": {
                "labels": [x[0] for x in self.by_category],
                "values": [x[1] for x in self.by_category],
            },
            "sanshi": {
                "labels": [x[0] for x in self.by_sanshi],
                "values": [x[1] for x in self.by_sanshi],
            },
            "channel": {
                "labels": [x[0] for x in self.by_channel],
                "values": [x[1] for x in self.by_channel],
            },
            "funnel": {
                "labels": [str(x[0]) for x in self.funnel],
                "values": [x[1] for x in self.funnel],
            },
            "children": {
                "labels": [c.org.name for c in self.children],
                "response": [_pct(c.rates["response"]) for c in self.children],
                "satisfaction": [_pct(c.rates["satisfaction"]) for c in self.children],
                "overdue": [c.overdue for c in self.children],
            },
        }


def _pct(f: Figure) -> float | None:
    return None if f.value is None else round(f.value * 100, 1)


def period_of_months(today: dt.date, months: int = 12) -> tuple[dt.date, dt.date]:
    """The `months` calendar months ending with this one: [first day, first of next month)."""
    y, m = today.year, today.month - (months - 1)
    while m < 1:
        y, m = y - 1, m + 12
    end = dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return dt.date(y, m, 1), end


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], start.replace(day=1)
    while d < end:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def overdue_by_child(org: Org, children: list[Org]) -> tuple[int, dict[int, int]]:
    """Open concerns past a deadline now, in the subtree and under each child (one query)."""
    rows = (
        Concern.objects.filter(
            org__path__startswith=org.path, overdue_since__isnull=False, status__in=OPEN
        )
        .values("org__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total, per = 0, {c.pk: 0 for c in children}
    for r in rows:
        total += r["n"]
        for c in children:
            if r["org__path"].startswith(c.path):
                per[c.pk] += r["n"]
    return total, per


def _labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    en = (get_language() or "").startswith("en")
    cats = {c.code: (c.en if en else c.name) for c in taxonomy().categories}
    sanshi = {k: str(v) for k, v in Sanshi.choices}
    return cats, sanshi, {k: str(v) for k, v in Channel.choices}


def build(org: Org, start: dt.date, end: dt.date, *, deidentify: bool) -> Dashboard:
    """Everything on the dashboard for the org's subtree over the days [start, end)."""
    total = rollup_sums(org, start, end).get(None, {})
    by_month = rollup_sums(org, start, end, by="month")
    cats, sanshi_names, channel_names = _labels()

    def slices(by: str, names: Mapping[str, str]) -> list[tuple[str, int | None, Figure]]:
        sums = rollup_sums(org, start, end, by=by)
        keys = sorted(sums, key=lambda k: -sums[k].get(M.RECEIVED, 0))
        return [
            (
                str(names.get(k, k) or "—"),
                count(sums[k].get(M.RECEIVED, 0), deidentify),
                rates(sums[k], deidentify)["satisfaction"],
            )
            for k in keys
            if sums[k].get(M.RECEIVED, 0)
        ]

    children = list(Org.objects.filter(parent=org).order_by("name"))
    by_org = rollup_sums(org, start, end, by="org")
    paths = dict(Org.objects.filter(pk__in=list(by_org)).values_list("pk", "path"))
    per_child: dict[int, dict[str, int]] = {c.pk: {} for c in children}
    for org_id, sums in by_org.items():
        for c in children:
            if paths.get(org_id, "").startswith(c.path):
                bucket = per_child[c.pk]
                for metric, n in sums.items():
                    bucket[metric] = bucket.get(metric, 0) + n
    overdue_total, overdue = overdue_by_child(org, children)
    rows = []
    for c in children:
        s = per_child[c.pk]
        row = ChildRow(
            c,
            count(s.get(M.RECEIVED, 0), deidentify),
            rates(s, deidentify),
            gaming(s, deidentify),
            count(overdue[c.pk], deidentify),
        )
        rows.append(row)
    g = lambda m: int(total.get(m, 0))  # noqa: E731
    funnel = [
        (_("受理"), M.RECEIVED),
        (_("签收"), M.RECEIVED_SIGNED),
        (_("答复"), M.RECEIVED_REPLIED),
        (_("评价"), M.RECEIVED_RATED),
    ]
    return Dashboard(
        org=org,
        start=start,
        end=end,
        deidentify=deidentify,
        received=count(g(M.RECEIVED), deidentify),
        rates=rates(total, deidentify),
        gaming=gaming(total, deidentify),
        danger=figure(Rate(g(M.DANGER_RESPONDED), g(M.DANGER_DISPATCHED)), deidentify),
        funnel=[(label, count(g(m), deidentify)) for label, m in funnel],
        months=[
            (
                m,
                rates(by_month.get(m, {}), deidentify),
                count(by_month.get(m, {}).get(M.RECEIVED, 0), deidentify),
            )
            for m in month_starts(start, end)
        ],
        by_category=slices("category", cats),
        by_sanshi=slices("sanshi", sanshi_names),
        by_channel=slices("channel", channel_names),
        children=rows,
        overdue_total=count(overdue_total, deidentify),
        breadcrumbs=list(Org.objects.filter(pk__in=_ancestor_ids(org)).order_by("depth")),
    )


def _ancestor_ids(org: Org) -> list[int]:
    return [int(p) for p in org.path.strip("/").split("/") if p]


# ---------------------------------------------------------------- who sees what


def dashboard_orgs(grants: list[perm.Grant]) -> list[str]:
    """The org paths at whose subtrees the viewer may look (chairs, staff, leaders)."""
    return sorted({g.org_path for g in grants if g.role in DASHBOARD_ROLES})


def may_see(grants: list[perm.Grant], org: Org) -> bool:
    return any(org.path.startswith(p) for p in dashboard_orgs(grants))


def leader_only(grants: list[perm.Grant], org: Org) -> bool:
    """She sees this org only through a read-only leader role: figures are de-identified."""
    covering = [g for g in grants if org.path.startswith(g.org_path) and g.role in DASHBOARD_ROLES]
    return all(g.role == Role.LEADER for g in covering)


def today() -> dt.date:
    return timezone.localdate()
