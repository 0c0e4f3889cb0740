"""A 儿童之家 follows the work calendar: on a public holiday (or a rest day an admin set in
the calendar) no session is expected, so nobody is counted absent and no late-collection
alert fires; a run of absences goes on across the holiday without counting it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from sanshi.audit.models import AuditEntry
from sanshi.childcare import actions
from sanshi.childcare.models import Attendance, FollowUp, Presence, Session
from sanshi.childcare.sweep import run_pickup_sweep
from sanshi.childcare.tests.conftest import Home
from sanshi.concerns.models import CalendarOverride
from sanshi.core import clock
from sanshi.core.errors import Conflict
from sanshi.network import actions as network
from sanshi.notifications.models import Notification
from sanshi.testing import World

# 2026-10-05 (a Monday) is a National Day holiday in the State Council's notice.
NATIONAL_DAY_MONDAY = dt.date(2026, 10, 5)


def _move(frozen: Any, day: dt.date, hour: int) -> None:
    frozen.move_to(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))))


def test_no_session_on_a_public_holiday_so_no_absence_and_no_alert(
    world: World, home: Home, frozen: Any
) -> None:
    _move(frozen, NATIONAL_DAY_MONDAY, 16)
    assert actions.hours_on(home.place, NATIONAL_DAY_MONDAY) is None
    audits = AuditEntry.objects.count()
    with pytest.raises(Conflict) as refused:
        actions.sign_in(home.lili, actor=world.social_worker)
    assert refused.value.message == "儿童之家今天不开放"
    _move(frozen, NATIONAL_DAY_MONDAY, 20)
    result = run_pickup_sweep(clock.now())
    assert (result.managers_alerted, result.officers_alerted, result.absences) == (0, 0, 0)
    assert Session.objects.filter(day=NATIONAL_DAY_MONDAY).count() == 0
    assert Attendance.objects.filter(session__day=NATIONAL_DAY_MONDAY).count() == 0
    assert Notification.objects.filter(kind="child_not_collected").count() == 0
    assert AuditEntry.objects.count() == audits
    # The next working day the home opens as usual.
    _move(frozen, NATIONAL_DAY_MONDAY + dt.timedelta(days=3), 16)
    assert actions.sign_in(home.lili, actor=world.social_worker).status == Presence.IN


def test_a_rest_day_set_in_the_calendar_closes_the_home_too(
    world: World, home: Home, frozen: Any
) -> None:
    day = clock.now().date() + dt.timedelta(days=1)  # Tuesday 3 March 2026, a working day
    assert actions.hours_on(home.place, day) == (dt.time(15), dt.time(18))
    CalendarOverride.objects.create(date=day, is_working_day=False, note="台风停课")
    cache.clear()  # the overrides are cached as reference data
    assert actions.hours_on(home.place, day) is None


def test_a_session_on_a_day_made_a_holiday_later_counts_nobody_absent(
    world: World, home: Home, frozen: Any
) -> None:
    actions.sign_in(home.tao, actor=world.social_worker)
    actions.sign_out(
        home.tao,
        actor=world.social_worker,
        collector_id=home.tao.collectors.get().pk,
        code=home.tao_code,
    )
    CalendarOverride.objects.create(date=clock.now().date(), is_working_day=False, note="停课")
    cache.clear()
    frozen.move_to(clock.now() + dt.timedelta(hours=4))
    result = run_pickup_sweep(clock.now())
    assert result.absences == 0
    assert Attendance.objects.filter(status=Presence.ABSENT).count() == 0
    assert Session.objects.get().absences_marked_at == clock.now()


def test_absences_run_across_a_holiday_without_counting_it(
    world: World, home: Home, frozen: Any
) -> None:
    household = network.add_household(actor=world.member, address="北部湾路 8 号 3 栋 201")
    home.lili.household = household
    home.lili.save(update_fields=["household"])
    # Thursday 1 and Friday 2 October are holidays, then the weekend, then Monday to
    # Wednesday 5-7 October: the home next opens on Thursday 8 October.
    days = [
        dt.date(2026, 9, 29),
        dt.date(2026, 9, 30),
        *(dt.date(2026, 10, d) for d in (1, 2, 5, 6, 7, 8)),
    ]
    opened = []
    for day in days:
        _move(frozen, day, 16)
        try:
            actions.sign_in(home.tao, actor=world.social_worker)
            opened.append(day)
        except Conflict:
            pass
        _move(frozen, day, 20)
        run_pickup_sweep(clock.now())
    assert opened == [dt.date(2026, 9, 29), dt.date(2026, 9, 30), dt.date(2026, 10, 8)]
    absent_days = list(
        Attendance.objects.filter(child=home.lili, status=Presence.ABSENT)
        .order_by("session__day")
        .values_list("session__day", flat=True)
    )
    assert absent_days == opened
    follow_up = FollowUp.objects.get(child=home.lili)
    assert follow_up.last_absence.session.day == dt.date(2026, 10, 8)


def test_the_day_page_says_closed_on_a_holiday(world: World, home: Home, frozen: Any) -> None:
    _move(frozen, NATIONAL_DAY_MONDAY, 16)
    client = Client()
    client.force_login(world.social_worker)
    response = client.get(f"/childcare/places/{home.place.pk}/")
    assert response.status_code == 200
    assert response.context["hours"] is None
