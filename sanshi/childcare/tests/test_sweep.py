"""The sweep after closing: a child still there alerts the place's manager, then (after the
delay) the protection officer; three unexplained absences in a row ask the household's 执委
to visit. Every pass is safe to run twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from sanshi.childcare import actions
from sanshi.childcare.models import Attendance, FollowUp, Presence
from sanshi.childcare.sweep import run_pickup_sweep
from sanshi.childcare.tests.conftest import MONDAY_4PM, Home
from sanshi.core import clock
from sanshi.network import actions as network
from sanshi.network.models import Household
from sanshi.notifications.models import Notification
from sanshi.testing import World, run_at_once


def _told(kind: str = "child_not_collected") -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_not_collected_alerts_manager_then_protection_officer(
    world: World, home: Home, frozen: Any
) -> None:
    actions.sign_in(home.lili, actor=world.social_worker)
    actions.sign_in(home.tao, actor=world.social_worker)
    actions.sign_out(
        home.tao,
        actor=world.social_worker,
        collector_id=home.tao.collectors.get().pk,
        code=home.tao_code,
    )
    frozen.move_to(MONDAY_4PM + dt.timedelta(hours=1, minutes=59))
    assert run_pickup_sweep(clock.now()).managers_alerted == 0
    frozen.move_to(MONDAY_4PM + dt.timedelta(hours=2, minutes=1))
    # The last request this thread served was in English: the alert is still in Chinese.
    with translation.override("en"):
        first = run_pickup_sweep(clock.now())
    again = run_pickup_sweep(clock.now())
    assert (first.managers_alerted, first.officers_alerted) == (1, 0)
    assert (again.managers_alerted, again.officers_alerted) == (0, 0)
    assert _told() == ["home_manager"]
    notice = Notification.objects.get(kind="child_not_collected")
    assert notice.subject == "北部湾社区儿童之家：有孩子闭馆后仍未被接走"
    assert notice.link == f"/childcare/places/{home.place.pk}/"
    assert "丽丽" not in notice.subject
    frozen.move_to(MONDAY_4PM + dt.timedelta(hours=2, minutes=31))
    later = run_pickup_sweep(clock.now())
    assert (later.managers_alerted, later.officers_alerted) == (0, 1)
    assert _told() == ["home_manager", "protection"]
    assert run_pickup_sweep(clock.now()).officers_alerted == 0
    assert Notification.objects.filter(kind="child_not_collected").count() == 2


def test_the_delay_is_a_setting(world: World, home: Home, frozen: Any, settings: Any) -> None:
    settings.SANSHI_CHILDCARE_OFFICER_DELAY_MINUTES = 10
    actions.sign_in(home.lili, actor=world.social_worker)
    frozen.move_to(MONDAY_4PM + dt.timedelta(hours=2, minutes=11))
    result = run_pickup_sweep(clock.now())
    assert (result.managers_alerted, result.officers_alerted) == (1, 1)


def test_collected_after_the_manager_alert_the_officer_is_not_told(
    world: World, home: Home, frozen: Any
) -> None:
    actions.sign_in(home.lili, actor=world.social_worker)
    frozen.move_to(MONDAY_4PM + dt.timedelta(hours=2, minutes=5))
    run_pickup_sweep(clock.now())
    actions.sign_out(
        home.lili, actor=world.social_worker, collector_id=home.grandma.pk, code=home.grandma_code
    )
    frozen.move_to(MONDAY_4PM + dt.timedelta(hours=3))
    assert run_pickup_sweep(clock.now()).officers_alerted == 0
    assert _told() == ["home_manager"]


def test_without_managers_the_chair_hears(world: World, home: Home, frozen: Any) -> None:
    home.place.managers.clear()
    actions.sign_in(home.lili, actor=world.social_worker)
    frozen.move_to(MONDAY_4PM + dt.timedelta(hours=2, minutes=1))
    run_pickup_sweep(clock.now())
    assert _told() == ["chair"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_alert_once(world: World, home: Home, frozen: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (real concurrent connections)")
    actions.sign_in(home.lili, actor=world.social_worker)
    frozen.move_to(MONDAY_4PM + dt.timedelta(hours=2, minutes=31))
    results = run_at_once(
        lambda: run_pickup_sweep(clock.now()), lambda: run_pickup_sweep(clock.now())
    )
    assert sorted(r.managers_alerted for r in results) == [0, 1]
    assert sorted(r.officers_alerted for r in results) == [0, 1]
    assert _told() == ["home_manager", "protection"]


def _household(world: World) -> Household:
    return network.add_household(actor=world.member, address="北部湾路 8 号 3 栋 201")


def _day(frozen: Any, n: int, hour: int = 16) -> None:
    frozen.move_to(MONDAY_4PM + dt.timedelta(days=n, hours=hour - 16))


def test_three_unexplained_absences_ask_the_committee_member_to_visit(
    world: World, home: Home, frozen: Any
) -> None:
    household = _household(world)
    Attendance.objects.all().delete()
    home.lili.household = household
    home.lili.save(update_fields=["household"])
    for n in range(4):
        _day(frozen, n)
        actions.sign_in(home.tao, actor=world.social_worker)  # the session is held
        _day(frozen, n, hour=19)
        run_pickup_sweep(clock.now())
    assert (
        list(Attendance.objects.filter(child=home.lili).values_list("status", flat=True))
        == [Presence.ABSENT] * 4
    )
    follow_up = FollowUp.objects.get()
    assert (follow_up.child_id, follow_up.household_id) == (home.lili.pk, household.pk)
    assert follow_up.last_absence.session.day == dt.date(2026, 3, 4)
    household.refresh_from_db()
    assert household.next_visit_due == dt.date(2026, 3, 4)
    assert _told("visit_requested") == ["member"]
    assert FollowUp.objects.filter(child=home.tao).count() == 0  # no household, no follow-up


def test_an_excused_absence_breaks_the_run(world: World, home: Home, frozen: Any) -> None:
    home.lili.household = _household(world)
    home.lili.save(update_fields=["household"])
    for n in range(3):
        _day(frozen, n)
        actions.sign_in(home.tao, actor=world.social_worker)
        if n == 1:
            actions.excuse_absence(home.lili, actor=world.social_worker, reason="发烧")
        _day(frozen, n, hour=19)
        run_pickup_sweep(clock.now())
    assert FollowUp.objects.count() == 0
    assert _told("visit_requested") == []


def test_the_command_says_what_it_did(
    world: World, home: Home, frozen: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.sign_in(home.lili, actor=world.social_worker)
    frozen.move_to(MONDAY_4PM + dt.timedelta(hours=2, minutes=1))
    call_command("pickup_sweep")
    assert capsys.readouterr().out.strip() == (
        "pickup-sweep: 1 managers alerted, 0 protection officers alerted, 1 absences, 0 follow-ups"
    )
    call_command("sla_sweep")
    assert capsys.readouterr().out.strip() == (
        "sla-sweep: 0 reminders, 0 overdue, 0 escalated, 0 changed meanwhile"
    )
