"""The demo's check-for-danger list: unsure messages taken in through the real triage."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.contrib.auth import get_user_model

from sanshi.concerns.models import Concern, DangerCheck, EventKind
from sanshi.console.tests import helpers as h
from sanshi.demo.checks import MARKER, UNSURE, load_danger_checks
from sanshi.demo.loader import load_demo

UNTIL = dt.datetime(2026, 11, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_the_demo_puts_two_unsure_messages_before_haicheng_protection(guangxi: None) -> None:
    load_demo(concerns=0, until=UNTIL)
    taken = load_danger_checks()
    assert [c.text for c in taken] == [text for _name, _ago, text in UNSURE]
    for concern in taken:
        concern.refresh_from_db()
        assert (concern.danger_check, concern.urgency) == (DangerCheck.PENDING, "normal")
        assert concern.triage["needs_check"] is True
        assert concern.triage["critical"] is False
        assert concern.events.filter(kind=EventKind.DANGER_CHECK).count() == 1
    officer = get_user_model().objects.get(username="haicheng_protection")
    body = h.logged_in(officer).get("/console/").content.decode()
    part = body.split('id="section-check"')[1].split("</section>")[0]
    assert sorted(re.findall(r'<li data-concern="(\d+)"', part)) == sorted(str(c.pk) for c in taken)
    assert load_danger_checks() == []  # a second run adds nothing
    assert Concern.objects.filter(source_client=MARKER).count() == 2
