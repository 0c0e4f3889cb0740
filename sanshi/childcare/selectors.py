"""Reads with rules: the day's list of a 儿童之家, a child's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from sanshi.childcare.models import Attendance, Child, Collector, Presence, Session
from sanshi.places.models import Place


@dataclass(frozen=True)
class DayRow:
    child: Child
    attendance: Attendance | None
    collectors: list[Collector]


def enrolled_on(place: Place, day: dt.date) -> QuerySet[Child]:
    """The children enrolled at the place on a day."""
    return (
        Child.objects.filter(place=place, enrolled_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .order_by("pk")
    )


def day_rows(place: Place, day: dt.date) -> list[DayRow]:
    """Every enrolled child with her attendance that day and the adults who may collect her
    (three queries, however many children)."""
    session = Session.objects.filter(place=place, day=day).first()
    children = list(
        enrolled_on(place, day).prefetch_related(
            Prefetch(
                "collectors",
                Collector.objects.filter(active=True).order_by("pk"),
                to_attr="allowed",
            )
        )
    )
    rows = (
        {a.child_id: a for a in Attendance.objects.filter(session=session)}
        if session is not None
        else {}
    )
    return [DayRow(c, rows.get(c.pk), list(getattr(c, "allowed", []))) for c in children]


def first_names_present(place: Place, day: dt.date) -> list[str]:
    """What a volunteer sees: the first names of the children signed in that day."""
    rows = Attendance.objects.filter(
        session__place=place, session__day=day, status=Presence.IN
    ).select_related("child")
    return sorted(a.child.first_name for a in rows)


def history(child: Child, limit: int = 60) -> list[Attendance]:
    """A child's latest attendance, newest first, with who collected her."""
    return list(
        Attendance.objects.filter(child=child)
        .select_related("session", "collected_by", "signed_in_by", "signed_out_by")
        .order_by("-session__day")[:limit]
    )


# ---------------------------------------------------------------- figures (a number only)


def _signed_in_between(first: dt.date, end: dt.date) -> QuerySet[Attendance]:
    """Rows of children who came (signed in, collected or not) on days first <= day < end."""
    return Attendance.objects.filter(
        session__day__gte=first, session__day__lt=end, signed_in_at__isnull=False
    )


def children_served_by_place(place_ids: list[int], first: dt.date, end: dt.date) -> dict[int, int]:
    """How many distinct children were signed in at each place on days first <= day < end.
    Counts only: nothing that names or identifies a child leaves this function."""
    rows = (
        _signed_in_between(first, end)
        .filter(session__place__in=place_ids)
        .values("session__place")
        .annotate(n=Count("child", distinct=True))
    )
    return {r["session__place"]: r["n"] for r in rows}


def children_served_under(org_path: str, first: dt.date, end: dt.date) -> int:
    """Distinct children signed in at the places of an org's whole tree, first <= day < end."""
    return (
        _signed_in_between(first, end)
        .filter(session__place__org__path__startswith=org_path)
        .aggregate(n=Count("child", distinct=True))["n"]
    )
