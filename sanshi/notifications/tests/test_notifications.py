"""Notifications: who hears what, email and SMS delivery, and the notification centre."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from sanshi.concerns import actions
from sanshi.concerns.models import ConcernEvent, EventKind, Urgency
from sanshi.console.tests import helpers as h
from sanshi.notifications.actions import notify_for_event
from sanshi.notifications.models import Notification
from sanshi.notifications.sms import LogSmsSender, MemorySmsSender, SmsSender, sms_sender
from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Org, Person
from sanshi.testing import World, person_of


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Tests run inside a transaction: run what a block schedules on commit, as production does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def sms(settings: Any) -> list[tuple[str, str]]:
    settings.SANSHI_SMS_SENDER = "sanshi.notifications.sms.MemorySmsSender"
    MemorySmsSender.outbox = []
    return MemorySmsSender.outbox


def _kinds(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


def test_assignment_and_dispatch_notify_the_handler(world: World, commit: Any) -> None:
    with commit():
        h.dispatched(world)
    assert _kinds(world.member) == ["dispatched", "assigned"]
    assert _kinds(world.chair) == []


def test_return_notifies_the_dispatcher(world: World, commit: Any) -> None:
    with commit():
        c = h.dispatched(world)
    with commit():
        actions.return_concern(c, actor=world.member, reason="不归本社区")
    assert _kinds(world.dispatcher) == ["returned"]


def test_critical_reaches_the_protection_officer(world: World, commit: Any) -> None:
    with commit():
        h.received(world, text="他拿刀要砍我", subcategory="safety.dv_now")
    assert _kinds(world.protection) == ["critical"]
    assert _kinds(world.dispatcher) == ["critical"]


def test_rating_reaches_the_handler(world: World, commit: Any) -> None:
    with commit():
        c = h.replied(world)
    with commit():
        actions.record_follow_up(c, actor=None, solved=False, satisfaction="unsatisfied")
    assert _kinds(world.member)[-1] == "reopened"


def test_email_goes_to_users_with_an_address_and_carries_no_text(world: World, commit: Any) -> None:
    world.member.email = "member@example.org"
    world.member.save(update_fields=["email"])
    mail.outbox.clear()
    with commit():
        c = h.dispatched(world, text="邻居家孩子总是一个人在家", reporter_name="李秀兰")
    assert len(mail.outbox) == 2  # dispatched, assigned; the dispatcher has no address
    message = mail.outbox[0]
    assert message.to == ["member@example.org"]
    assert message.subject == f"[三事] 派单：{c.tracking_code}"
    assert f"/console/c/{c.pk}/" in message.body
    assert "孩子" not in message.body and "李秀兰" not in message.body


def test_sms_goes_to_duty_officers_with_a_phone_for_danger_only(
    world: World, commit: Any, sms: Any
) -> None:
    Person.objects.filter(pk=person_of(world.protection).pk).update(phone="13700000000")
    with commit():
        h.dispatched(world)
    assert sms == []
    with commit():
        c = h.received(world, text="他拿刀要砍我", subcategory="safety.dv_now")
    assert sms == [
        ("13700000000", f"[三事] 紧急（危险）诉求：{c.tracking_code} /console/c/{c.pk}/")
    ]


def test_notifying_twice_sends_nothing_twice(world: World, commit: Any) -> None:
    world.member.email = "member@example.org"
    world.member.save(update_fields=["email"])
    with commit():
        c = h.dispatched(world)
    event = ConcernEvent.objects.get(concern=c, kind=EventKind.ASSIGNED)
    mail.outbox.clear()
    assert notify_for_event(event) == 0
    assert mail.outbox == []
    assert Notification.objects.filter(event=event).count() == 1


def test_a_failing_mail_server_keeps_the_notification(
    world: World, commit: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "sanshi.notifications.tests.broken_mail.BrokenBackend"
    world.member.email = "member@example.org"
    world.member.save(update_fields=["email"])
    with commit():
        h.dispatched(world)
    assert _kinds(world.member) == ["dispatched", "assigned"]


def test_sms_senders_follow_the_protocol(settings: Any) -> None:
    assert isinstance(LogSmsSender(), SmsSender)
    settings.SANSHI_SMS_SENDER = ""
    assert isinstance(sms_sender(), LogSmsSender)


def test_centre_lists_mine_newest_first_and_marks_read(world: World, commit: Any) -> None:
    with commit():
        a = h.dispatched(world)
    client = h.logged_in(world.member)
    body = client.get("/console/notifications/").content.decode()
    assert re.findall(r'<li class="unread" data-kind="(\w+)">', body) == ["assigned", "dispatched"]
    assert '<span class="badge" id="unread-count">2</span>' in body
    first = Notification.objects.filter(user=world.member).order_by("pk").first()
    assert first is not None
    response = client.post(f"/console/notifications/{first.pk}/open/")
    assert response.status_code == 303
    assert response["Location"] == f"/console/c/{a.pk}/"
    assert Notification.objects.filter(user=world.member, read_at__isnull=True).count() == 1
    client.post("/console/notifications/read-all/")
    assert Notification.objects.filter(user=world.member, read_at__isnull=True).count() == 0
    assert 'id="unread-count"' not in client.get("/console/notifications/").content.decode()


def test_someone_elses_notification_is_404_and_stays_unread(world: World, commit: Any) -> None:
    with commit():
        h.dispatched(world)
    theirs = Notification.objects.filter(user=world.member).first()
    assert theirs is not None
    response = h.logged_in(world.chair).post(f"/console/notifications/{theirs.pk}/open/")
    assert response.status_code == 404
    assert Notification.objects.filter(user=world.member, read_at__isnull=True).count() == 2


def test_centre_runs_a_fixed_number_of_queries(
    world: World, commit: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(4):
        with commit():
            h.dispatched(world)
    client = h.logged_in(world.member)
    # session, user, person, memberships, notifications with concern and event, unread count
    with django_assert_num_queries(6):
        body = client.get("/console/notifications/").content.decode()
    assert len(re.findall(r'data-kind="', body)) == 8


def test_danger_that_reaches_nobody_in_the_tree_goes_to_the_administrators(
    world: World, commit: Any, caplog: Any
) -> None:
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("admin", "admin@example.org", "x")
    User.objects.create_superuser("retired", "", "x", is_active=False)
    # An org tree of its own with nobody in it: no duty officer, chair or dispatcher.
    empty = create_org(name="某县妇联", level=Org.Level.COUNTY, parent=None)
    lonely = world.concern(org=empty, subcategory="safety.dv_now", text="他拿刀要砍我")
    event = ConcernEvent.objects.get(concern=lonely, kind=EventKind.RECEIVED)
    Notification.objects.all().delete()
    with commit(), caplog.at_level("ERROR", logger="sanshi.notifications.actions"):
        made = notify_for_event(event)
    assert made == 1
    assert _kinds(admin) == ["critical"]
    assert Notification.objects.count() == 1
    assert lonely.tracking_code in caplog.text


def test_danger_with_a_duty_officer_does_not_go_to_the_administrators(
    world: World, commit: Any
) -> None:
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("admin", "admin@example.org", "x")
    with commit():
        h.received(world, text="他拿刀要砍我", subcategory="safety.dv_now")
    assert _kinds(admin) == []


@pytest.mark.parametrize("urgency", Urgency.values)
def test_no_task_is_skipped_for_an_event_someone_would_hear_of(world: World, urgency: str) -> None:
    # concerns.actions writes no task where notifies() says no one hears: recipients_for
    # must agree for every kind, with handlers, chairs, dispatchers and officers all present.
    from sanshi.notifications.policy import notifies, recipients_for

    concern = world.concern()
    actions.dispatch_concern(
        concern, world.community, actor=world.dispatcher, handlers=[person_of(world.member)]
    )
    concern.urgency = urgency
    silent = [kind for kind in EventKind.values if not notifies(kind, urgency)]
    receipt_heard = urgency == Urgency.CRITICAL
    assert (EventKind.RECEIVED in silent, EventKind.URGENCY_CHANGED in silent) == (
        not receipt_heard,
        not receipt_heard,
    )
    for kind in silent:
        event = ConcernEvent(concern=concern, kind=kind, org=world.community)
        assert (kind, recipients_for(event)) == (kind, set())
