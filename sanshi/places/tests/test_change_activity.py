"""Changing a published activity: time, location, capacity; everyone signed up or waiting is
told; more places move people up; fewer places than are taken is refused, nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sanshi.audit.models import AuditEntry
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.notifications.sms import MemorySmsSender
from sanshi.places import actions
from sanshi.places.models import Activity, SignUp
from sanshi.places.tests.conftest import soon
from sanshi.testing import World

pytestmark = pytest.mark.django_db


def _phone(n: int) -> str:
    return f"139{n:08d}"


@pytest.fixture
def outbox(settings: Any) -> list[tuple[str, str]]:
    settings.SANSHI_SMS_SENDER = "sanshi.notifications.sms.MemorySmsSender"
    MemorySmsSender.outbox.clear()
    return MemorySmsSender.outbox


def _five(activity: Activity) -> list[SignUp]:
    """Three signed up (capacity 3), two waiting."""
    return [actions.sign_up(activity, name=f"居民{n}", phone=_phone(n)) for n in range(5)]


def _state(activity: Activity) -> tuple[Any, ...]:
    row = Activity.objects.get(pk=activity.pk)
    statuses = tuple(SignUp.objects.order_by("pk").values_list("status", flat=True))
    return (row.starts_at, row.ends_at, row.location, row.capacity, row.taken, statuses)


def test_moving_an_activity_tells_everyone_signed_up_and_waiting(
    world: World, activity: Activity, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    made = _five(activity)
    actions.cancel_signup(made[4])  # a cancelled one is not told
    new_start = soon(days=5, hour=9)
    with django_capture_on_commit_callbacks(execute=True):
        changed = actions.change_activity(
            activity,
            actor=world.chair,
            starts_at=new_start,
            ends_at=new_start + dt.timedelta(hours=2),
            location="北部湾社区党群服务中心二楼",
        )
    assert (changed.starts_at, changed.location, changed.capacity) == (
        new_start,
        "北部湾社区党群服务中心二楼",
        3,
    )
    assert [phone for phone, _ in outbox] == [_phone(n) for n in range(4)]
    assert all("北部湾社区党群服务中心二楼" in text for _, text in outbox)
    assert [text.count("您的报名仍有效") for _, text in outbox] == [1, 1, 1, 0]
    assert "您仍在候补名单上" in outbox[3][1]
    assert made[3].code in outbox[3][1]
    entry = AuditEntry.objects.filter(action="activity.changed").get()
    assert entry.actor_id == world.chair.pk
    assert sorted(entry.data["after"]) == ["ends_at", "location", "starts_at"]
    assert entry.data["told"] == 4


def test_more_places_move_people_up_from_the_waiting_list_in_order(
    world: World, activity: Activity, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    made = _five(activity)
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_activity(activity, actor=world.chair, capacity=4)
    assert _state(activity)[3:] == (4, 4, ("confirmed",) * 4 + ("waiting",))
    texts = dict(outbox)
    assert "名额增加，您已从候补转为报名成功" in texts[_phone(3)]
    assert "您仍在候补名单上" in texts[_phone(4)]
    assert len(outbox) == 5
    assert AuditEntry.objects.get(action="activity.changed").data["moved_up"] == [made[3].pk]


def test_fewer_places_than_are_taken_is_refused_and_nothing_is_written(
    world: World, activity: Activity, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    _five(activity)
    before = _state(activity)
    audits = AuditEntry.objects.count()
    new_start = soon(days=6)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput) as caught:
        actions.change_activity(
            activity,
            actor=world.chair,
            capacity=2,
            starts_at=new_start,
            ends_at=new_start + dt.timedelta(hours=1),
            location="别处",
        )
    assert caught.value.message == "已有 3 人报名成功，名额不能少于 3"
    assert caught.value.fields == {"capacity": "below taken"}
    assert _state(activity) == before
    assert AuditEntry.objects.count() == audits
    assert outbox == []


def test_a_bad_time_or_a_cancelled_activity_cannot_be_changed(
    world: World, activity: Activity, outbox: list[Any]
) -> None:
    before = _state(activity)
    with pytest.raises(InvalidInput):
        actions.change_activity(activity, actor=world.chair, ends_at=activity.starts_at)
    with pytest.raises(InvalidInput):
        actions.change_activity(activity, actor=world.chair, capacity=0)
    with pytest.raises(InvalidInput):
        actions.change_activity(activity, actor=world.chair, title="改名")
    assert _state(activity) == before
    actions.cancel_activity(activity, actor=world.chair)
    with pytest.raises(Conflict):
        actions.change_activity(activity, actor=world.chair, capacity=10)
    assert Activity.objects.get(pk=activity.pk).capacity == 3
    assert AuditEntry.objects.filter(action="activity.changed").count() == 0


@pytest.mark.parametrize(
    "who", ["outside_member", "volunteer", "leader", "member", "social_worker"]
)
def test_only_those_who_run_the_activity_may_change_it(
    world: World, activity: Activity, who: str, outbox: list[Any]
) -> None:
    _five(activity)
    before = _state(activity)
    with pytest.raises(NotAllowed):
        actions.change_activity(activity, actor=getattr(world, who), capacity=10)
    assert _state(activity) == before
    assert AuditEntry.objects.filter(action="activity.changed").count() == 0
    assert outbox == []


def test_a_place_manager_may_change_its_activity(
    world: World, activity: Activity, outbox: list[Any]
) -> None:
    assert activity.place is not None
    actions.set_managers(activity.place, [world.member], actor=world.chair)
    actions.change_activity(activity, actor=world.member, capacity=8)
    assert Activity.objects.get(pk=activity.pk).capacity == 8


# ---------------------------------------------------------------- over HTTP


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(activity: Activity, **values: Any) -> dict[str, Any]:
    return {
        "starts_at": "2030-01-01T10:00",
        "ends_at": "2030-01-01T12:00",
        "location": activity.location,
        "capacity": str(activity.capacity),
        **values,
    }


def test_staff_change_an_activity_from_its_roster_page(
    world: World, activity: Activity, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    _five(activity)
    client = _as(world.chair)
    page = client.get(f"/places/staff/activities/{activity.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="change-form"' in html
    assert f'value="{activity.location}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(
            f"/places/staff/activities/{activity.pk}/change/",
            _form(activity, capacity="5", location="社区广场"),
            follow=True,
        )
    assert moved.status_code == 200
    assert "活动已修改，已短信通知报名和候补的居民。" in moved.content.decode()
    row = Activity.objects.get(pk=activity.pk)
    assert (row.capacity, row.taken, row.location) == (5, 5, "社区广场")
    assert f"{row.starts_at:%Y-%m-%d}" == "2030-01-01"
    assert len(outbox) == 5


def test_the_page_refuses_fewer_places_than_are_taken_with_a_clear_message(
    world: World, activity: Activity, outbox: list[Any]
) -> None:
    _five(activity)
    before = _state(activity)
    refused = _as(world.chair).post(
        f"/places/staff/activities/{activity.pk}/change/",
        _form(activity, capacity="1", location="别处"),
        follow=True,
    )
    assert refused.status_code == 200
    assert "已有 3 人报名成功，名额不能少于 3" in refused.content.decode()
    assert _state(activity) == before
    assert outbox == []


@pytest.mark.parametrize("who", ["outside_member", "volunteer", "leader", "member"])
def test_others_get_not_found_and_change_nothing(
    world: World, activity: Activity, who: str, outbox: list[Any]
) -> None:
    _five(activity)
    before = _state(activity)
    response = _as(getattr(world, who)).post(
        f"/places/staff/activities/{activity.pk}/change/", _form(activity, capacity="9")
    )
    assert response.status_code == 404
    assert _state(activity) == before
    assert AuditEntry.objects.filter(action="activity.changed").count() == 0
    assert outbox == []


def test_a_time_sent_back_unchanged_is_no_change(
    world: World, place: Any, outbox: list[Any]
) -> None:
    from django.utils import timezone

    from sanshi.places.tests.conftest import make_activity

    start = soon(days=4).replace(second=30)  # made in code, with seconds the form cannot show
    activity = make_activity(world, place, starts_at=start)
    _five(activity)
    before = _state(activity)
    response = _as(world.chair).post(
        f"/places/staff/activities/{activity.pk}/change/",
        _form(
            activity,
            starts_at=f"{timezone.localtime(start):%Y-%m-%dT%H:%M}",
            ends_at=f"{timezone.localtime(activity.ends_at):%Y-%m-%dT%H:%M}",
        ),
    )
    assert response.status_code == 302
    assert _state(activity) == before
    assert AuditEntry.objects.filter(action="activity.changed").count() == 0
    assert outbox == []
