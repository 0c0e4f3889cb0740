"""Places and activities through their actions: rules, capacity, the waiting list, check-in,
duty hours, feedback, reminders; every denial changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from PIL import Image

from sanshi.audit.models import AuditEntry
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.notifications.sms import MemorySmsSender
from sanshi.orgs.models import Division
from sanshi.places import actions
from sanshi.places.models import Activity, Audience, Duty, OpeningHours, Place, PlacePhoto, SignUp
from sanshi.places.tests.conftest import make_activity, soon
from sanshi.testing import World
from sanshi.volunteers import actions as volunteer_actions
from sanshi.volunteers.models import ServiceRecord
from sanshi.volunteers.tests.conftest import id_number

pytestmark = pytest.mark.django_db


def _phone(n: int) -> str:
    return f"139{n:08d}"


# ---------------------------------------------------------------- places


def test_staff_of_the_org_create_a_place_and_its_address_is_routed(
    world: World, guangxi: None
) -> None:
    place = actions.create_place(
        world.community,
        actor=world.chair,
        kind="womens_home",
        name="北部湾社区妇女之家",
        address="北海市海城区东街街道",
    )
    assert place.division is not None
    assert place.division.name == "东街街道"
    assert Division.objects.get(pk=place.division_id).level == 4


def test_people_outside_the_org_cannot_create_or_change_a_place(world: World, place: Place) -> None:
    audits = AuditEntry.objects.count()
    for actor in (world.outside_member, world.volunteer, world.leader, world.member):
        with pytest.raises(NotAllowed):
            actions.create_place(world.community, actor=actor, kind="other", name="别处")
        with pytest.raises(NotAllowed):
            actions.update_place(place, actor=actor, name="改名")
        with pytest.raises(NotAllowed):
            actions.set_opening_hours(place, [(0, dt.time(9), dt.time(10))], actor=actor)
    place.refresh_from_db()
    assert (Place.objects.count(), place.name, OpeningHours.objects.count()) == (
        1,
        "北部湾社区儿童之家",
        0,
    )
    assert AuditEntry.objects.count() == audits


def test_a_manager_may_edit_her_place_but_not_create_places(world: World, place: Place) -> None:
    actions.set_managers(place, [world.social_worker], actor=world.chair)
    actions.update_place(place, actor=world.social_worker, facilities="图书角、作业桌、乒乓球台")
    place.refresh_from_db()
    assert place.facilities == "图书角、作业桌、乒乓球台"
    with pytest.raises(NotAllowed):
        actions.create_place(world.community, actor=world.social_worker, kind="other", name="新")
    with pytest.raises(InvalidInput):  # not of this org's tree
        actions.set_managers(place, [world.outside_member], actor=world.chair)
    assert list(place.managers.values_list("username", flat=True)) == ["social_worker"]


def test_opening_hours_refuse_overlaps_and_replace_the_week(world: World, place: Place) -> None:
    actions.set_opening_hours(
        place,
        [(0, dt.time(14, 30), dt.time(18)), (5, dt.time(9), dt.time(11, 30))],
        actor=world.chair,
    )
    with pytest.raises(InvalidInput):
        actions.set_opening_hours(
            place, [(1, dt.time(9), dt.time(12)), (1, dt.time(11), dt.time(13))], actor=world.chair
        )
    with pytest.raises(InvalidInput):
        actions.set_opening_hours(place, [(7, dt.time(9), dt.time(12))], actor=world.chair)
    assert sorted(place.hours.values_list("weekday", "opens")) == [
        (0, dt.time(14, 30)),
        (5, dt.time(9)),
    ]


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (21.0, 28.0, 48.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"home address")
    return out.getvalue()


def test_a_photo_is_stored_without_its_metadata(
    world: World, place: Place, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    raw = _jpeg_with_exif()
    assert b"SecretCam" in raw
    photo = actions.add_photo(place, raw, actor=world.chair, caption="阅读角")
    with default_storage.open(photo.path, "rb") as f:
        stored = f.read()
    assert b"SecretCam" not in stored and b"home address" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size, dict(image.getexif())) == ("JPEG", (64, 48), {})
        assert "comment" not in image.info
    assert (photo.width, photo.height) == (64, 48)


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(
    world: World, place: Place, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    for bad in (
        b"",
        b"GIF89a not really",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        _jpeg_with_exif()[:200],
    ):
        with pytest.raises(InvalidInput):
            actions.add_photo(place, bad, actor=world.chair)
    with pytest.raises(NotAllowed):
        actions.add_photo(place, _jpeg_with_exif(), actor=world.outside_member)
    assert PlacePhoto.objects.count() == 0
    assert list(tmp_path.rglob("*.jpg")) == []


# ---------------------------------------------------------------- sign-up and waiting list


def test_sign_ups_fill_the_places_then_wait_and_move_up_in_order(
    world: World, activity: Activity
) -> None:
    made = [actions.sign_up(activity, name=f"居民{n}", phone=_phone(n)) for n in range(5)]
    assert [s.status for s in made] == ["confirmed"] * 3 + ["waiting"] * 2
    actions.cancel_signup(made[1])
    statuses = dict(SignUp.objects.values_list("pk", "status"))
    assert [statuses[s.pk] for s in made] == [
        "confirmed",
        "cancelled",
        "confirmed",
        "confirmed",
        "waiting",
    ]
    activity.refresh_from_db()
    assert activity.taken == 3
    actions.cancel_signup(made[4])  # a waiting one leaves: nobody moves
    activity.refresh_from_db()
    assert activity.taken == 3


def test_moving_up_texts_the_resident(
    world: World, activity: Activity, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SANSHI_SMS_SENDER = "sanshi.notifications.sms.MemorySmsSender"
    MemorySmsSender.outbox.clear()
    made = [actions.sign_up(activity, name=f"居民{n}", phone=_phone(n)) for n in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_signup(made[0])
    assert [phone for phone, _ in MemorySmsSender.outbox] == [_phone(3)]
    assert "候补转为报名成功" in MemorySmsSender.outbox[0][1]
    assert made[3].code in MemorySmsSender.outbox[0][1]


def test_one_live_sign_up_per_phone(world: World, activity: Activity) -> None:
    first = actions.sign_up(activity, name="王芳", phone="13900001111")
    with pytest.raises(InvalidInput):
        actions.sign_up(activity, name="王芳", phone="139 0000 1111")
    activity.refresh_from_db()
    assert (activity.taken, SignUp.objects.count()) == (1, 1)
    actions.cancel_signup(first)
    again = actions.sign_up(activity, name="王芳", phone="13900001111")
    assert again.status == "confirmed"


def test_sign_up_outside_its_window_or_of_a_cancelled_activity_is_refused(
    world: World, place: Place
) -> None:
    later = make_activity(world, place, signup_opens=soon(1), signup_closes=soon(2))
    with pytest.raises(Conflict):
        actions.sign_up(later, name="王芳", phone="13900001111")
    cancelled = make_activity(world, place, title="取消的")
    actions.cancel_activity(cancelled, actor=world.chair)
    with pytest.raises(Conflict):
        actions.sign_up(cancelled, name="王芳", phone="13900001111")
    assert SignUp.objects.count() == 0


def test_a_child_is_signed_up_only_with_the_guardians_consent(world: World, place: Place) -> None:
    kids = make_activity(world, place, title="作业辅导", audience=Audience.CHILDREN)
    with pytest.raises(InvalidInput) as no_consent:
        actions.sign_up(kids, name="李梅", phone="13900001111", child_name="小雨", child_age=8)
    assert no_consent.value.fields == {"guardian_consent": "required"}
    with pytest.raises(InvalidInput):
        actions.sign_up(
            kids,
            name="李梅",
            phone="13900001111",
            child_name="小雨",
            child_age=19,
            guardian_consent=True,
        )
    grown = make_activity(world, place, title="手工课")
    with pytest.raises(InvalidInput):  # a child's data only where the activity is for children
        actions.sign_up(grown, name="李梅", phone="13900001111", child_name="小雨", child_age=8)
    assert SignUp.objects.count() == 0
    signup = actions.sign_up(
        kids,
        name="李梅",
        phone="13900001111",
        child_name="小雨",
        child_age=8,
        guardian_consent=True,
    )
    signup.refresh_from_db()
    assert (signup.child_name, signup.child_age, signup.guardian_consent) == ("小雨", 8, True)


def test_activities_are_created_only_by_those_who_run_the_org_or_place(
    world: World, place: Place
) -> None:
    start = soon()
    for actor in (world.outside_member, world.volunteer, world.leader):
        with pytest.raises(NotAllowed):
            actions.create_activity(
                actor=actor,
                place=place,
                title="x",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                capacity=5,
            )
        with pytest.raises(NotAllowed):
            actions.create_series(
                actor=actor,
                place=place,
                title="x",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                capacity=5,
                weeks=4,
            )
    assert Activity.objects.count() == 0
    own = actions.create_activity(
        actor=world.county_staff,
        org=world.county,
        title="区里讲座",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        capacity=50,
        location="海城区妇女儿童活动中心",
    )
    assert (own.org, own.place) == (world.county, None)


def test_a_weekly_series_makes_one_activity_a_week(world: World, place: Place) -> None:
    start = soon()
    series = actions.create_series(
        actor=world.chair,
        place=place,
        title="周六绘本共读",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=10,
        weeks=4,
    )
    starts = list(series.activities.order_by("starts_at").values_list("starts_at", flat=True))
    assert starts == [start + dt.timedelta(weeks=n) for n in range(4)]
    assert len({a.door_token for a in series.activities.all()}) == 4


# ---------------------------------------------------------------- check-in, feedback, duty


def test_check_in_at_the_door_needs_this_activitys_code_and_the_right_time(
    world: World, place: Place, activity: Activity
) -> None:
    signup = actions.sign_up(activity, name="王芳", phone="13900001111")
    other = make_activity(world, place, title="别的活动")
    with pytest.raises(Conflict):  # too early
        actions.check_in_at_door(signup, activity.door_token)
    with time_machine.travel(activity.starts_at - dt.timedelta(minutes=10), tick=False):
        with pytest.raises(InvalidInput):
            actions.check_in_at_door(signup, other.door_token)
        assert SignUp.objects.get(pk=signup.pk).checked_in_at is None
        actions.check_in_at_door(signup, activity.door_token)
        with pytest.raises(Conflict):
            actions.check_in_at_door(signup, activity.door_token)
    signup.refresh_from_db()
    assert signup.checked_in_at == activity.starts_at - dt.timedelta(minutes=10)
    assert signup.checked_in_by is None


def test_staff_check_in_is_for_those_who_run_it(world: World, activity: Activity) -> None:
    signup = actions.sign_up(activity, name="王芳", phone="13900001111")
    with time_machine.travel(activity.starts_at, tick=False):
        for actor in (world.outside_member, world.volunteer):
            with pytest.raises(NotAllowed):
                actions.check_in_by_staff(signup, actor=actor)
        assert SignUp.objects.get(pk=signup.pk).checked_in_at is None
        actions.check_in_by_staff(signup, actor=world.chair)
    assert SignUp.objects.get(pk=signup.pk).checked_in_by == world.chair


def test_feedback_comes_once_from_those_who_came_after_the_end(
    world: World, activity: Activity
) -> None:
    came = actions.sign_up(activity, name="王芳", phone="13900001111")
    absent = actions.sign_up(activity, name="李梅", phone="13900002222")
    with time_machine.travel(activity.starts_at, tick=False):
        actions.check_in_by_staff(came, actor=world.chair)
        with pytest.raises(Conflict):
            actions.leave_feedback(came, rating=5)
    with time_machine.travel(activity.ends_at + dt.timedelta(hours=1), tick=False):
        with pytest.raises(Conflict):
            actions.leave_feedback(absent, rating=1)
        with pytest.raises(InvalidInput):
            actions.leave_feedback(came, rating=6)
        actions.leave_feedback(came, rating=4, text="孩子很喜欢")
        with pytest.raises(Conflict):
            actions.leave_feedback(came, rating=1)
    assert list(SignUp.objects.order_by("pk").values_list("rating", "feedback")) == [
        (4, "孩子很喜欢"),
        (None, ""),
    ]


def test_duty_hours_go_to_the_volunteers_service_record(world: World, activity: Activity) -> None:
    v = volunteer_actions.register_volunteer(
        org=world.community,
        name="黄丽萍",
        phone="13900003333",
        id_number=id_number(3),
        consent=True,
    )
    volunteer_actions.review_volunteer(v, actor=world.chair, approve=True)
    duty = actions.put_on_duty(activity, v, actor=world.chair)
    with pytest.raises(Conflict):  # not before it begins
        actions.record_duty_hours(duty, "2.5", actor=world.chair)
    with time_machine.travel(activity.ends_at, tick=False):
        with pytest.raises(NotAllowed):
            actions.record_duty_hours(duty, "2.5", actor=world.outside_member)
        assert ServiceRecord.objects.count() == 0
        actions.record_duty_hours(duty, "2.5", actor=world.chair)
        with pytest.raises(Conflict):
            actions.record_duty_hours(duty, "1", actor=world.chair)
    record = ServiceRecord.objects.get()
    assert (record.volunteer_id, record.hours, record.activity, record.status) == (
        v.pk,
        Decimal("2.5"),
        "周六绘本共读",
        "entered",
    )
    assert Duty.objects.get().record_id == record.pk


def test_reminders_go_once_to_those_confirmed_for_tomorrow(
    world: World, place: Place, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SANSHI_SMS_SENDER = "sanshi.notifications.sms.MemorySmsSender"
    MemorySmsSender.outbox.clear()
    tomorrow = make_activity(world, place, starts_at=soon(1, 9), capacity=1)
    actions.sign_up(tomorrow, name="王芳", phone="13900001111")
    actions.sign_up(tomorrow, name="李梅", phone="13900002222")  # waiting: no reminder
    next_week = make_activity(world, place, starts_at=soon(7, 9))
    actions.sign_up(next_week, name="王芳", phone="13900001111")
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_reminders(within=dt.timedelta(hours=48)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_reminders(within=dt.timedelta(hours=48)) == 0
    assert [p for p, _ in MemorySmsSender.outbox] == ["13900001111"]
    assert "周六绘本共读" in MemorySmsSender.outbox[0][1]
