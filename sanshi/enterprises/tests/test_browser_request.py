"""On a phone: a woman entrepreneur sends her enterprise's request; it becomes a concern at
her enterprise's federation and she gets a tracking code. A bad first try (no consent) shows
what to fix and writes nothing.

Headless Chromium from Debian, driven by Playwright, against pytest-django's live server.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.cache import cache

from sanshi.concerns.models import Concern
from sanshi.concerns.tracking import format_tracking_code
from sanshi.enterprises.models import EnterpriseRequest
from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Org
from sanshi.testing import World

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PHONE = {"width": 375, "height": 812}

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _shot(page: Any, label: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"enterprises-{label}-phone.png"), full_page=True)


def test_an_entrepreneur_sends_a_request_from_her_phone(
    live_server: Any, chromium: Any, world: World
) -> None:
    cache.clear()
    pearl = create_org(
        name="黑珍珠海洋生物科技有限公司妇联",
        level=Org.Level.DOMAIN,
        parent=world.city,
        kind=Org.Kind.ENTERPRISE,
    )
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(live_server.url + "/enterprises/request/")
    page.check("input[name=kind][value=resumption]")
    page.fill("#id_enterprise", "黑珍珠海洋生物科技有限公司")
    page.select_option("#id_federation", str(pearl.pk))
    page.fill("#id_contact_name", "陈海燕")
    page.fill("#id_phone", "139 7700 1234")
    page.fill("#id_text", "复工后缺少冷链运输车辆，想请妇联帮忙对接物流企业")
    with page.expect_navigation():
        page.click("#request-form button[type=submit]")
    assert "请勾选同意后再提交。" in page.inner_text("#errors")
    assert Concern.objects.count() == 0
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "request-refused")
    page.check("#id_consent")
    _shot(page, "request")
    with page.expect_navigation():
        page.click("#request-form button[type=submit]")
    concern = Concern.objects.get()
    assert (concern.org_id, concern.subcategory) == (pearl.pk, "work.enterprise")
    assert concern.reporter_phone == "13977001234"
    assert EnterpriseRequest.objects.get().kind == "resumption"
    assert format_tracking_code(concern.tracking_code) in page.inner_text("main")
    _shot(page, "request-done")
    context.close()
    assert blocked == []
