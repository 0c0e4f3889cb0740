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
from sanshi.testing import World

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SHOTS = Path("/tmp/w26f")


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
