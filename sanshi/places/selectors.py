"""Reads with rules: the public directory, a place's days and hours, the monthly figures."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import holidays
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from sanshi.childcare.selectors import children_served_by_place, children_served_under
from sanshi.concerns.workcal import WorkingCalendar
from sanshi.core import clock
from sanshi.orgs.models import Org
from sanshi.places.models import Activity, Duty, OpeningHours, Place, SignUp

# ---------------------------------------------------------------- public directory


def public_places(org: Org | None = None) -> QuerySet[Place]:
    """Open, public places, of one org's subtree when given (a community, a district)."""
    qs = Place.objects.filter(is_public=True, closed_at__isnull=True)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    return qs.select_related("org").prefetch_related("hours").order_by("org__path", "kind", "name")


def public_place(place_id: int) -> Place | None:
    return public_places().filter(pk=place_id).first()


def directory_orgs() -> tuple[list[Org], list[Org]]:
    """Districts (county level) and communities that have a public place in their tree."""
    paths = list(public_places().values_list("org__path", flat=True).distinct())
    ids = {int(p) for path in paths for p in path.strip("/").split("/") if p}
    orgs = Org.objects.filter(pk__in=ids).order_by("name")
    return (
        [o for o in orgs if o.level == Org.Level.COUNTY],
        [o for o in orgs if o.level == Org.Level.COMMUNITY],
    )


def published_activities(
    *, place: Place | None = None, org: Org | None = None, upcoming: bool = True
) -> QuerySet[Activity]:
    qs = Activity.objects.filter(is_published=True)
    if place is not None:
        qs = qs.filter(place=place)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if upcoming:
        qs = qs.filter(ends_at__gte=clock.now(), cancelled_at__isnull=True)
    return qs.select_related("place", "org").order_by("starts_at", "pk")


def public_activity(activity_id: int) -> Activity | None:
    return (
        Activity.objects.filter(pk=activity_id, is_published=True)
        .filter(Q(place__isnull=True) | Q(place__is_public=True))
        .select_related("place", "org")
        .first()
    )


def signup_by_code(code: str) -> SignUp | None:
    if not code or len(code) > 32:
        return None
    return SignUp.objects.filter(code=code).select_related("activity", "activity__place").first()


# ---------------------------------------------------------------- days and hours


@lru_cache(maxsize=16)
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


def is_holiday(day: dt.date, cal: WorkingCalendar) -> bool:
    """A public holiday closes every place; a weekend follows the place's own weekly hours."""
    if day in cal.overrides:
        return not cal.overrides[day] and day.weekday() < 5
    return day in _public_holidays(day.year) or (day.weekday() < 5 and not cal.is_working_day(day))


def spans_on(
    hours: list[OpeningHours], day: dt.date, cal: WorkingCalendar
) -> list[tuple[dt.time, dt.time]]:
    if is_holiday(day, cal):
        return []
    return sorted((h.opens, h.closes) for h in hours if h.weekday == day.weekday())


def _span_hours(opens: dt.time, closes: dt.time) -> Decimal:
    minutes = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
    return Decimal(minutes) / Decimal(60)


def hours_open(place: Place, year: int, month: int, cal: WorkingCalendar | None = None) -> Decimal:
    """Hours the place was (or will be) open in a month, holidays taken out; days after it
    closed count nothing."""
    cal = cal or WorkingCalendar()
    hours = list(place.hours.all())
    closed = timezone.localdate(place.closed_at) if place.closed_at else None
    total = Decimal(0)
    for day_number in range(1, calendar.monthrange(year, month)[1] + 1):
        day = dt.date(year, month, day_number)
        if closed is not None and day >= closed:
            break
        total += sum((_span_hours(o, c) for o, c in spans_on(hours, day, cal)), Decimal(0))
    return total.quantize(Decimal("0.1"))


WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def week_table(place: Place) -> list[tuple[str, str]]:
    """(周一, "14:30–18:00") for each day, for the place's page."""
    rows = []
    hours = sorted(place.hours.all(), key=lambda h: (h.weekday, h.opens))
    for weekday, label in enumerate(WEEKDAYS):
        spans = [f"{h.opens:%H:%M}–{h.closes:%H:%M}" for h in hours if h.weekday == weekday]
        rows.append((f"周{label}", "、".join(spans)))
    return rows


def open_today(place: Place, cal: WorkingCalendar | None = None) -> tuple[bool, str]:
    """Whether the place opens today and how ("休息" on a holiday)."""
    cal = cal or WorkingCalendar()
    today = timezone.localdate(clock.now())
    if is_holiday(today, cal):
        return False, "holiday"
    spans = spans_on(list(place.hours.all()), today, cal)
    return bool(spans), "、".join(f"{o:%H:%M}–{c:%H:%M}" for o, c in spans)


# ---------------------------------------------------------------- monthly figures


@dataclass
class Figures:
    label: str
    sessions: int
    signups: int
    participants: int  # unique people who came (by phone)
    repeat: int  # of whom came more than once in the month
    attendances: int
    children: int  # distinct children signed in at a 儿童之家 (sanshi.childcare), a number only
    hours_open: Decimal
    volunteer_hours: Decimal
    rating: Decimal | None


def _month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def _figures(label: str, activities: QuerySet[Activity], hours: Decimal, children: int) -> Figures:
    held = activities.filter(cancelled_at__isnull=True)
    came = SignUp.objects.filter(activity__in=held.values("pk"), checked_in_at__isnull=False)
    per_person = Counter(came.values_list("phone_index", flat=True))
    signups = SignUp.objects.filter(activity__in=held.values("pk")).exclude(
        status=SignUp.Status.CANCELLED
    )
    volunteer = Duty.objects.filter(activity__in=held.values("pk"), record__isnull=False)
    ratings = [
        int(r or 0) for r in came.filter(rating__isnull=False).values_list("rating", flat=True)
    ]
    return Figures(
        label=label,
        sessions=held.count(),
        signups=signups.filter(status=SignUp.Status.CONFIRMED).count(),
        participants=len(per_person),
        repeat=sum(1 for n in per_person.values() if n > 1),
        attendances=sum(per_person.values()),
        children=children,
        hours_open=hours,
        volunteer_hours=(volunteer.aggregate(h=Sum("record__hours"))["h"] or Decimal(0)).quantize(
            Decimal("0.1")
        ),
        rating=(Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.1")) if ratings else None,
    )


def monthly_figures(
    places: QuerySet[Place], orgs: list[Org], year: int, month: int
) -> tuple[list[Figures], list[Figures]]:
    """Per place and per org (its whole subtree): sessions, people, hours, for one month."""
    start, end = _month_bounds(year, month)
    in_month = Activity.objects.filter(starts_at__gte=start, starts_at__lt=end)
    cal = WorkingCalendar()
    place_list = list(places.prefetch_related("hours").order_by("org__path", "name"))
    day_from, day_to = start.date(), end.date()
    children = children_served_by_place([p.pk for p in place_list], day_from, day_to)
    by_place = [
        _figures(
            p.name,
            in_month.filter(place=p),
            hours_open(p, year, month, cal),
            children.get(p.pk, 0),
        )
        for p in place_list
    ]
    by_org = []
    for org in orgs:
        open_hours = sum(
            (
                hours_open(p, year, month, cal)
                for p in place_list
                if p.org.path.startswith(org.path)
            ),
            Decimal("0.0"),
        )
        by_org.append(
            _figures(
                org.name,
                in_month.filter(org__path__startswith=org.path),
                open_hours,
                children_served_under(org.path, day_from, day_to),
            )
        )
    return by_place, by_org
