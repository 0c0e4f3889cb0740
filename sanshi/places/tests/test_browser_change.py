"""In a browser: staff move a published activity and add places from its roster page; a
resident on the waiting list sees on her phone that she is in, at the new time and place; a
cut below those signed up is refused on the page and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from sanshi.core import clock
from sanshi.places import actions
from sanshi.places.models import Activity, SignUp
from sanshi.places.tests.test_browser_places import Device
from sanshi.testing import World


def test_staff_change_an_activity_and_the_waiting_resident_moves_up(
    live_server: Any, chromium: Any, world: World
) -> None:
    cache.clear()
    base = live_server.url
    place = actions.create_place(
        world.community, actor=world.chair, kind="womens_home", name="北部湾社区妇女之家"
    )
    start = (clock.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    activity = actions.create_activity(
        actor=world.chair,
        place=place,
        title="家庭教育讲座",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=2,
        location="北部湾社区活动室",
    )
    for n in range(3):
        actions.sign_up(activity, name=f"居民{n}", phone=f"1390000000{n}")
    waiting = SignUp.objects.get(status="waiting")

    staff = Device(chromium, base, phone=False)
    staff.login("chair", f"/places/staff/activities/{activity.pk}/")
    page = staff.page
    assert page.input_value("#id_capacity") == "2"
    staff.shot("change-desktop")

    page.fill("#id_capacity", "1")  # two are signed up: refused
    staff.submit("#change-form button[type=submit]")
    assert "已有 2 人报名成功，名额不能少于 2" in page.inner_text("main")
    assert Activity.objects.get(pk=activity.pk).capacity == 2
    staff.shot("change-refused-desktop")

    new_start = timezone.localtime(start + dt.timedelta(days=1))
    page.fill("#id_starts_at", f"{new_start:%Y-%m-%dT%H:%M}")
    page.fill("#id_ends_at", f"{new_start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}")
    page.fill("#id_location", "北部湾社区党群服务中心二楼")
    page.fill("#id_capacity", "3")
    staff.submit("#change-form button[type=submit]")
    assert page.inner_text("#counts") == "0/3/3"
    changed = Activity.objects.get(pk=activity.pk)
    assert (changed.starts_at, changed.location, changed.taken) == (
        new_start,
        "北部湾社区党群服务中心二楼",
        3,
    )
    staff.shot("changed-desktop")

    resident = Device(chromium, base)
    resident.go(f"/places/signup/{waiting.code}/")
    assert resident.page.inner_text("#status") == "已报名"
    text = resident.page.inner_text("main")
    assert "北部湾社区党群服务中心二楼" in text
    assert f"{new_start:%H:%M}" in text
    resident.shot("moved-up-phone")
    for device in (staff, resident):
        device.close()
