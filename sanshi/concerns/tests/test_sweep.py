from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from sanshi.concerns import actions
from sanshi.concerns.models import EventKind, SlaNotice
from sanshi.concerns.sweep import due_items, run_sla_sweep
from sanshi.notifications.models import Notification
from sanshi.testing import World, person_of

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))  # a Monday


def _dispatched(world: World):
    with time_machine.travel(T0, tick=False):
        concern = world.concern()
        actions.dispatch_concern(
            concern, world.community, actor=world.dispatcher, handlers=[person_of(world.member)]
        )
    return concern


def _sweep(when: dt.datetime):
    with time_machine.travel(when, tick=False):
        return run_sla_sweep(when)


def test_reminder_before_the_sign_deadline_is_sent_once(
    world: World, django_capture_on_commit_callbacks
) -> None:
    concern = _dispatched(world)  # sign due T0+24h, reminded 4 h before
    assert _sweep(T0 + dt.timedelta(hours=19)).reminders == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = _sweep(T0 + dt.timedelta(hours=21))
    second = _sweep(T0 + dt.timedelta(hours=21, minutes=1))
    assert (first.reminders, second.reminders) == (1, 0)
    event = concern.events.get(kind=EventKind.REMINDER)
    assert event.data == {"deadline": "sign", "due": (T0 + dt.timedelta(hours=24)).isoformat()}
    assert Notification.objects.filter(kind="reminder", user=world.member).count() == 1


def test_overdue_then_escalation_to_the_parent_after_the_grace(world: World, settings) -> None:
    settings.SANSHI_SLA_ESCALATION_GRACE_HOURS = 24
    concern = _dispatched(world)
    late = _sweep(T0 + dt.timedelta(hours=25))
    concern.refresh_from_db()
    assert (late.reminders, late.overdue, late.escalated) == (0, 1, 0)
    assert concern.overdue_since == T0 + dt.timedelta(hours=24)
    later = _sweep(T0 + dt.timedelta(hours=49))
    again = _sweep(T0 + dt.timedelta(hours=50))
    concern.refresh_from_db()
    # +49 h: the sign deadline is past its grace, and the contact deadline (2 working days) passed.
    assert (later.overdue, later.escalated, again.escalated, again.overdue) == (1, 1, 0, 0)
    overdue = concern.events.filter(kind=EventKind.OVERDUE).order_by("pk")
    assert [e.data["deadline"] for e in overdue] == ["sign", "contact"]
    escalation = concern.events.get(kind=EventKind.ESCALATED)
    assert (escalation.org, escalation.data["auto"], concern.escalated_to) == (
        world.township,
        True,
        world.township,
    )


def test_signing_stops_the_sign_clock(world: World) -> None:
    concern = _dispatched(world)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        actions.sign_concern(concern, actor=world.member)
        actions.log_contact(concern, actor=world.member, method="phone", outcome="已联系")
    result = _sweep(T0 + dt.timedelta(hours=30))
    assert (result.reminders, result.overdue) == (0, 0)
    assert SlaNotice.objects.count() == 0


def test_two_sweeps_that_see_the_same_work_make_each_notice_once(world: World) -> None:
    concern = _dispatched(world)
    when = T0 + dt.timedelta(hours=25)
    with time_machine.travel(when, tick=False):
        seen_by_first = list(due_items(when))
        seen_by_second = list(due_items(when))
        made = [
            actions.record_sla_notice(i.concern, deadline=i.deadline, stage=i.stage, due=i.due)
            for i in seen_by_first + seen_by_second
        ]
    assert [i.deadline for i in seen_by_first] == ["sign"]
    assert made == [True, False]
    assert concern.events.filter(kind=EventKind.OVERDUE).count() == 1


def test_the_command_prints_what_it_did(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    _dispatched(world)
    with time_machine.travel(T0 + dt.timedelta(hours=25), tick=False):
        call_command("sla_sweep")
    assert capsys.readouterr().out.strip() == (
        "sla-sweep: 0 reminders, 1 overdue, 0 escalated, 0 changed meanwhile"
    )
