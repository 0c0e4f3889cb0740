"""On phones: a resident finds a place, signs up for an activity and checks in by scanning the
code at the door; another is checked in by staff scanning the code on her phone.

Headless Chromium from Debian, driven by Playwright, against pytest-django's live server.
No QR decoder is installed, so the test reads the address a code stands for from the page and
checks that the code shown is exactly segno's code of that address, then opens the address as
the phone's camera would. Screenshots go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import segno
from django.core.cache import cache

from sanshi.core import clock
from sanshi.places import actions
from sanshi.places.models import Place, SignUp
from sanshi.testing import World

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PASSWORD = "pw-for-tests-only"
PHONE = {"width": 375, "height": 812}

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


class Device:
    def __init__(self, browser: Any, base: str, *, phone: bool = True) -> None:
        options: dict[str, Any] = {"locale": "zh-CN"}
        if phone:
            options |= {"viewport": PHONE, "is_mobile": True}
        self.context = browser.new_context(**options)
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.page.on(
            "console",
            lambda m: self.blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        self.base = base

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def submit(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)

    def login(self, username: str, then: str) -> None:
        page = self.go(f"/console/login/?next={then}")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        self.submit("button[type=submit]")
        assert page.url == self.base + then

    def shot(self, label: str) -> None:
        SHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"places-{label}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        assert self.blocked == []


def _path(page: Any, selector: str) -> str:
    """The modules of the QR code a page shows (its SVG path)."""
    return str(page.get_attribute(f"{selector} svg path", "d"))


def _segno_path(url: str, *, scale: int) -> str:
    """The same for segno's code of `url`: equal paths are equal codes."""
    svg = segno.make(url, error="m").svg_inline(scale=scale, border=2)
    found = re.search(r' d="([^"]+)"', svg)
    assert found is not None
    return found.group(1)


def test_sign_up_on_a_phone_and_check_in_by_qr(
    live_server: Any, chromium: Any, world: World
) -> None:
    cache.clear()
    base = live_server.url
    place = actions.create_place(
        world.community,
        actor=world.chair,
        kind="childrens_home",
        name="北部湾社区儿童之家",
        address="北海市海城区东街街道北部湾社区",
        phone="0779-2021234",
    )
    actions.set_opening_hours(
        place, [(d, dt.time(8), dt.time(20)) for d in range(7)], actor=world.chair
    )
    start = clock.now().replace(microsecond=0) + dt.timedelta(minutes=30)
    activity = actions.create_activity(
        actor=world.chair,
        place=place,
        title="亲子绘本共读",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=10,
        description="带上孩子喜欢的一本书",
    )

    resident = Device(chromium, base)
    page = resident.go(f"/places/?org={world.community.pk}")
    assert page.inner_text("#places h2") == "北部湾社区儿童之家"
    assert page.get_attribute("#places a.button", "href") == "tel:0779-2021234"
    resident.shot("directory-phone")
    resident.submit("#places h2 a")
    assert page.url == f"{base}/places/{Place.objects.get().pk}/"
    resident.shot("place-phone")
    resident.submit("#activities a")
    page.fill("#id_name", "王芳")
    page.fill("#id_phone", "13900001111")
    resident.shot("activity-phone")
    resident.submit("#signup-form button[type=submit]")
    signup = SignUp.objects.get()
    assert page.url == f"{base}/places/signup/{signup.code}/"
    assert page.inner_text("#status") == "已报名"
    resident.shot("signup-phone")

    # At the door: the code on the tablet stands for the door's check-in address.
    staff = Device(chromium, base, phone=False)
    staff.login("chair", f"/places/staff/activities/{activity.pk}/")
    staff.go(f"/places/staff/activities/{activity.pk}/door/")
    door_url = staff.page.inner_text("#door-url")
    assert door_url == f"{base}/places/door/{activity.door_token}/"
    assert _path(staff.page, "#door-qr") == _segno_path(door_url, scale=10)
    staff.shot("door-desktop")

    resident.page.goto(door_url)  # what her camera opens
    resident.shot("door-phone")
    resident.submit("#check-in")
    assert resident.page.url == f"{base}/places/signup/{signup.code}/"
    assert resident.page.inner_text("#status") == "已签到"
    signup.refresh_from_db()
    assert signup.checked_in_at is not None and signup.checked_in_by is None
    resident.shot("checked-in-phone")

    # The other way round: staff scan the code on a second resident's phone.
    second = Device(chromium, base)
    page2 = second.go(f"/places/activities/{activity.pk}/")
    page2.fill("#id_name", "李梅")
    page2.fill("#id_phone", "13900002222")
    second.submit("#signup-form button[type=submit]")
    other = SignUp.objects.get(pk__gt=signup.pk)
    scan_url = f"{base}/places/staff/scan/{other.code}/"
    assert _path(page2, "#qr") == _segno_path(scan_url, scale=6)
    staff.page.goto(scan_url)
    assert "李梅" in staff.page.inner_text("#scanned")
    staff.submit("#scan-check-in")
    assert staff.page.inner_text("#scan-status").startswith("已签到")
    assert SignUp.objects.get(pk=other.pk).checked_in_by_id == world.chair.pk
    staff.go(f"/places/staff/activities/{activity.pk}/")
    assert staff.page.inner_text("#counts") == "2/2/10"
    staff.shot("roster-desktop")
    staff.go(f"/places/staff/{place.pk}/")
    assert staff.page.inner_text("h1") == "北部湾社区儿童之家"
    staff.shot("place-desktop")
    staff.go("/places/staff/figures/")
    assert staff.page.inner_text("#by-place tbody tr td:nth-child(2)") == "1"
    staff.shot("figures-desktop")
    for device in (resident, staff, second):
        device.close()
