"""The yearly figures of a committee member, counted from her records, and her points.

- visits: visits she logged to households of the federation, in the year;
- concerns handled: concerns she answered (an 答复 event by her), in the year;
- activities organised: service activities she recorded for volunteers (谁组织谁记录: one per
  title and day) and project activities she recorded, in the year;
- trainings attended, and their hours;
- overdue visits: each time a household she keeps fell due in the year (up to today) and was
  not visited by that day (by the visiting rules of sanshi.network);
- concerns returned: concerns she sent back (退单), in the year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sanshi.agencies.models import Activity
from sanshi.concerns.models import ConcernEvent, EventKind
from sanshi.core import clock
from sanshi.duties.access import EVALUATED_ROLES
from sanshi.duties.models import RULE_FIELDS, Attendance, Evaluation, PointRule
from sanshi.network.conf import interval_for
from sanshi.network.models import Household, Visit
from sanshi.orgs.models import Org, Person
from sanshi.orgs.selectors import active_memberships
from sanshi.volunteers.models import ServiceRecord


@dataclass(frozen=True)
class YearFigures:
    visits: int
    concerns_handled: int
    activities: int
    trainings: int
    training_hours: Decimal
    overdue: int
    returned: int

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["training_hours"] = str(self.training_hours)
        return data


@dataclass(frozen=True)
class PointLine:
    label: str
    count: int
    each: Decimal
    points: Decimal


TENTH = Decimal("0.1")


def rule_for(org: Org) -> PointRule:
    """The federation's rules, or the defaults (unsaved) when it has set none."""
    return PointRule.objects.filter(org=org).first() or PointRule(org=org)


def today() -> dt.date:
    return timezone.localdate(clock.now())


def figures_for(person: Person, org: Org, year: int, *, on: dt.date | None = None) -> YearFigures:
    """Her figures for the year in the federation, counted from the records."""
    on = on or today()
    user_id = person.user_id
    events = ConcernEvent.objects.filter(actor_id=user_id, at__year=year) if user_id else None
    trainings = Attendance.objects.filter(person=person, training__held_on__year=year)
    hours = trainings.aggregate(h=Sum("training__hours"))["h"] or Decimal("0")
    return YearFigures(
        visits=Visit.objects.filter(
            visitor=person, household__org=org, visited_on__year=year
        ).count(),
        concerns_handled=_distinct_concerns(events, EventKind.REPLIED),
        activities=_activities(user_id, year),
        trainings=trainings.count(),
        training_hours=Decimal(hours),
        overdue=overdue_lapses(person, org, year, on=on),
        returned=_distinct_concerns(events, EventKind.RETURNED),
    )


def _distinct_concerns(events: Any, kind: str) -> int:
    if events is None:
        return 0
    return int(events.filter(kind=kind).values("concern_id").distinct().count())


def _activities(user_id: int | None, year: int) -> int:
    if user_id is None:
        return 0
    service = (
        ServiceRecord.objects.filter(entered_by_id=user_id, served_on__year=year)
        .values("activity", "served_on")
        .distinct()
        .count()
    )
    projects = Activity.objects.filter(recorded_by_id=user_id, held_on__year=year).count()
    return int(service + projects)


def overdue_lapses(person: Person, org: Org, year: int, *, on: dt.date) -> int:
    """How many times a household she keeps fell due in the year (up to `on`) and was not
    visited by that day."""
    households = list(Household.objects.filter(keeper=person, org=org))
    days: dict[int, list[dt.date]] = {h.pk: [] for h in households}
    for hid, day in (
        Visit.objects.filter(household__in=households)
        .order_by("visited_on")
        .values_list("household_id", "visited_on")
    ):
        days[hid].append(day)
    return sum(_lapses(h, days[h.pk], year, on) for h in households)


def _lapses(household: Household, visits: list[dt.date], year: int, on: dt.date) -> int:
    every = dt.timedelta(days=interval_for(household.flags))
    since = timezone.localdate(household.created_at)
    count = 0
    for day in visits:
        due = since + every
        if day > due and due.year == year and due < on:
            count += 1
        since = max(since, day)
    due = since + every
    if household.active and due.year == year and due < on:
        count += 1
    return count


def points(figures: YearFigures, rule: PointRule) -> tuple[Decimal, list[PointLine]]:
    """The total and its lines: the base, what adds and what is deducted."""
    lines = [
        PointLine(_("基础分"), 1, rule.base, rule.base),
        PointLine(_("走访"), figures.visits, rule.per_visit, figures.visits * rule.per_visit),
        PointLine(
            _("办理诉求"),
            figures.concerns_handled,
            rule.per_concern,
            figures.concerns_handled * rule.per_concern,
        ),
        PointLine(
            _("组织活动"),
            figures.activities,
            rule.per_activity,
            figures.activities * rule.per_activity,
        ),
        PointLine(
            _("参加培训"),
            figures.trainings,
            rule.per_training,
            figures.trainings * rule.per_training,
        ),
        PointLine(
            _("走访逾期"),
            figures.overdue,
            -rule.minus_overdue,
            -figures.overdue * rule.minus_overdue,
        ),
        PointLine(
            _("退单"),
            figures.returned,
            -rule.minus_returned,
            -figures.returned * rule.minus_returned,
        ),
    ]
    total = sum((line.points for line in lines), Decimal("0"))
    return total.quantize(TENTH), lines


def rule_values(rule: PointRule) -> dict[str, str]:
    return {name: str(getattr(rule, name)) for name in RULE_FIELDS}


def members_of(org: Org) -> list[Person]:
    """The committee members whose year the federation reports (serving today)."""
    day = today()
    people = (
        Person.objects.filter(
            memberships__org=org,
            memberships__role__in=EVALUATED_ROLES,
            memberships__term_start__lte=day,
        )
        .exclude(memberships__org=org, memberships__term_end__lt=day)
        .distinct()
        .order_by("name", "pk")
    )
    return list(people)


@dataclass(frozen=True)
class ReportRow:
    person: Person
    figures: YearFigures
    points: Decimal
    evaluation: Evaluation | None


def federation_report(org: Org, year: int) -> list[ReportRow]:
    """Every committee member's figures, points and evaluation for the year."""
    rule = rule_for(org)
    evaluations = {e.person_id: e for e in Evaluation.objects.filter(org=org, year=year)}
    rows = []
    for person in members_of(org):
        figures = figures_for(person, org, year)
        rows.append(
            ReportRow(person, figures, points(figures, rule)[0], evaluations.get(person.pk))
        )
    return rows


def evaluation_of(org: Org, person: Person, year: int) -> Evaluation | None:
    return Evaluation.objects.filter(org=org, person=person, year=year).first()


def member_orgs(person: Person) -> list[Org]:
    """The federations where she serves on the committee today."""
    return [m.org for m in active_memberships(person) if m.role in EVALUATED_ROLES]


def attendance_counts(training_ids: list[int]) -> dict[int, int]:
    rows = (
        Attendance.objects.filter(training_id__in=training_ids)
        .values("training_id")
        .annotate(n=Count("pk"))
    )
    return {r["training_id"]: r["n"] for r in rows}
