"""The demo's duties and enterprises: the 述职 page of a demo 执委 shows the figures counted
here from her records; the enterprise federations received their requests."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from sanshi.concerns.models import ConcernEvent, EventKind
from sanshi.demo.duties import load_duties
from sanshi.demo.loader import load_demo
from sanshi.duties.models import Attendance, Evaluation, PointRule, Training
from sanshi.enterprises.models import EnterpriseRequest, Entrepreneur, ListedEnterprise
from sanshi.network.conf import interval_for
from sanshi.network.models import Household, Visit
from sanshi.orgs.models import Org
from sanshi.volunteers.models import ServiceRecord

BEIHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
UNTIL = dt.datetime(2026, 11, 1, tzinfo=BEIHAI)
VIEWED = dt.datetime(2026, 11, 1, 10, 0, tzinfo=BEIHAI)
YEAR = 2026


def _overdue(person: Any, org: Org, today: dt.date) -> int:
    """Due dates in the year (before today) not met by a visit, counted household by household."""
    count = 0
    for household in Household.objects.filter(keeper=person, org=org):
        every = dt.timedelta(days=interval_for(household.flags))
        last = household.created_at.astimezone(BEIHAI).date()
        days = list(household.visits.order_by("visited_on").values_list("visited_on", flat=True))
        for day in [*days, None]:
            due = last + every
            missed = (day is None and household.active) or (day is not None and day > due)
            if missed and due.year == YEAR and due < today:
                count += 1
            if day is not None:
                last = max(last, day)
    return count


@pytest.mark.django_db
def test_the_demo_members_report_equals_her_records(guangxi: None) -> None:
    with time_machine.travel(VIEWED, tick=False):
        load_demo(concerns=300, until=UNTIL)
        load_duties(until=UNTIL)
        load_duties(until=UNTIL)  # a second run adds nothing
        beibuwan = Org.objects.get(name="北部湾社区妇联")
        user = get_user_model().objects.get(username="beibuwan_member")
        person = user.person
        events = ConcernEvent.objects.filter(actor=user, at__year=YEAR)
        counted = {
            "visits": Visit.objects.filter(
                visitor=person, household__org=beibuwan, visited_on__year=YEAR
            ).count(),
            "concerns": events.filter(kind=EventKind.REPLIED).values("concern").distinct().count(),
            "activities": ServiceRecord.objects.filter(entered_by=user, served_on__year=YEAR)
            .values("activity", "served_on")
            .distinct()
            .count(),
            "trainings": Attendance.objects.filter(
                person=person, training__held_on__year=YEAR
            ).count(),
            "overdue": _overdue(person, beibuwan, VIEWED.date()),
            "returned": events.filter(kind=EventKind.RETURNED).values("concern").distinct().count(),
        }
        # Not an empty year: the demo gave her visits, concerns and trainings.
        assert counted["visits"] > 50
        assert counted["concerns"] > 0
        assert counted["trainings"] == 2
        chair = Client()
        chair.force_login(get_user_model().objects.get(username="beibuwan_chair"))
        page = chair.get(f"/duties/orgs/{beibuwan.pk}/members/{person.pk}/?year={YEAR}")
        assert page.status_code == 200
        html = page.content.decode()
        for key, value in counted.items():
            assert f'id="f-{key}">{value}' in html, key
        rule = PointRule.objects.get(org=beibuwan)
        total = (
            rule.base
            + counted["visits"] * rule.per_visit
            + counted["concerns"] * rule.per_concern
            + counted["activities"] * rule.per_activity
            + counted["trainings"] * rule.per_training
            - counted["overdue"] * rule.minus_overdue
            - counted["returned"] * rule.minus_returned
        )
        assert f'<span id="total">{total:.1f}</span>' in html
        evaluation = Evaluation.objects.get(org=beibuwan, person=person, year=YEAR)
        assert f'id="grade">{evaluation.get_grade_display()}<' in html
        assert evaluation.figures["visits"] == counted["visits"]
    assert Training.objects.filter(org=beibuwan).count() == 2
    assert Evaluation.objects.filter(org=beibuwan, year=YEAR).count() == 9
    pearl = Org.objects.get(name="黑珍珠海洋生物科技有限公司妇联")
    assert EnterpriseRequest.objects.count() == 4
    assert EnterpriseRequest.objects.get(federation=pearl).concern.org_id == pearl.pk
    assert EnterpriseRequest.objects.get(federation=None).concern.org.level == Org.Level.CITY
    assert ListedEnterprise.objects.count() == 9
    assert ListedEnterprise.objects.filter(federation__isnull=False).count() == 3
    assert Entrepreneur.objects.count() == 3
