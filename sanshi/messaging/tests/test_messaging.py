from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from sanshi.concerns import actions
from sanshi.concerns.models import Concern, ConcernEvent, EventKind, Urgency
from sanshi.core.crypto import phone_index
from sanshi.messaging import rules
from sanshi.messaging.actions import record_contact_preference, send_about, stop_messages
from sanshi.messaging.models import ContactPreference, MessageLog, MessageStatus, SafeChannel
from sanshi.testing import World

pytestmark = pytest.mark.django_db

PHONE = "13800000001"
CARE = "孩子放学后没人照看，想问问社区儿童之家能不能接收"
DANGER = "他现在正拿着刀打我，说要杀了我，我躲在厕所里"
# 10:00 in Beijing
MORNING = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


def report(client: Client, text: str = CARE, **fields: Any) -> Concern:
    data: dict[str, Any] = {"text": text, "consent": "on", "phone": PHONE}
    data.update(fields)
    response = client.post("/report/", {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Concern.objects.get()


def logged(concern: Concern) -> list[tuple[str, str, str]]:
    return list(
        MessageLog.objects.filter(concern=concern)
        .order_by("pk")
        .values_list("template", "status", "reason")
    )


def test_an_ordinary_report_gets_its_receipt_with_the_tracking_link(
    client: Client, world: World, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        concern = report(client)
    [(phone, message)] = outbox
    link = f"https://sanshi.example.cn/track/{concern.tracking_code}/"
    assert (phone, message.template, message.language) == (PHONE, "receipt", "zh-hans")
    assert message.text == f"您反映的事项已受理，查询码{concern.tracking_code}。查看进度：{link}"
    assert logged(concern) == [("receipt", MessageStatus.SENT, "")]
    log = MessageLog.objects.get()
    assert (log.phone_hash, log.provider_id) == (phone_index(PHONE), "memory-1")
    assert PHONE not in str(MessageLog.objects.values().get())  # no number, no text


def test_a_danger_concern_without_a_safe_channel_sends_no_message(
    client: Client, world: World, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        concern = report(client, DANGER, contact_channel="sms")
    assert (concern.urgency, concern.protected) == (Urgency.CRITICAL, True)
    assert outbox == []
    assert logged(concern) == [("receipt_discreet", MessageStatus.SKIPPED, "no_safe_channel")]


def test_a_danger_concern_with_a_safe_window_gets_the_discreet_text_only_inside_it(
    client: Client, world: World, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        concern = report(client, DANGER, contact_from="09:00", contact_until="11:00")
    [(phone, message)] = outbox
    assert (phone, message.template) == (PHONE, "receipt_discreet")
    assert message.text == f"您的预约已登记，编号{concern.tracking_code}。"
    assert "http" not in message.text and "妇联" not in message.text
    preference = ContactPreference.objects.get(concern=concern)
    assert (
        preference.channel,
        preference.window_start,
        preference.window_end,
        preference.recorded_by,
    ) == (SafeChannel.SMS, dt.time(9), dt.time(11), None)


def test_outside_the_window_the_message_waits_for_it(world: World) -> None:
    concern = world.concern(text=DANGER, reporter_phone=PHONE, urgency=Urgency.CRITICAL)
    preference = record_contact_preference(
        concern,
        channel=SafeChannel.SMS,
        window_start=dt.time(21),
        window_end=dt.time(7),
        actor=world.protection,
    )
    decision = rules.decide(concern, preference, "receipt", MORNING)  # 10:00 Beijing
    assert (decision.action, decision.reason, decision.at) == (
        rules.LATER,
        "outside_window",
        dt.datetime(2026, 12, 7, 13, 0, tzinfo=dt.UTC),
    )
    night = dt.datetime(2026, 12, 7, 16, 30, tzinfo=dt.UTC)  # 00:30 Beijing
    assert rules.decide(concern, preference, "receipt", night) == rules.Decision(rules.SEND)


def test_the_immediate_queue_cannot_wait_so_nothing_is_sent_outside_the_window(
    world: World, outbox: list[Any]
) -> None:
    concern = world.concern(text=DANGER, reporter_phone=PHONE, urgency=Urgency.CRITICAL)
    record_contact_preference(
        concern,
        channel=SafeChannel.SMS,
        window_start=dt.time(21),
        window_end=dt.time(7),
        actor=None,
    )
    event = ConcernEvent.objects.get(concern=concern, kind=EventKind.RECEIVED)
    with time_machine.travel(MORNING, tick=False):
        decision = send_about(concern, event, "receipt", can_wait=False)
    assert (decision.action, outbox) == (rules.SKIP, [])
    assert logged(concern) == [("receipt_discreet", MessageStatus.SKIPPED, "outside_window")]


def handle_and_reply(world: World, concern: Concern) -> None:
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    actions.sign_concern(concern, actor=world.member)
    actions.reply_concern(concern, actor=world.member, reply="已安排儿童之家接收")


def test_a_stopped_resident_gets_no_more_messages(
    client: Client, world: World, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        concern = world.concern(reporter_phone=PHONE)
    assert len(outbox) == 1
    page = client.get(f"/track/{concern.tracking_code}/").content.decode()
    assert f'action="/track/{concern.tracking_code}/stop/"' in page
    response = client.post(f"/track/{concern.tracking_code}/stop/")
    assert response.status_code == 302
    assert response["Location"] == f"/track/{concern.tracking_code}/#sms"
    assert "已停止短信通知" in client.get(response["Location"]).content.decode()
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        handle_and_reply(world, concern)
    assert len(outbox) == 1  # only the receipt, from before she stopped
    assert logged(concern) == [
        ("receipt", MessageStatus.SENT, ""),
        ("reply", MessageStatus.SKIPPED, "stopped"),
        ("rating", MessageStatus.SKIPPED, "stopped"),
    ]
    # Staff cannot switch her back on.
    record_contact_preference(concern, channel=SafeChannel.SMS, actor=world.member)
    assert ContactPreference.objects.get(concern=concern).stopped_at is not None
    assert stop_messages(concern) is False


def test_a_reply_sends_the_reply_and_the_rating_invitation_in_english(
    world: World, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    concern = world.concern(reporter_phone=PHONE)
    record_contact_preference(concern, channel=SafeChannel.SMS, language="en", actor=None)
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        handle_and_reply(world, concern)
    link = f"https://sanshi.example.cn/track/{concern.tracking_code}/"
    assert [(m.template, m.language, m.text) for _p, m in outbox] == [
        ("reply", "en", f"There is an answer to your report {concern.tracking_code}: {link}"),
        (
            "rating",
            "en",
            f"Your report {concern.tracking_code} has been handled. Please tell us how we did: {link}",
        ),
    ]


def test_a_message_is_decided_once_even_when_its_task_runs_twice(
    world: World, outbox: list[Any]
) -> None:
    concern = world.concern(reporter_phone=PHONE)
    event = ConcernEvent.objects.get(concern=concern, kind=EventKind.RECEIVED)
    with time_machine.travel(MORNING, tick=False):
        first = send_about(concern, event, "receipt")
        second = send_about(concern, event, "receipt")
    assert (first.action, second.action, second.reason, len(outbox)) == (
        rules.SEND,
        rules.SKIP,
        "already_decided",
        1,
    )


def test_anonymous_and_declining_residents_get_nothing(
    client: Client, world: World, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        declined = report(client, contact_channel="none")
    assert outbox == []
    assert logged(declined) == [("receipt", MessageStatus.SKIPPED, "declined")]


def test_staff_record_a_safe_window_for_a_danger_concern(
    client: Client, world: World, outbox: list[Any]
) -> None:
    concern = world.concern(text=DANGER, reporter_phone=PHONE, urgency=Urgency.CRITICAL)
    client.force_login(world.protection)
    url = f"/console/c/{concern.pk}/safe-contact/"
    bad = client.post(url, {"channel": "sms", "window_start": "09:00"})
    assert bad.status_code == 302 and not ContactPreference.objects.exists()
    response = client.post(url, {"channel": "sms", "window_start": "09:00", "window_end": "10:30"})
    assert (response.status_code, response["Location"]) == (
        302,
        f"/console/c/{concern.pk}/#safe-contact",
    )
    preference = ContactPreference.objects.get(concern=concern)
    assert (
        preference.channel,
        preference.window_start,
        preference.window_end,
        preference.recorded_by_id,
    ) == ("sms", dt.time(9), dt.time(10, 30), world.protection.pk)
    page = client.get(f"/console/c/{concern.pk}/").content.decode()
    assert "安全时间 09:00–10:30" in page
    # A dispatcher sees only a stub of this protected concern: she cannot change it.
    client.force_login(world.dispatcher)
    denied = client.post(url, {"channel": "none"})
    assert denied.status_code == 404
    assert ContactPreference.objects.get(concern=concern).channel == "sms"


def test_the_json_api_takes_a_safe_contact_choice(world: World, outbox: list[Any]) -> None:
    from sanshi.api.tests.conftest import Api

    api = Api(world.dispatcher)
    response = api.post(
        "/concerns",
        {
            "text": DANGER,
            "reporter_phone": PHONE,
            "safe_contact": {
                "channel": "sms",
                "window_start": "20:00:00",
                "window_end": "21:00:00",
            },
        },
    )
    assert response.status_code == 201, response.content
    preference = ContactPreference.objects.get()
    assert (
        preference.channel,
        preference.window_start,
        preference.window_end,
        preference.recorded_by_id,
    ) == ("sms", dt.time(20), dt.time(21), world.dispatcher.pk)


def test_with_the_database_queue_a_message_outside_the_window_waits_for_it(
    settings: Any, world: World, outbox: list[Any]
) -> None:
    from django_tasks_db.models import DBTaskResult

    from sanshi.messaging.tasks import send_resident_message

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    concern = world.concern(text=DANGER, reporter_phone=PHONE, urgency=Urgency.CRITICAL)
    record_contact_preference(
        concern,
        channel=SafeChannel.SMS,
        window_start=dt.time(21),
        window_end=dt.time(7),
        actor=None,
    )
    event = ConcernEvent.objects.get(concern=concern, kind=EventKind.RECEIVED)
    DBTaskResult.objects.all().delete()
    with time_machine.travel(MORNING, tick=False):
        assert send_resident_message.call(concern.pk, event.pk, "receipt") == rules.LATER
    waiting = DBTaskResult.objects.get()
    assert (waiting.task_path, waiting.run_after, waiting.args_kwargs["args"]) == (
        "sanshi.messaging.tasks.send_resident_message",
        dt.datetime(2026, 12, 7, 13, 0, tzinfo=dt.UTC),  # 21:00 in Beijing
        [concern.pk, event.pk, "receipt"],
    )
    assert (outbox, MessageLog.objects.count()) == ([], 0)
    with time_machine.travel(dt.datetime(2026, 12, 7, 13, 0, tzinfo=dt.UTC), tick=False):
        assert send_resident_message.call(concern.pk, event.pk, "receipt") == rules.SEND
    assert [m.template for _p, m in outbox] == ["receipt_discreet"]
