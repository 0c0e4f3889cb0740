"""The demo's grassroots network: rosters, households with a year of visits, volunteers."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.db.models import Sum

from sanshi.agencies.models import Activity, Project
from sanshi.demo.loader import load_demo
from sanshi.network.models import Household, Seat, Term, Visit
from sanshi.network.rosters import directory
from sanshi.orgs.models import Org
from sanshi.places.models import Duty
from sanshi.volunteers.models import Certificate, ServiceRecord, Volunteer

UNTIL = dt.datetime(2026, 11, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_the_demo_network(guangxi: None) -> None:
    load_demo(concerns=0, until=UNTIL)
    beibuwan = Org.objects.get(name="北部湾社区妇联")
    assert Term.objects.filter(org=beibuwan).count() == 1
    # chair + two 执委 with logins already + eight more, one of whom left
    assert Seat.objects.filter(term__org=beibuwan).count() == 11
    assert Seat.objects.filter(term__org=beibuwan, left_on__isnull=False).count() == 1
    shown = directory(beibuwan)
    assert all(row["sector"] == "" for row in shown)  # nobody agreed to show her sector
    mine = Household.objects.filter(keeper__user__username="beibuwan_member")
    assert mine.count() == 10
    # Deterministic for the seed and the end date (these figures were counted once and kept).
    assert Visit.objects.filter(household__in=mine).count() == 163
    assert Visit.objects.count() == 519
    assert Household.objects.count() == 30
    assert Volunteer.objects.count() == 20
    # Hours from duty at places' activities (demo/places.py) are counted in its own test.
    records = ServiceRecord.objects.exclude(pk__in=Duty.objects.values("record_id"))
    confirmed = records.filter(status="confirmed").aggregate(h=Sum("hours"))["h"]
    assert records.filter(status="entered").count() == 0
    assert (records.count(), confirmed) == (218, Decimal("534.0"))
    assert Certificate.objects.count() == 2
    # 益众's two projects, a year of monthly activities each
    assert Project.objects.filter(agency__name="北海益众社会工作服务中心").count() == 2
    assert Activity.objects.count() == 24
    assert Activity.objects.aggregate(p=Sum("participants"))["p"] == 597
    for certificate in Certificate.objects.all():
        mine_hours = ServiceRecord.objects.filter(volunteer=certificate.volunteer).aggregate(
            h=Sum("hours")
        )["h"]
        assert certificate.hours == mine_hours
