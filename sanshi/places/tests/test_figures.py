"""The monthly figures page against a month counted by hand: two places in two communities,
activities in and out of the month, a cancelled one, people who came once and more than
once, children signed in at the 儿童之家, volunteers' hours; and the empty month."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from sanshi.childcare import actions as care
from sanshi.places import actions
from sanshi.places.models import Activity, Place, PlaceKind, SignUp
from sanshi.places.tests.conftest import local, make_activity
from sanshi.testing import World
from sanshi.volunteers import actions as volunteer_actions
from sanshi.volunteers.models import Volunteer
from sanshi.volunteers.tests.conftest import id_number

pytestmark = pytest.mark.django_db

P = [f"1390000{n:04d}" for n in range(4)]  # four residents' phones


def _table(html: str, table_id: str) -> list[list[str]]:
    """The rows of one figures table as text cells, label first."""
    body = re.search(rf'<table class="list" id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body is not None
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]


def _volunteer(world: World, org: Any, n: int, reviewer: Any) -> Volunteer:
    v = volunteer_actions.register_volunteer(
        org=org, name=f"志愿者{n}", phone=f"1370000{n:04d}", id_number=id_number(n), consent=True
    )
    volunteer_actions.review_volunteer(v, actor=reviewer, approve=True)
    return v


def _signed(activity: Activity, phones: list[str]) -> dict[str, SignUp]:
    return {p: actions.sign_up(activity, name="居民", phone=p) for p in phones}


@pytest.fixture
def november(world: World, place: Place) -> None:
    """November 2026, by hand (the place fixture is a 儿童之家 of 北部湾社区):

    北部湾 (place A): open Mon-Fri 14:30-18:00 (3.5 h) and Sat 9:00-11:30 (2.5 h); November
      2026 has 21 weekdays and 4 Saturdays and no public holiday: 73.5 + 10 = 83.5 h.
      a1 (7 Nov): P0 P1 P2 sign up, P0 P1 come; volunteer 1 on duty 3 h.
      a2 (14 Nov): P0 P1 sign up, P0 comes.
      a3 (21 Nov): cancelled (P2 had signed up): counts nothing.
      31 Oct and 5 Dec activities: other months.
      Children: 丽丽 signed in 2 and 3 Nov, 小涛 2 Nov: 2 children.
      => sessions 2, signed up 5, people 2 (P0 P1), more than once 1 (P0), check-ins 3.
    侨中 (place B): no opening hours (0.0 h).
      b1 (10 Nov): P0 P3 sign up and come; volunteer 2 on duty 1.5 h.
      => sessions 1, signed up 2, people 2, more than once 0, check-ins 2.
    海城区 (county, both): sessions 3, signed up 7, people 3 (P0 P1 P3), more than once 1
      (P0, three times), check-ins 5, children 2, hours 83.5, volunteer hours 4.5.
    """
    actions.set_opening_hours(
        place,
        [(d, dt.time(14, 30), dt.time(18)) for d in range(5)] + [(5, dt.time(9), dt.time(11, 30))],
        actor=world.chair,
    )
    other = actions.create_place(
        world.other_community, actor=world.county_staff, kind=PlaceKind.WOMENS_HOME, name="侨中"
    )
    v1 = _volunteer(world, world.community, 1, world.chair)
    v2 = _volunteer(world, world.other_community, 2, world.county_staff)
    with time_machine.travel(local(2026, 10, 20, 9), tick=False):
        before = make_activity(world, place, starts_at=local(2026, 10, 31, 9), capacity=10)
        _signed(before, [P[0], P[1]])
        a1 = make_activity(world, place, starts_at=local(2026, 11, 7, 9), capacity=10)
        a2 = make_activity(world, place, starts_at=local(2026, 11, 14, 9), capacity=10)
        a3 = make_activity(world, place, starts_at=local(2026, 11, 21, 9), capacity=10)
        after = make_activity(world, place, starts_at=local(2026, 12, 5, 9), capacity=10)
        b1 = actions.create_activity(
            actor=world.county_staff,
            place=other,
            title="侨眷座谈",
            starts_at=local(2026, 11, 10, 9),
            ends_at=local(2026, 11, 10, 11),
            capacity=10,
        )
        s1, s2 = _signed(a1, P[:3]), _signed(a2, P[:2])
        _signed(a3, [P[2]])
        sb = _signed(b1, [P[0], P[3]])
        _signed(after, [P[0]])
        d1 = actions.put_on_duty(a1, v1, actor=world.chair)
        d2 = actions.put_on_duty(b1, v2, actor=world.county_staff)
        lili, _ = care.enroll_child(
            place,
            actor=world.social_worker,
            name="陈丽丽",
            first_name="丽丽",
            guardian=care.Adult("陈美华", "母亲", "13800000001"),
            consent=True,
        )
        tao, _ = care.enroll_child(
            place,
            actor=world.social_worker,
            name="林小涛",
            first_name="小涛",
            guardian=care.Adult("林建国", "父亲", "13800000002"),
            consent=True,
        )
    with time_machine.travel(local(2026, 10, 31, 9), tick=False):
        actions.check_in_by_staff(_signed_of(before, P[0]), actor=world.chair)
    with time_machine.travel(local(2026, 11, 2, 15), tick=False):
        care.sign_in(lili, actor=world.social_worker)
        care.sign_in(tao, actor=world.social_worker)
    with time_machine.travel(local(2026, 11, 3, 15), tick=False):
        care.sign_in(lili, actor=world.social_worker)
    with time_machine.travel(local(2026, 11, 7, 9), tick=False):
        for p in P[:2]:
            actions.check_in_by_staff(s1[p], actor=world.chair)
        actions.record_duty_hours(d1, "3", actor=world.chair)
    with time_machine.travel(local(2026, 11, 10, 9), tick=False):
        for p in (P[0], P[3]):
            actions.check_in_by_staff(sb[p], actor=world.county_staff)
        actions.record_duty_hours(d2, "1.5", actor=world.county_staff)
    with time_machine.travel(local(2026, 11, 14, 9), tick=False):
        actions.check_in_by_staff(s2[P[0]], actor=world.chair)
    with time_machine.travel(local(2026, 11, 20, 9), tick=False):
        actions.cancel_activity(a3, actor=world.chair)


def _signed_of(activity: Activity, phone: str) -> SignUp:
    return next(s for s in activity.signups.all() if s.phone == phone)


def _page(user: Any, month: str) -> str:
    client = Client()
    client.force_login(user)
    with time_machine.travel(local(2026, 12, 2, 9), tick=False):
        response = client.get(f"/places/staff/figures/?month={month}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_figures_page_shows_the_month_counted_by_hand(world: World, november: None) -> None:
    html = _page(world.county_staff, "2026-11")
    # label, sessions, signed up, people, more than once, check-ins, children, hours open,
    # volunteer hours, rating
    assert _table(html, "by-place") == [
        ["北部湾社区儿童之家", "2", "5", "2", "1", "3", "2", "83.5", "3.0", "—"],
        ["侨中", "1", "2", "2", "0", "2", "0", "0.0", "1.5", "—"],
    ]
    assert _table(html, "by-org") == [
        ["海城区妇联", "3", "7", "3", "1", "5", "2", "83.5", "4.5", "—"],
    ]
    assert 'id="figures-empty"' not in html


def test_a_community_chair_sees_only_her_own_place(world: World, november: None) -> None:
    html = _page(world.chair, "2026-11")
    assert _table(html, "by-place") == [
        ["北部湾社区儿童之家", "2", "5", "2", "1", "3", "2", "83.5", "3.0", "—"],
    ]
    assert _table(html, "by-org") == [
        ["北部湾社区妇联", "2", "5", "2", "1", "3", "2", "83.5", "3.0", "—"],
    ]


def test_a_month_with_nothing_done_says_so(world: World, november: None) -> None:
    # September 2026: the timetable gives hours, but nothing was held, nobody came.
    html = _page(world.county_staff, "2026-09")
    assert 'id="figures-empty"' in html
    assert "这个月没有活动、签到、儿童之家签到或志愿时长的记录。" in html
    place_rows = _table(html, "by-place")
    assert [row[1:7] + row[8:] for row in place_rows] == [
        ["0", "0", "0", "0", "0", "0", "0.0", "—"],
        ["0", "0", "0", "0", "0", "0", "0.0", "—"],
    ]
    october = _page(world.county_staff, "2026-10")  # one activity on 31 October: not empty
    assert 'id="figures-empty"' not in october
    assert _table(october, "by-place")[0][1:6] == ["1", "2", "1", "0", "1"]
