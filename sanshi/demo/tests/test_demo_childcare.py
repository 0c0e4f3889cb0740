"""The demo's 儿童之家, studio and honours: built through the actions, deterministic, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sanshi.audit.verify import verify_chain
from sanshi.childcare.models import Attendance, Child, Collector, FollowUp, Presence, Session
from sanshi.demo.childcare import load_childcare
from sanshi.demo.loader import load_demo
from sanshi.honours.models import Nomination, Studio
from sanshi.notifications.models import Notification
from sanshi.places.models import Place

UNTIL = timezone.make_aware(dt.datetime(2026, 11, 1))


@pytest.mark.django_db
def test_the_demo_childrens_home_studio_and_honours(guangxi: None) -> None:
    load_demo(concerns=0, until=UNTIL)
    load_childcare(seed=2020, concerns=0, until=UNTIL)
    home = Place.objects.get(name="北部湾社区儿童之家")
    assert Child.objects.filter(place=home).count() == 4
    assert Collector.objects.count() == 8
    # 28 days back from 1 November 2026: the weekdays from 4 October to 30 October but
    # the National Day holidays of 5, 6 and 7 October (the work calendar's).
    assert Session.objects.filter(place=home).count() == 17
    assert (
        Session.objects.filter(day__range=(dt.date(2026, 10, 5), dt.date(2026, 10, 7))).count() == 0
    )
    assert Attendance.objects.count() == 68
    out = Attendance.objects.filter(status=Presence.OUT)
    assert out.filter(collected_by__isnull=True).count() == 0
    assert Attendance.objects.filter(status=Presence.IN).count() == 0
    # The last weekday's last child was collected late: her manager, then the officer.
    told = Notification.objects.filter(kind="child_not_collected")
    assert sorted(told.values_list("user__username", flat=True)) == [
        "haicheng_protection",
        "social_worker",
    ]
    assert told.filter(read_at__isnull=True).count() == 0  # seen at the time
    # A week away without a word: the 执委 of her household is asked to visit.
    assert FollowUp.objects.count() == 1
    assert FollowUp.objects.get().keeper.user.username == "beibuwan_member"
    studio = Studio.objects.get()
    assert (studio.place.name, studio.leader_name, studio.team.count(), studio.works.count()) == (
        "许海鸥工作室",
        "许海鸥",
        4,
        9,
    )
    assert Nomination.objects.filter(year=2020).count() == 5
    body = Client().get("/honours/").content.decode()
    assert body.count('data-nomination="') == 3
    assert "许海鸥" in body and "全国“巾帼文明岗”" in body and "陈家" not in body
    load_childcare(seed=2020, concerns=0, until=UNTIL)  # a second run adds nothing
    assert (Child.objects.count(), Session.objects.count(), Nomination.objects.count()) == (
        4,
        17,
        5,
    )
    assert verify_chain().ok
