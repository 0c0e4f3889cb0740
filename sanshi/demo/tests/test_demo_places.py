"""The demo's places: three places with activities, sign-ups and attendance (a small demo,
as tests load it, has the last quarter; `sanshi demo` a year)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from sanshi.demo.loader import load_demo
from sanshi.places.access import places_run_by
from sanshi.places.models import Activity, Place, SignUp
from sanshi.places.selectors import monthly_figures
from sanshi.volunteers.models import ServiceRecord

UNTIL = dt.datetime(2026, 11, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_the_demo_places(guangxi: None) -> None:
    load_demo(concerns=0, until=UNTIL)
    assert sorted(Place.objects.values_list("name", "kind")) == [
        ("侨中社区侨之家", "overseas_home"),
        ("北部湾社区儿童之家", "childrens_home"),
        ("海城区妇女儿童活动中心", "activity_centre"),
    ]
    home = Place.objects.get(name="北部湾社区儿童之家")
    assert home.division is not None
    assert list(home.managers.values_list("username", flat=True)) == ["social_worker"]
    assert home.activities.filter(series__isnull=False).count() == 13
    held = Activity.objects.filter(starts_at__lt=UNTIL)
    assert held.count() > 25
    came = SignUp.objects.filter(activity__in=held, checked_in_at__isnull=False)
    assert came.count() > 250
    # Never more confirmed than places, anywhere.
    for a in Activity.objects.all():
        assert a.signups.filter(status="confirmed").count() == a.taken <= a.capacity
    # Children's sign-ups all carry the guardian's consent.
    kids = SignUp.objects.filter(activity__audience="children")
    assert kids.count() == kids.filter(guardian_consent=True, child_age__isnull=False).count()
    assert ServiceRecord.objects.filter(activity="周六绘本共读").count() > 5
    from django.contrib.auth import get_user_model

    chair = get_user_model().objects.get(username="beibuwan_chair")
    [f], _ = monthly_figures(places_run_by(chair), [], 2026, 9)
    assert f.sessions >= 5 and f.participants > 10 and f.repeat > 3
    before = SignUp.objects.count()
    load_demo(concerns=0, until=UNTIL)
    assert SignUp.objects.count() == before
