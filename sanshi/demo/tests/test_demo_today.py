"""A believable demo: danger handled within hours, and something on every demo account's home."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from sanshi.concerns.models import Concern, LegalStep, Status, Urgency
from sanshi.demo.loader import ACCOUNTS, load_demo
from sanshi.intake.access import CARD_ROLES
from sanshi.intake.models import MemberCard
from sanshi.orgs.models import Membership, Org

UNTIL = dt.datetime(2026, 11, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
OPEN = (
    Status.RECEIVED,
    Status.RETURNED,
    Status.DISPATCHED,
    Status.SIGNED,
    Status.IN_PROGRESS,
    Status.REOPENED,
)
DAY = dt.timedelta(days=1)


def _running_deadline(c: Concern) -> dt.datetime:
    """The deadline an open concern is racing: dispatch (from receipt), sign, contact, resolve."""
    if c.status in (Status.RECEIVED, Status.RETURNED):
        return c.received_at + dt.timedelta(hours=2)  # danger waits for no one
    if c.status == Status.DISPATCHED:
        return c.sign_due
    if c.first_contact_at is None and c.contact_due is not None:
        return min(c.contact_due, c.resolve_due)
    return c.resolve_due


@pytest.mark.django_db
def test_no_danger_concern_is_left_overdue_by_more_than_a_day(guangxi: None) -> None:
    load_demo(concerns=400, until=UNTIL)
    danger = Concern.objects.filter(urgency=Urgency.CRITICAL)
    open_danger = list(danger.filter(status__in=OPEN))
    late_open = [
        (c.tracking_code, c.status, _running_deadline(c))
        for c in open_danger
        if _running_deadline(c) < UNTIL - DAY
    ]
    assert late_open == []
    late_steps = LegalStep.objects.filter(completed_at__isnull=True, due__lt=UNTIL - DAY)
    assert list(late_steps.values_list("concern__tracking_code", "step")) == []
    # Nor does any ordinary concern sit overdue for months: the stalled ones are answered late.
    stale = [
        c.tracking_code
        for c in Concern.objects.filter(status__in=OPEN)
        if _running_deadline(c) < UNTIL - dt.timedelta(days=45)
    ]
    assert stale == []
    # Like a real federation: most answered within their two hours, a few late.
    answered = [c for c in danger if c.replied_at is not None]
    late = [c for c in answered if c.replied_at > c.resolve_due]
    assert len(answered) >= 5
    assert len(late) <= len(answered) // 3


def _sections(body: str) -> dict[str, list[int]]:
    found = {}
    for key, part in re.findall(r'id="section-(\w+)"(.*?)</section>', body, re.S):
        found[key] = [int(pk) for pk in re.findall(r'<li data-concern="(\d+)"', part)]
    return found


def _home(username: str) -> dict[str, list[int]]:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get("/console/")
    assert response.status_code == 200
    return _sections(response.content.decode())


@pytest.mark.django_db
def test_every_demo_account_has_its_expected_work_on_its_home(guangxi: None) -> None:
    today = load_demo(concerns=60, until=UNTIL).today
    assert today is not None and today.danger is not None
    assert today.qiaozhong is not None and today.follow_up is not None
    # Looked at an hour after the demo's end, as someone opening the demo would.
    with time_machine.travel(UNTIL + dt.timedelta(hours=1), tick=False):
        homes = {username: _home(username) for username, _what, _key, _role in ACCOUNTS}
    for username, sections in homes.items():
        assert sum(len(rows) for rows in sections.values()) > 0, username
    waiting = {c.pk for c in today.waiting}
    danger, helps = today.danger.pk, [c.pk for c in today.volunteer]

    assert next(iter(homes["haicheng_dispatcher"])) == "dispatch"
    assert waiting <= set(homes["haicheng_dispatcher"]["dispatch"])
    assert waiting <= set(homes["city_admin"]["dispatch"])
    assert today.follow_up.pk in homes["beibuwan_chair"]["follow_up"]
    assert set(helps) <= set(homes["beibuwan_member"]["mine"])
    assert today.qiaozhong.pk in homes["qiaozhong_member"]["unsigned"]
    assert today.qiaozhong.pk in homes["qiaozhong_member"]["mine"]
    assert danger in homes["social_worker"]["mine"]
    assert danger in homes["social_worker"]["critical"]
    assert danger in homes["haicheng_protection"]["critical"]
    assert danger in homes["leader"]["watch_critical"]
    # The volunteer sees exactly the two concerns she helps with, nothing else.
    assert homes["volunteer"] == {
        "critical": [],
        "mine": sorted(helps, key=helps.index),
        "overdue": [],
    }


@pytest.mark.django_db
def test_the_demo_issues_a_card_to_every_committee_member(guangxi: None) -> None:
    load_demo(concerns=0, until=UNTIL)
    holders = Membership.objects.filter(org__level=Org.Level.COMMUNITY, role__in=CARD_ROLES)
    assert MemberCard.objects.filter(active=True).count() == holders.count()
    assert set(MemberCard.objects.values_list("membership_id", flat=True)) == set(
        holders.values_list("pk", flat=True)
    )
