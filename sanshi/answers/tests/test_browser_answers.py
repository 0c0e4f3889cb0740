"""Ready answers in a real browser: the handler puts an approved answer into her reply by
keyboard; a resident on her phone sees the public answer of the category she picks.

Headless Chromium from Debian, driven by Playwright, against pytest-django's live server.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sanshi.answers import actions
from sanshi.answers.actions import AnswerText
from sanshi.console.tests import helpers as h
from sanshi.testing import World

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PASSWORD = "pw-for-tests-only"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
BODY = "海城区法律援助中心：海城区北京路 1 号，电话 12348。"

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(autouse=True)
def _plain_static(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"answers-{name}.png"), full_page=True)


def test_a_handler_uses_a_ready_answer_and_a_resident_reads_the_public_one(
    live_server: Any, chromium: Any, world: World
) -> None:
    text = AnswerText("family", "legal_aid", "离婚纠纷可申请法律援助", BODY, public=True)
    proposed = actions.propose_answer(world.county, text, actor=world.county_staff)
    actions.approve_answer(proposed, actor=world.dispatcher)
    concern = h.in_progress(world, text="离婚时财产怎么分，我想咨询", subcategory="family.divorce")

    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/console/login/?next=/console/c/{concern.pk}/")
    page.fill("#id_username", "member")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.focus("#step-reply summary")
    page.keyboard.press("Enter")  # opens the reply step: its suggestions load
    page.wait_for_selector("#answer-list [data-use-answer]")
    page.focus("#answer-list [data-use-answer]")
    page.keyboard.press("Enter")
    assert page.input_value("#step-reply textarea[name=reply]") == BODY
    _shot(page, "reply-desktop")
    page.goto(f"{live_server.url}/console/answers/")
    # The list is of the answers her own federation keeps: the county's are used, not kept.
    assert page.locator("#answers tbody tr[data-answer]").count() == 0
    assert page.locator("nav.main a.on").inner_text() == "答复库"
    _shot(page, "list-desktop")
    context.close()

    resident = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True).new_page()
    resident.on(
        "console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None
    )
    resident.goto(live_server.url + "/report/")
    assert resident.locator("[data-answers-for=family]").is_hidden()
    resident.select_option("select[name=subcategory]", "family.divorce")
    assert resident.locator("[data-answers-for=family]").is_visible()
    resident.click("[data-answers-for=family] summary")
    assert resident.locator("[data-answers-for=family] details p").inner_text() == BODY
    resident.select_option("select[name=subcategory]", "work.training")
    assert resident.locator("[data-answers-for=family]").is_hidden()
    resident.select_option("select[name=subcategory]", "family.custody")
    _shot(resident, "report-phone")
    assert blocked == []
