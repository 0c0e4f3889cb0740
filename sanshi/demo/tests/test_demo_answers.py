"""The demo's ready answers: 海城区's, approved by a second person, five of six public."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from sanshi.answers.models import AnswerState, ReadyAnswer
from sanshi.demo.answers import load_answers
from sanshi.demo.loader import load_demo

UNTIL = dt.datetime(2026, 11, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_the_demo_answers(guangxi: None) -> None:
    load_demo(concerns=0, until=UNTIL)
    assert load_answers() == 6
    assert load_answers() == 0
    approved = ReadyAnswer.objects.filter(state=AnswerState.APPROVED)
    assert approved.count() == 6
    assert approved.filter(public=True).count() == 5
    assert set(approved.values_list("org__name", flat=True)) == {"海城区妇联"}
    assert set(approved.values_list("approved_by__username", flat=True)) == {"haicheng_protection"}
