"""A resident on a phone attaches a photo with its GPS; the stored file has no EXIF."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sanshi.attachments.models import Attachment
from sanshi.attachments.sealing import MAGIC, open_bytes
from sanshi.attachments.tests.helpers import GPS_IFD, photo_with_gps
from sanshi.concerns.models import Concern
from sanshi.messaging.models import ContactPreference
from sanshi.testing import World

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert blocked == []


def test_a_resident_attaches_a_photo_on_a_phone_and_it_is_kept_without_exif(
    transactional_db: None, live_server: Any, world: World, page: Any, stored: Path, tmp_path: Path
) -> None:
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(photo_with_gps())
    assert Image.open(photo).getexif().get_ifd(GPS_IFD)[1] == "N"  # the phone wrote where
    SHOTS.mkdir(exist_ok=True)
    page.goto(live_server.url + "/report/")
    page.get_by_label("发生了什么？").fill("楼道里的灯坏了，晚上很黑，已经摔倒过老人")
    page.get_by_label("照片或文件（可不传）").set_input_files(str(photo))
    page.get_by_label("联系电话（可不填）").fill("13800000001")
    page.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    page.screenshot(path=str(SHOTS / "report-with-photo.png"), full_page=True)
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("#tracking-code")
    concern = Concern.objects.get()
    attachment = Attachment.objects.get(concern=concern)
    sealed = (stored / attachment.file).read_bytes()
    assert sealed.startswith(MAGIC)
    kept = Image.open(io.BytesIO(open_bytes(sealed, attachment.aad("file"))))
    assert (kept.format, kept.size) == ("JPEG", (48, 64))
    assert dict(kept.getexif()) == {}
    assert kept.getexif().get_ifd(GPS_IFD) == {}
    assert "exif" not in kept.info and "comment" not in kept.info
    # On her tracking page she can stop text messages at any time.
    page.goto(live_server.url + f"/track/{concern.tracking_code}/")
    page.get_by_role("button", name="停止短信通知").click()
    page.wait_for_selector("#sms-stopped")
    page.screenshot(path=str(SHOTS / "track-sms-stopped.png"), full_page=True)
    assert ContactPreference.objects.get(concern=concern).stopped_at is not None


def test_a_protection_officer_sees_the_photo_and_the_safe_contact_card(
    transactional_db: None, live_server: Any, world: World, chromium: Any, stored: Path
) -> None:
    from sanshi.attachments.actions import attach_files
    from sanshi.attachments.models import Source
    from sanshi.attachments.sanitise import clean_upload
    from sanshi.concerns.models import Urgency

    concern = world.concern(
        text="他喝醉了就打我，我想先问问怎么办",
        reporter_phone="13800000001",
        urgency=Urgency.CRITICAL,
    )
    attach_files(
        concern,
        [clean_upload(photo_with_gps((640, 480)), "伤.jpg")],
        actor=None,
        source=Source.RESIDENT,
    )
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + f"/console/login/?next=/console/c/{concern.pk}/")
    page.fill("#id_username", "protection")
    page.fill("#id_password", "pw-for-tests-only")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.locator("#safe-contact summary").click()
    page.fill("#sms_window_start", "09:00")
    page.fill("#sms_window_end", "10:30")
    with page.expect_navigation():
        page.locator("#safe-contact button[type=submit]").click()
    # The photo loads after the page does (and lazily, once in view): wait until it has.
    page.locator("#attachments img").scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('#attachments img').complete")
    width = page.locator("#attachments img").evaluate("img => img.naturalWidth")
    state = page.locator("#sms-state").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.locator("#attachments").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "console-attachments.png"), full_page=True)
    context.close()
    assert width == 240  # the upright thumbnail (320 high), opened and served
    assert state == "可以发短信到我留的号码 · 安全时间 09:00–10:30"
