"""On phones: a resident registers as a volunteer, the federation approves her, records and
confirms her hours and issues a certificate; she downloads it; a stranger verifies it.

Headless Chromium from Debian, driven by Playwright, against pytest-django's live server.
Screenshots at phone width go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from django.core.cache import cache

from sanshi.testing import Phone, World
from sanshi.volunteers.models import Certificate, ServiceRecord, Volunteer
from sanshi.volunteers.tests.conftest import id_number

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def test_register_approve_hours_certificate_and_verify(
    live_server: Any, chromium: Any, world: World, tmp_path: Path
) -> None:
    cache.clear()
    base = live_server.url
    resident = Phone(chromium, base, shots="volunteers", accept_downloads=True)
    page = resident.go("/volunteers/join/")
    page.fill("#id_name", "黄丽萍")
    page.fill("#id_phone", "13900002222")
    page.fill("#id_id_number", id_number(7))
    page.select_option("#id_community", str(world.community.pk))
    page.check("input[name=skills][value=tutoring]")
    page.select_option("#id_availability", "weekend")
    page.check("#id_consent")
    resident.shot("join")
    resident.submit("#join-form button[type=submit]")
    assert page.url == base + "/volunteers/join/done/"
    resident.shot("joined")
    volunteer = Volunteer.objects.get()

    chair = Phone(chromium, base, shots="volunteers", accept_downloads=True)
    chair.login("chair", "/volunteers/staff/")
    assert "黄丽萍" in chair.page.inner_text("#pending")
    chair.shot("staff-home-pending")
    chair.go(f"/volunteers/staff/{volunteer.pk}/")
    chair.page.check("#review input[value=approve]")
    chair.submit("#review button[type=submit]")
    assert chair.page.inner_text("#status") == "已通过"

    member = Phone(chromium, base, shots="volunteers", accept_downloads=True)
    member.login("member", "/volunteers/staff/")
    member.go(f"/volunteers/staff/{volunteer.pk}/")
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    member.page.fill("#service [name=activity]", "儿童之家课业辅导")
    member.page.fill("#service [name=served_on]", day)
    member.page.fill("#service [name=hours]", "2.5")
    member.submit("#service button[type=submit]")
    assert ServiceRecord.objects.get().status == "entered"
    member.shot("staff-volunteer-entered")

    chair.go(f"/volunteers/staff/{volunteer.pk}/")
    chair.submit("#records button.confirm")
    assert chair.page.inner_text("#hours").startswith("2.5 小时")
    chair.submit("#issue")
    certificate = Certificate.objects.get()
    assert certificate.number in chair.page.inner_text("#certificates")
    chair.shot("staff-volunteer-certified")

    resident.go("/volunteers/me/")
    resident.page.fill("#id_phone", "13900002222")
    resident.page.fill("#id_id_number", id_number(7))
    resident.submit("#lookup-form button[type=submit]")
    assert resident.page.inner_text("#hours") == "累计 2.5 小时"
    resident.shot("me")
    with resident.page.expect_download() as download:
        resident.page.click(f"#certificates >> text={certificate.number}")
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    pdf = saved.read_bytes()
    assert pdf.startswith(b"%PDF-")
    url = re.search(rb"/Keywords \((http[^)]+)\)", pdf)
    assert url is not None
    verify_url = url.group(1).decode()
    assert verify_url == f"{base}/volunteers/verify/{certificate.token}/"

    stranger = Phone(chromium, base, shots="volunteers", accept_downloads=True)
    stranger.page.goto(verify_url)  # what scanning the QR code opens
    assert stranger.page.inner_text("#verdict-text") == "✔ 真实有效，与服务记录相符"
    assert "2.5 小时" in stranger.page.inner_text("#verify-hours")
    stranger.shot("verify")
    stranger.go("/volunteers/verify/")
    stranger.page.fill("#id_number", certificate.number)
    stranger.submit("#verify-form button[type=submit]")
    assert stranger.page.url == verify_url
    for person in (resident, chair, member, stranger):
        person.close()
