"""Issue 26, done means: a dispatcher takes a call from a number with an earlier danger
concern, sees it flagged, and records the new concern by keyboard only.

Headless Chromium from Debian, driven by Playwright, against pytest-django's live server.
Screenshots go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sanshi.concerns.models import Channel, Concern, Urgency
from sanshi.core.crypto import phone_index
from sanshi.testing import World

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PASSWORD = "pw-for-tests-only"
DESKTOP = {"width": 1280, "height": 900}
EARLIER = "他又打我了，拿刀威胁我，我带着孩子躲在楼道里"
NOW = "他又喝了酒在家里砸东西，我很害怕，他说要打死我"

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"call-{name}-desktop.png"), full_page=True)


def test_a_dispatcher_takes_a_call_from_a_caller_with_earlier_danger_by_keyboard_only(
    live_server: Any, chromium: Any, world: World
) -> None:
    earlier = world.concern(
        text=EARLIER,
        reporter_phone="13800001111",
        urgency=Urgency.CRITICAL,
        subcategory="safety.dv_now",
    )
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(live_server.url + "/console/login/?next=/console/call/")
    page.fill("#id_username", "dispatcher")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url + "/console/call/"

    # The phone field has the focus: the number, then the history flagged danger.
    assert page.evaluate("document.activeElement.id") == "id_phone"
    page.keyboard.type("138 0000 1111")
    page.wait_for_selector("#history-danger")
    rows = page.locator("#history-list li")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-concern") == str(earlier.pk)
    assert rows.first.get_attribute("class") == "was-danger"

    # Tab to the channel (phone is checked), on to the text; triage shows the danger script.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == Channel.PHONE
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_text"
    page.keyboard.type(NOW)
    page.wait_for_selector("#triage-danger")
    assert page.locator("#emergency-lines li").first.inner_text() == "110 报警"
    assert page.locator("#safety-questions li").count() == 6
    page.keyboard.press("Tab")
    page.keyboard.type("北部湾社区 3栋")
    page.keyboard.press("Tab")
    page.keyboard.type("王女士")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # consent
    assert page.is_checked("#id_consent")
    _shot(page, "danger-caller")

    # The call drops before saving: the page comes back with the draft.
    page.reload()
    assert page.input_value("#id_text") == NOW
    assert page.input_value("#id_phone") == "138 0000 1111"
    page.wait_for_selector("#history-danger")
    assert page.is_checked("#id_consent")
    page.focus("#id_text")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")

    new = Concern.objects.exclude(pk=earlier.pk).get()
    assert new.channel == Channel.PHONE
    assert new.text == NOW
    assert new.reporter_phone_index == phone_index("13800001111")
    assert new.urgency == Urgency.CRITICAL
    assert page.url == f"{live_server.url}/console/call/?done={new.pk}"
    assert page.locator("#call-done a").get_attribute("href") == f"/console/c/{new.pk}/"
    # The draft is gone: the screen is empty for the next call.
    assert page.input_value("#id_text") == ""
    _shot(page, "saved")
    assert blocked == []
    context.close()
