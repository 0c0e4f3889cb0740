"""Places' pages over HTTP: the public directory, place, activity, sign-up and door pages;
the staff pages and what they refuse (a refusal changes nothing); the calendar feed."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import icalendar
import pytest
import segno
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from PIL import Image

from sanshi.audit.models import AuditEntry
from sanshi.concerns.models import CalendarOverride
from sanshi.places import actions
from sanshi.places.models import Activity, Audience, Duty, Place, PlacePhoto, SignUp
from sanshi.places.selectors import hours_open, monthly_figures
from sanshi.places.tests.conftest import local, make_activity, soon
from sanshi.testing import World
from sanshi.volunteers import actions as volunteer_actions
from sanshi.volunteers.tests.conftest import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_counters() -> None:
    cache.clear()


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hours(world: World, place: Place) -> None:
    actions.set_opening_hours(
        place,
        [(d, dt.time(14, 30), dt.time(18)) for d in range(5)] + [(5, dt.time(9), dt.time(11, 30))],
        actor=world.chair,
    )


# ---------------------------------------------------------------- public


def test_the_directory_lists_public_places_of_a_community_phone_first(
    world: World, place: Place
) -> None:
    actions.create_place(
        world.other_community,
        actor=world.county_staff,
        kind="overseas_home",
        name="侨中社区侨之家",
        phone="0779-3050000",
    )
    actions.create_place(
        world.community, actor=world.chair, kind="other", name="内部仓库", is_public=False
    )
    client = Client()
    all_of_them = client.get("/places/")
    assert all_of_them.status_code == 200
    assert [p.name for p, *_ in all_of_them.context["rows"]] == [
        "北部湾社区儿童之家",
        "侨中社区侨之家",
    ]
    one = client.get(f"/places/?org={world.community.pk}")
    assert [p.name for p, *_ in one.context["rows"]] == ["北部湾社区儿童之家"]
    assert 'href="tel:0779-2021234"' in one.content.decode()
    district = client.get(f"/places/?org={world.county.pk}")
    assert len(district.context["rows"]) == 2
    assert [o.name for o in district.context["districts"]] == ["海城区妇联"]


def test_a_resident_signs_up_sees_her_code_and_cancels(world: World, activity: Activity) -> None:
    client = Client()
    page = client.get(f"/places/activities/{activity.pk}/")
    assert page.status_code == 200
    posted = client.post(
        f"/places/activities/{activity.pk}/", {"name": "王芳", "phone": "13900001111"}
    )
    signup = SignUp.objects.get()
    assert posted.status_code == 302
    assert posted["Location"] == f"/places/signup/{signup.code}/"
    mine = client.get(posted["Location"])
    assert mine.status_code == 200
    assert "<svg" in mine.content.decode()
    assert mine.context["qr_svg"] == segno.make(
        f"http://testserver/places/staff/scan/{signup.code}/", error="m"
    ).svg_inline(scale=6, border=2)
    client.post(f"/places/signup/{signup.code}/cancel/")
    assert SignUp.objects.get().status == "cancelled"
    assert Activity.objects.get().taken == 0


def test_bad_sign_up_input_answers_400_and_writes_nothing(world: World, place: Place) -> None:
    kids = make_activity(world, place, audience=Audience.CHILDREN)
    client = Client()
    for data in (
        {"name": "", "phone": "13900001111"},
        {"name": "王芳", "phone": "12345"},
        {"name": "王芳", "phone": "13900001111", "child_name": "小雨", "child_age": "8"},
    ):
        assert client.post(f"/places/activities/{kids.pk}/", data).status_code == 400
    assert SignUp.objects.count() == 0
    assert client.get("/places/signup/nope/").status_code == 404
    assert client.get("/places/activities/999999/").status_code == 404


def test_the_door_code_checks_her_in_by_her_phone(world: World, activity: Activity) -> None:
    signup = actions.sign_up(activity, name="王芳", phone="13900001111")
    other_phone = Client()
    with time_machine.travel(activity.starts_at - dt.timedelta(minutes=5), tick=False):
        wrong = other_phone.post(f"/places/door/{activity.door_token}/", {"phone": "13900009999"})
        assert wrong.status_code == 400
        assert SignUp.objects.get().checked_in_at is None
        done = other_phone.post(f"/places/door/{activity.door_token}/", {"phone": "13900001111"})
    assert done.status_code == 302
    assert done["Location"] == f"/places/signup/{signup.code}/"
    assert SignUp.objects.get().checked_in_at is not None
    assert Client().get("/places/door/not-a-token/").status_code == 404


def test_the_calendar_feed_parses_back_and_validates(world: World, place: Place) -> None:
    first = make_activity(world, place, title="周六绘本共读", description="带上喜欢的书")
    second = make_activity(world, place, title="家长课堂", starts_at=soon(5, 19))
    actions.cancel_activity(second, actor=world.chair)
    response = Client().get(f"/places/{place.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    assert cal.errors == []
    assert (str(cal["version"]), str(cal["prodid"]), str(cal["x-wr-calname"])) == (
        "2.0",
        "-//sanshi//places//ZH",
        "北部湾社区儿童之家",
    )
    events = cal.walk("VEVENT")
    assert [e.errors for e in events] == [[], []]
    assert [(str(e["summary"]), str(e["status"])) for e in events] == [
        ("周六绘本共读", "CONFIRMED"),
        ("家长课堂", "CANCELLED"),
    ]
    one = events[0]
    assert one.decoded("dtstart") == first.starts_at
    assert one.decoded("dtend") == first.ends_at
    assert str(one["uid"]) == f"activity-{first.pk}@sanshi"
    assert str(one["location"]) == place.address
    assert str(one["description"]) == "带上喜欢的书"
    for required in ("uid", "dtstamp", "dtstart"):  # RFC 5545 3.6.1
        assert all(required in e for e in events)
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    # Written again from what was read, the feed is the same bytes.
    assert cal.to_ical() == response.content


def test_the_calendar_feed_opens_in_a_calendar_clients_parser(world: World, place: Place) -> None:
    """vobject (Radicale's and CalDAV clients' parser, independent of icalendar) reads the
    feed: the same events, summaries and start times, in the place's time zone."""
    import vobject

    made = [
        make_activity(world, place, title="周六绘本共读", starts_at=soon(3, 9)),
        make_activity(world, place, title="家长课堂", starts_at=soon(5, 19)),
        make_activity(world, place, title="侨眷茶话会, 含分号; 与逗号", starts_at=soon(8, 15)),
    ]
    actions.cancel_activity(made[1], actor=world.chair)
    response = Client().get(f"/places/{place.pk}/calendar.ics")
    assert response.status_code == 200
    cal = vobject.readOne(response.content.decode("utf-8"), validate=True)
    assert cal.name == "VCALENDAR"
    assert cal.validate(raiseException=True) is True
    events = cal.vevent_list
    assert len(events) == 3
    assert [e.summary.value for e in events] == [a.title for a in made]
    assert [e.dtstart.value for e in events] == [a.starts_at for a in made]
    assert [e.dtend.value for e in events] == [a.ends_at for a in made]
    local_starts = [timezone.localtime(e.dtstart.value) for e in events]  # aware: a fixed instant
    assert [(t.hour, t.minute) for t in local_starts] == [(9, 0), (19, 0), (15, 0)]
    assert [e.uid.value for e in events] == [f"activity-{a.pk}@sanshi" for a in made]
    assert [e.status.value for e in events] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert [e.location.value for e in events] == [place.address] * 3


# ---------------------------------------------------------------- staff


def test_staff_create_a_place_and_set_its_hours(world: World) -> None:
    client = _as(world.chair)
    assert client.get("/places/staff/").status_code == 200
    made = client.post(
        "/places/staff/new/",
        {
            "org": world.community.pk,
            "kind": "womens_home",
            "name": "北部湾社区妇女之家",
            "address": "",
            "phone": "0779-1",
            "capacity": "20",
            "facilities": "",
            "is_public": "on",
        },
    )
    place = Place.objects.get()
    assert made["Location"] == f"/places/staff/{place.pk}/"
    hours = client.post(
        f"/places/staff/{place.pk}/hours/",
        {"day0": "08:30-11:30、14:30-18:00", "day5": "9:00-11:30"},
    )
    assert hours.status_code == 302
    assert sorted(place.hours.values_list("weekday", "opens", "closes")) == [
        (0, dt.time(8, 30), dt.time(11, 30)),
        (0, dt.time(14, 30), dt.time(18)),
        (5, dt.time(9), dt.time(11, 30)),
    ]
    garbled = client.post(f"/places/staff/{place.pk}/hours/", {"day1": "afternoon"})
    assert garbled.status_code == 400
    assert place.hours.count() == 3


@pytest.mark.parametrize("who", ["outside_member", "volunteer", "leader", "member"])
def test_others_cannot_open_or_change_a_place_or_its_activities(
    world: World, place: Place, activity: Activity, who: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    signup = actions.sign_up(activity, name="王芳", phone="13900001111")
    client = _as(getattr(world, who))
    audits = AuditEntry.objects.count()
    image = io.BytesIO()
    Image.new("RGB", (8, 8)).save(image, format="PNG")
    image.seek(0)
    image.name = "p.png"
    gets = [
        f"/places/staff/{place.pk}/",
        f"/places/staff/activities/{activity.pk}/",
        f"/places/staff/activities/{activity.pk}/door/",
        f"/places/staff/scan/{signup.code}/",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = {
        f"/places/staff/{place.pk}/edit/": {"kind": "other", "name": "改名", "capacity": "1"},
        f"/places/staff/{place.pk}/hours/": {"day0": "09:00-10:00"},
        f"/places/staff/{place.pk}/managers/": {"managers": [str(getattr(world, who).pk)]},
        f"/places/staff/{place.pk}/photos/": {"photo": image},
        f"/places/staff/activities/{activity.pk}/cancel/": {},
        f"/places/staff/activities/{activity.pk}/checkin/{signup.pk}/": {},
        f"/places/staff/scan/{signup.code}/": {},
        "/places/staff/activities/new/": {
            "place": place.pk,
            "title": "x",
            "audience": "everyone",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-01-01T11:00",
            "capacity": "5",
            "weeks": "1",
        },
        "/places/staff/new/": {
            "org": world.community.pk,
            "kind": "other",
            "name": "新",
            "capacity": "0",
        },
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    place.refresh_from_db()
    activity.refresh_from_db()
    assert (place.name, place.hours.count(), place.managers.count()) == ("北部湾社区儿童之家", 0, 0)
    assert (Place.objects.count(), Activity.objects.count(), PlacePhoto.objects.count()) == (
        1,
        1,
        0,
    )
    assert activity.cancelled_at is None
    assert SignUp.objects.get().checked_in_at is None
    assert AuditEntry.objects.count() == audits
    assert list(tmp_path.rglob("*")) == []


def test_the_roster_masks_phones_and_a_volunteer_sees_nothing(world: World, place: Place) -> None:
    kids = make_activity(world, place, audience=Audience.CHILDREN, title="作业辅导")
    actions.sign_up(
        kids,
        name="李梅",
        phone="13900001111",
        child_name="王小雨",
        child_age=8,
        guardian_consent=True,
    )
    page = _as(world.chair).get(f"/places/staff/activities/{kids.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "13900001111" not in body and "139****1111" in body
    assert "王小雨" not in body and "王*" in body
    assert _as(world.volunteer).get(f"/places/staff/activities/{kids.pk}/").status_code == 404


def test_staff_scan_the_residents_code_to_check_her_in(world: World, activity: Activity) -> None:
    signup = actions.sign_up(activity, name="王芳", phone="13900001111")
    with time_machine.travel(activity.starts_at, tick=False):
        client = _as(world.chair)
        page = client.get(f"/places/staff/scan/{signup.code}/")
        assert page.status_code == 200 and "王芳" in page.content.decode()
        assert client.post(f"/places/staff/scan/{signup.code}/").status_code == 302
        again = client.post(f"/places/staff/scan/{signup.code}/")
    assert again.status_code == 409
    assert SignUp.objects.get().checked_in_by == world.chair


# ---------------------------------------------------------------- hours and figures


def test_hours_open_take_out_public_holidays(world: World, place: Place) -> None:
    _hours(world, place)
    # October 2026: National Day 1-7 (Thu 1st to Wed 7th), make-up Saturday 10th; the State
    # Council calendar as the holidays package carries it. Weekdays 8-30 less holidays.
    hours = hours_open(place, 2026, 10)
    weekdays = [d for d in range(8, 32) if dt.date(2026, 10, d).weekday() < 5]
    saturdays = [d for d in range(8, 32) if dt.date(2026, 10, d).weekday() == 5]
    assert hours == (Decimal("3.5") * len(weekdays) + Decimal("2.5") * len(saturdays)).quantize(
        Decimal("0.1")
    )
    CalendarOverride.objects.create(date=dt.date(2026, 10, 9), is_working_day=False, note="test")
    from sanshi.core.refcache import ReferenceCache

    ReferenceCache.forget_all()
    assert hours_open(place, 2026, 10) == hours - Decimal("3.5")


def test_monthly_figures_count_sessions_people_and_volunteer_hours(
    world: World, place: Place
) -> None:
    _hours(world, place)
    v = volunteer_actions.register_volunteer(
        org=world.community,
        name="黄丽萍",
        phone="13900003333",
        id_number=id_number(3),
        consent=True,
    )
    volunteer_actions.review_volunteer(v, actor=world.chair, approve=True)
    with time_machine.travel(local(2026, 11, 1, 9), tick=False):
        a = make_activity(world, place, starts_at=local(2026, 11, 7, 9), capacity=10)
        b = make_activity(world, place, starts_at=local(2026, 11, 14, 9), capacity=10)
        c = make_activity(world, place, starts_at=local(2026, 11, 21, 9), capacity=10)
        actions.cancel_activity(c, actor=world.chair)
        people = {n: f"139{n:08d}" for n in range(3)}
        sa = {n: actions.sign_up(a, name=f"居民{n}", phone=p) for n, p in people.items()}
        sb = {n: actions.sign_up(b, name=f"居民{n}", phone=p) for n, p in people.items() if n}
        duty = actions.put_on_duty(a, v, actor=world.chair)
    with time_machine.travel(local(2026, 11, 7, 9), tick=False):
        for n in (0, 1):
            actions.check_in_by_staff(sa[n], actor=world.chair)
        actions.record_duty_hours(duty, "3", actor=world.chair)
    with time_machine.travel(local(2026, 11, 14, 9), tick=False):
        actions.check_in_by_staff(sb[1], actor=world.chair)
    with time_machine.travel(local(2026, 11, 15, 9), tick=False):
        actions.leave_feedback(sb[1], rating=5)
        actions.leave_feedback(sa[0], rating=4)
    from sanshi.places.access import places_run_by

    by_place, by_org = monthly_figures(places_run_by(world.chair), [world.community], 2026, 11)
    [f] = by_place
    assert (f.sessions, f.signups, f.participants, f.repeat, f.attendances) == (2, 5, 2, 1, 3)
    assert (f.volunteer_hours, f.rating) == (Decimal("3.0"), Decimal("4.5"))
    assert f.hours_open == hours_open(place, 2026, 11)
    assert [(o.label, o.sessions, o.participants) for o in by_org] == [("北部湾社区妇联", 2, 2)]
    with time_machine.travel(local(2026, 11, 30, 9), tick=False):
        page = _as(world.chair).get("/places/staff/figures/?month=2026-11")
    assert page.status_code == 200
    assert page.context["by_place"][0].participants == 2
    assert Duty.objects.get().record is not None


def test_monthly_figures_count_the_distinct_children_signed_in_and_name_none(
    world: World, place: Place
) -> None:
    from sanshi.childcare import actions as care
    from sanshi.orgs.models import Role
    from sanshi.places.models import PlaceKind
    from sanshi.testing import make_user

    _hours(world, place)
    other = actions.create_place(
        world.other_community,
        actor=world.county_staff,
        kind=PlaceKind.CHILDRENS_HOME,
        name="侨中儿童之家",
    )
    actions.set_opening_hours(
        other, [(d, dt.time(14, 30), dt.time(18)) for d in range(5)], actor=world.county_staff
    )
    other_worker = make_user("other_worker", role=Role.SOCIAL_WORKER, org=world.other_community)

    def enroll(home: Place, actor: Any, name: str, phone: str) -> Any:
        child, made = care.enroll_child(
            home,
            actor=actor,
            name=name,
            first_name=name[1:],
            guardian=care.Adult(f"{name[0]}家长", "母亲", phone),
            consent=True,
        )
        return child, made[0]

    with time_machine.travel(local(2026, 10, 30, 14), tick=False):  # a Friday
        (a, _), (b, (b_mother, b_code)), (c, _) = (
            enroll(place, world.social_worker, n, f"139000011{i:02d}")
            for i, n in enumerate(("陈丽丽", "林小涛", "黄小明"))
        )
        (d, _) = enroll(other, other_worker, "周小红", "13900001199")
    with time_machine.travel(local(2026, 10, 30, 15), tick=False):
        care.sign_in(a, actor=world.social_worker)  # October: not November's
    with time_machine.travel(local(2026, 11, 2, 15), tick=False):  # Monday
        care.sign_in(a, actor=world.social_worker)
        care.sign_in(b, actor=world.social_worker)
        care.sign_out(b, actor=world.social_worker, collector_id=b_mother.pk, code=b_code)
        care.sign_in(d, actor=other_worker)
    with time_machine.travel(local(2026, 11, 3, 15), tick=False):  # a second day: still one child
        care.sign_in(a, actor=world.social_worker)
        care.excuse_absence(c, actor=world.social_worker, reason="发烧")  # absent: not served
    with time_machine.travel(local(2026, 12, 1, 15), tick=False):  # December: not November's
        care.sign_in(c, actor=world.social_worker)
    from sanshi.places.access import places_run_by

    orgs = [world.community, world.other_community, world.township]
    by_place, by_org = monthly_figures(places_run_by(world.county_staff), orgs, 2026, 11)
    assert [(f.label, f.children) for f in by_place] == [
        ("北部湾社区儿童之家", 2),
        ("侨中儿童之家", 1),
    ]
    assert [(f.label, f.children) for f in by_org] == [
        ("北部湾社区妇联", 2),
        ("侨中社区妇联", 1),
        ("东街街道妇联", 3),
    ]
    october, _ = monthly_figures(places_run_by(world.county_staff), [], 2026, 10)
    assert [f.children for f in october] == [1, 0]
    with time_machine.travel(local(2026, 12, 2, 9), tick=False):
        page = _as(world.chair).get("/places/staff/figures/?month=2026-11")
    assert page.status_code == 200
    assert [f.children for f in page.context["by_place"]] == [2]
    assert [f.children for f in page.context["by_org"]] == [2]
    html = page.content.decode()
    assert "服务儿童" in html
    for name in ("陈丽丽", "丽丽", "林小涛", "黄小明", "周小红", "陈家长"):
        assert name not in html


def test_the_figures_open_to_those_who_run_places_and_to_no_one_else(
    world: World, place: Place
) -> None:
    from sanshi.places.access import may_see_figures

    place.managers.add(world.social_worker)  # a manager holding no supervising role
    for user, status in (
        (world.chair, 200),
        (world.county_staff, 200),
        (world.social_worker, 200),
        (world.volunteer, 404),
        (world.member, 404),
        (world.leader, 404),
    ):
        assert _as(user).get("/places/staff/figures/").status_code == status, user.username
        assert may_see_figures(user) is (status == 200), user.username


def test_the_directory_reads_a_fixed_number_of_queries(
    world: World, place: Place, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        other = actions.create_place(
            world.community, actor=world.chair, kind="womens_home", name=f"妇女之家{n}"
        )
        _hours(world, other)
    client = Client()
    client.get("/places/")  # warm the reference caches (calendar overrides)
    with django_assert_max_num_queries(8):
        page = client.get(f"/places/?org={world.community.pk}")
    assert len(page.context["rows"]) == 6


def test_staff_publish_a_weekly_series_at_a_place_and_an_activity_of_the_org(
    world: World, place: Place
) -> None:
    client = _as(world.chair)
    start = soon(5, 9)
    form = {
        "title": "周六绘本共读",
        "description": "",
        "audience": "children",
        "location": "",
        "starts_at": f"{start:%Y-%m-%dT%H:%M}",
        "ends_at": f"{start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}",
        "capacity": "15",
        "signup_closes": "",
        "weeks": "4",
    }
    series = client.post("/places/staff/activities/new/", {**form, "place": place.pk})
    assert series["Location"] == f"/places/staff/{place.pk}/"
    assert list(Activity.objects.values_list("place_id", "audience").distinct()) == [
        (place.pk, "children")
    ]
    assert Activity.objects.count() == 4
    org_one = client.post(
        "/places/staff/activities/new/",
        {
            **form,
            "weeks": "1",
            "org": world.community.pk,
            "audience": "women",
            "location": "社区广场",
        },
    )
    made = Activity.objects.get(audience="women")
    assert org_one["Location"] == f"/places/staff/activities/{made.pk}/"
    assert (made.org, made.place, made.location) == (world.community, None, "社区广场")
    other_org = client.post(
        "/places/staff/activities/new/", {**form, "weeks": "1", "org": world.county.pk}
    )
    assert other_org.status_code == 404
    assert Activity.objects.count() == 5


def test_the_reminder_command_texts_once(
    world: World, activity: Activity, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.management import call_command

    from sanshi.notifications.sms import MemorySmsSender

    settings.SANSHI_SMS_SENDER = "sanshi.notifications.sms.MemorySmsSender"
    MemorySmsSender.outbox.clear()
    actions.sign_up(activity, name="王芳", phone="13900001111")
    out = io.StringIO()
    with (
        time_machine.travel(activity.starts_at - dt.timedelta(hours=20), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("places_remind", stdout=out)
        call_command("places_remind", stdout=out)
    assert out.getvalue() == "reminded 1\nreminded 0\n"
    assert [p for p, _ in MemorySmsSender.outbox] == ["13900001111"]
