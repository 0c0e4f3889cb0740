"""What the dashboard shows, read from the rollups (and one live count: overdue now).

Every rate carries its counts; for a viewer who sees an org only as a leader, counts of 1 to 4
are suppressed (the statistics rule of `suppression.MIN_CELL`) and so is any rate built on one;
where a table's columns add up to a figure shown above it, complementary cells go too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanshi.analytics.rollups import M
from sanshi.analytics.selectors import RATE_METRICS, Rate, rollup_sums
from sanshi.analytics.suppression import PRIMARY, Sum, protect_lines, small
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


Shown = int | str  # a count, or the mark shown instead of it (suppression.PRIMARY, SECONDARY)
Marks = Mapping[str, str]  # metric -> the mark that hides it


@dataclass(frozen=True)
class Figure:
    """A count or a rate as shown: marked when suppressed, value None with nothing to count."""

    numerator: Shown | None
    denominator: Shown | None
    value: float | None
    suppressed: bool = False

    @property
    def percent(self) -> str:
        if self.suppressed:
            marks = [n for n in (self.numerator, self.denominator) if isinstance(n, str)]
            return PRIMARY if PRIMARY in marks or not marks else marks[0]
        return "—" if self.value is None else f"{self.value * 100:.1f}%"

    def shown(self, n: Shown | None) -> str:
        return PRIMARY if n is None else str(n)

    @property
    def counts(self) -> str:
        return f"{self.shown(self.numerator)}/{self.shown(self.denominator)}"


def _hidden(n: int, deidentify: bool) -> bool:
    return deidentify and small(n)


def figure(rate: Rate, deidentify: bool) -> Figure:
    """A rate alone (no table around it): only its own small counts are hidden."""
    marks = {"n": PRIMARY} if _hidden(rate.numerator, deidentify) else {}
    if _hidden(rate.denominator, deidentify):
        marks["d"] = PRIMARY
    return figure_of({"n": rate.numerator, "d": rate.denominator}, "n", "d", marks)


def figure_of(c: Mapping[str, int], num: str, den: str, marks: Marks) -> Figure:
    """The rate num/den of these counts, with the counts the marks hide marked."""
    rate = Rate(int(c.get(num, 0)), int(c.get(den, 0)))
    if num in marks or den in marks:
        return Figure(
            marks.get(num, rate.numerator), marks.get(den, rate.denominator), None, suppressed=True
        )
    return Figure(rate.numerator, rate.denominator, rate.value)


def count(c: Mapping[str, int], metric: str, marks: Marks) -> Shown:
    return marks.get(metric, int(c.get(metric, 0)))


Cell = tuple[str, Any, str]  # (table, row, metric); the org's own figures: ("total", None, m)


class Tables:
    """The dashboard's tables as cells and the lines that add up (suppression.protect_lines)."""

    def __init__(self, total: Mapping[str, int], deidentify: bool) -> None:
        self.deidentify = deidentify
        self.values: dict[Cell, int] = {("total", None, m): int(n) for m, n in total.items()}
        self.lines: list[Sum[Cell]] = []
        self.marks: dict[tuple[str, Any], dict[str, str]] = {}

    def add(self, name: str, rows: Mapping[Any, Mapping[str, int]], metrics: Iterable[str]) -> None:
        """A table whose columns add up to the org's figures."""
        for m in metrics:
            self.values.setdefault(("total", None, m), 0)
            for r, counts in rows.items():
                self.values[(name, r, m)] = int(counts.get(m, 0))
            self.lines.append(Sum(tuple((name, r, m) for r in rows), ("total", None, m)))

    def add_identity(self, name: str, row: Any, parts: Iterable[str], whole: str) -> None:
        """Metrics of one row that add up to another of the same row (closed = rated + not)."""
        cells = tuple((name, row, m) for m in parts)
        if all(c in self.values for c in (*cells, (name, row, whole))):
            self.lines.append(Sum(cells, (name, row, whole)))

    def protect(self) -> None:
        marks = protect_lines(self.values, self.lines) if self.deidentify else {}
        for (name, row, metric), mark in marks.items():
            self.marks.setdefault((name, row), {})[metric] = mark

    def row(self, name: str, row: Any = None) -> Marks:
        return self.marks.get((name, row), {})


def grade(name: str, f: Figure) -> str:
    """A colour class for a rate: good, fair, poor (or none)."""
    if f.value is None:
        return "none"
    v = 1 - f.value if name in LOWER_IS_BETTER else f.value
    return "good" if v >= 0.9 else "fair" if v >= 0.75 else "poor"


GAMING_METRICS = {
    "back_and_forth": (M.BACK_AND_FORTH, M.RECEIVED),
    "reopened_30d": (M.REOPENED_30D, M.REPLIES),
    "closed_unrated": (M.CLOSED_UNRATED, M.CLOSED),
    "repeat": (M.REPEAT, M.RECEIVED),
    "extensions": (M.EXTENSIONS, M.DISPATCHED),
}
RATE_PARTS = frozenset(m for pair in RATE_METRICS.values() for m in pair)
GAMING_PARTS = frozenset(m for pair in GAMING_METRICS.values() for m in pair)
OVERDUE_NOW = "overdue_now"  # not a rollup: counted live, set beside the rollups' metrics


def gaming(c: Mapping[str, int], marks: Marks) -> dict[str, Figure]:
    """The signs that rates are being gamed, each with what it is counted against."""
    return {k: figure_of(c, a, b, marks) for k, (a, b) in GAMING_METRICS.items()}


def rates(c: Mapping[str, int], marks: Marks) -> dict[str, Figure]:
    return {name: figure_of(c, *RATE_METRICS[name], marks) for name in RATE_NAMES}


@dataclass
class ChildRow:
    org: Org
    received: Shown
    rates: dict[str, Figure]
    gaming: dict[str, Figure]
    overdue: Shown

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
    received: Shown
    rates: dict[str, Figure]
    gaming: dict[str, Figure]
    danger: Figure
    funnel: list[tuple[Any, Shown]]
    months: list[tuple[dt.date, dict[str, Figure], Shown]]
    by_category: list[tuple[str, Shown, Figure]]
    by_sanshi: list[tuple[str, Shown, Figure]]
    by_channel: list[tuple[str, Shown, Figure]]
    children: list[ChildRow]
    overdue_total: Shown
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
                "received": [_n(n) for _, _, n in self.months],
            },
            "category": {
                "labels": [x[0] for x in self.by_category],
                "values": [_n(x[1]) for x in self.by_category],
            },
            "sanshi": {
                "labels": [x[0] for x in self.by_sanshi],
                "values": [_n(x[1]) for x in self.by_sanshi],
            },
            "channel": {
                "labels": [x[0] for x in self.by_channel],
                "values": [_n(x[1]) for x in self.by_channel],
            },
            "funnel": {
                "labels": [str(x[0]) for x in self.funnel],
                "values": [_n(x[1]) for x in self.funnel],
            },
            "children": {
                "labels": [c.org.name for c in self.children],
                "response": [_pct(c.rates["response"]) for c in self.children],
                "satisfaction": [_pct(c.rates["satisfaction"]) for c in self.children],
                "overdue": [_n(c.overdue) for c in self.children],
            },
        }


def _n(n: Shown) -> int | None:
    """A count for a chart: a hidden one is left out."""
    return n if isinstance(n, int) else None


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


SLICE_PARTS = (M.RECEIVED, *RATE_METRICS["satisfaction"])
CHILD_PARTS = frozenset({M.RECEIVED, OVERDUE_NOW, *RATE_PARTS, *GAMING_PARTS})
MONTH_PARTS = frozenset({M.RECEIVED, *RATE_PARTS})
# Within a row: closed = closed and rated + closed without a rating.
CLOSED_PARTS = (M.CLOSED_RATED, M.CLOSED_UNRATED)


def _per_child(org: Org, start: dt.date, end: dt.date, children: list[Org]) -> dict[int, dict]:
    by_org = rollup_sums(org, start, end, by="org")
    paths = dict(Org.objects.filter(pk__in=list(by_org)).values_list("pk", "path"))
    per_child: dict[int, dict[str, int]] = {c.pk: {} for c in children}
    for org_id, sums in by_org.items():
        for c in children:
            if paths.get(org_id, "").startswith(c.path):
                bucket = per_child[c.pk]
                for metric, n in sums.items():
                    bucket[metric] = bucket.get(metric, 0) + n
    return per_child


def build(org: Org, start: dt.date, end: dt.date, *, deidentify: bool) -> Dashboard:
    """Everything on the dashboard for the org's subtree over the days [start, end).

    For a de-identified view, every table whose columns add up to the org's figures (months,
    child orgs, categories, classes, channels) hides small cells and their complements, and
    so does each row where closed = rated + unrated (suppression.protect_lines): no hidden
    count is a total minus the ones shown."""
    total = dict(rollup_sums(org, start, end).get(None, {}))
    by_month = rollup_sums(org, start, end, by="month")
    cats, sanshi_names, channel_names = _labels()
    children = list(Org.objects.filter(parent=org).order_by("name"))
    per_child = _per_child(org, start, end, children)
    total[OVERDUE_NOW], overdue = overdue_by_child(org, children)
    for c in children:
        per_child[c.pk][OVERDUE_NOW] = overdue[c.pk]
    month_rows = {m: by_month.get(m, {}) for m in month_starts(start, end)}
    slices = {by: rollup_sums(org, start, end, by=by) for by in ("category", "sanshi", "channel")}
    slice_keys = {
        by: sorted(
            (k for k in sums if sums[k].get(M.RECEIVED, 0)), key=lambda k: -sums[k][M.RECEIVED]
        )
        for by, sums in slices.items()
    }
    tables = Tables(total, deidentify)
    tables.add("child", per_child, CHILD_PARTS)
    tables.add("month", month_rows, MONTH_PARTS)
    for by, sums in slices.items():
        tables.add(by, {k: sums[k] for k in slice_keys[by]}, SLICE_PARTS)
    tables.add_identity("total", None, CLOSED_PARTS, M.CLOSED)
    for c in children:
        tables.add_identity("child", c.pk, CLOSED_PARTS, M.CLOSED)
    tables.protect()

    def slice_rows(by: str, names: Mapping[str, str]) -> list[tuple[str, Shown, Figure]]:
        sums = slices[by]
        return [
            (
                str(names.get(k, k) or "—"),
                count(sums[k], M.RECEIVED, tables.row(by, k)),
                rates(sums[k], tables.row(by, k))["satisfaction"],
            )
            for k in slice_keys[by]
        ]

    rows = [
        ChildRow(
            c,
            count(per_child[c.pk], M.RECEIVED, tables.row("child", c.pk)),
            rates(per_child[c.pk], tables.row("child", c.pk)),
            gaming(per_child[c.pk], tables.row("child", c.pk)),
            count(per_child[c.pk], OVERDUE_NOW, tables.row("child", c.pk)),
        )
        for c in children
    ]
    marks = tables.row("total")
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
        received=count(total, M.RECEIVED, marks),
        rates=rates(total, marks),
        gaming=gaming(total, marks),
        danger=figure_of(total, M.DANGER_RESPONDED, M.DANGER_DISPATCHED, marks),
        funnel=[(label, count(total, m, marks)) for label, m in funnel],
        months=[
            (m, rates(r, tables.row("month", m)), count(r, M.RECEIVED, tables.row("month", m)))
            for m, r in month_rows.items()
        ],
        by_category=slice_rows("category", cats),
        by_sanshi=slice_rows("sanshi", sanshi_names),
        by_channel=slice_rows("channel", channel_names),
        children=rows,
        overdue_total=count(total, OVERDUE_NOW, marks),
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
