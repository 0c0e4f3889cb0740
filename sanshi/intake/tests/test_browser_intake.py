"""A resident on a phone: report, see the code, track, and rate after the staff reply."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from sanshi.concerns import actions
from sanshi.concerns.models import Concern, Status
from sanshi.concerns.tracking import normalise_tracking_code
from sanshi.testing import World

# Playwright's sync API runs an event loop in this thread; Django's ORM calls are still sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A phone's page in its own context, closed before the database is flushed."""
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
    # Nothing on the pages may be refused by our own Content Security Policy.
    assert blocked == []


def _report(page: Any, base: str, text: str) -> str:
    """Fill in the form from the home page; return the tracking code shown."""
    page.goto(base + "/")
    page.get_by_role("link", name="我要反映").first.click()
    page.get_by_label("发生了什么？").fill(text)
    page.get_by_label("联系电话（可不填）").fill("13800000001")
    page.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    page.screenshot(path=str(SCREENSHOTS / "intake-0-form.png"), full_page=True)
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("#tracking-code")
    assert page.locator("h1").inner_text() == "已收到您的反映"
    shown = page.locator("#tracking-code").inner_text()
    code = normalise_tracking_code(shown)
    assert code is not None
    return code


def _staff_reply(world: World, code: str) -> None:
    concern = Concern.objects.get(tracking_code=code)
    if concern.status in (Status.RECEIVED, Status.RETURNED):
        actions.dispatch_concern(concern, world.community, actor=None)
    assert (concern.status, concern.org) == (Status.DISPATCHED, world.community)
    actions.sign_concern(concern, actor=world.member)
    actions.reply_concern(concern, actor=world.member, reply="已联系儿童之家，下周一可以入托")


def _rate(page: Any, solved: str, satisfaction: str) -> str:
    page.reload()
    page.get_by_text(solved, exact=True).click()
    page.get_by_text(satisfaction, exact=True).click()
    page.get_by_label("还想说的话（可不填）").fill("谢谢")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("#status")
    return str(page.locator("#status").inner_text())


# The page comes last so that the browser closes before the database is flushed.
def test_report_track_and_rate_on_a_phone(
    transactional_db: None, live_server: Any, world: World, page: Any
) -> None:
    # The ORM calls below run in Playwright's greenlet context, which gets a database
    # connection of its own; unclosed, PostgreSQL cannot drop the test database afterwards.
    try:
        _report_track_and_rate(page, live_server.url, world)
    finally:
        connections.close_all()


def _report_track_and_rate(page: Any, base: str, world: World) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)

    code = _report(page, base, "孩子放学后没人照看，想问问社区儿童之家能不能接收")
    page.screenshot(path=str(SCREENSHOTS / "intake-1-confirmation.png"), full_page=True)
    assert page.locator(".emergency").count() == 0
    page.get_by_role("link", name="查看进展").click()
    assert page.url == f"{base}/track/{code}/"
    assert page.locator("#status").inner_text() in ("已受理", "已派单")

    _staff_reply(world, code)
    page.reload()
    assert page.locator("#status").inner_text() == "已答复，请您评价"
    page.screenshot(path=str(SCREENSHOTS / "intake-2-rate.png"), full_page=True)
    assert _rate(page, "已解决", "满意") == "已办结"
    page.screenshot(path=str(SCREENSHOTS / "intake-3-closed.png"), full_page=True)
    closed = Concern.objects.get(tracking_code=code)
    assert (closed.status, closed.solved, closed.satisfaction) == (Status.CLOSED, True, "satisfied")

    second = _report(page, base, "楼下邻居天天半夜装修，找物业也没用")
    _staff_reply(world, second)
    page.goto(f"{base}/track/{second}/")
    assert _rate(page, "未解决", "不满意") == "重办"
    assert page.get_by_text("您评价为未解决，已重新办理（重办）。").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "intake-4-reopened.png"), full_page=True)
    reopened = Concern.objects.get(tracking_code=second)
    assert (reopened.status, reopened.solved, reopened.reopen_count) == (Status.REOPENED, False, 1)


def test_danger_puts_the_emergency_numbers_first(
    transactional_db: None, live_server: Any, world: World, page: Any
) -> None:
    page.goto(live_server.url + "/report/")
    page.get_by_label("发生了什么？").fill("他现在正拿着刀打我，说要杀了我，我躲在厕所里")
    page.get_by_role("button", name="提交").click()  # no consent box: danger needs none
    page.wait_for_selector(".emergency")
    first = page.locator("body > *").first
    assert "110" in first.inner_text() and "12338" in first.inner_text()
    box = page.locator(".emergency").bounding_box()
    assert box is not None and box["y"] < 40
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "intake-5-danger.png"), full_page=True)
