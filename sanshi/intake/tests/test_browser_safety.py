"""Safety on a phone (issue 19): a neighbour reports a beaten child, a suicide text shows the
psychological line, quick exit leaves the site for good, the community list follows the
township."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from sanshi.concerns.models import Concern, LegalBasis, Urgency
from sanshi.orgs.models import Org
from sanshi.testing import World

# Playwright's sync API runs an event loop in this thread; Django's ORM calls are still sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
NEUTRAL = "https://www.baidu.com/"
BEATEN = "隔壁家的小孩才8岁，天天被他爸用皮带打"
SUICIDE = "我不想活了，药已经准备好了，跟大家说声再见"


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    """A phone's browser context; the neutral site answers from here (no network in tests)."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    context.route(
        NEUTRAL + "**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body="<title>百度一下</title><p>neutral</p>",
        ),
    )
    yield context
    context.close()
    connections.close_all()  # the greenlet's own connection (see test_browser_intake)


@pytest.fixture
def page(phone: Any) -> Iterator[Any]:
    page = phone.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    # Nothing on the pages may be refused by our own Content Security Policy.
    assert blocked == []


def left(page: Any) -> None:
    """Wait until the tab shows the neutral site. Chromium may try the redirect's target
    once before Playwright's route answers it (a failed first attempt): poll the URL."""
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect(page).to_have_url(NEUTRAL)
    page.wait_for_load_state()


def numbers(page: Any) -> list[str]:
    return [str(n) for n in page.locator(".emergency a[href^='tel:']").all_inner_texts()]


# The page comes last so that the browser closes before the database is flushed.
def test_a_neighbour_reports_a_beaten_child_on_a_phone(
    transactional_db: None, live_server: Any, world: World, page: Any
) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto(live_server.url + "/report/")
    page.get_by_label("发生了什么？").fill(BEATEN)
    page.get_by_label("知情人（邻居、老师、亲属等）").check()
    page.get_by_label("当事人未满14周岁").check()
    page.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    assert page.get_by_label("我是孩子的监护人，或已征得监护人同意").is_checked() is False
    page.screenshot(path=str(SCREENSHOTS / "safety-1-neighbour-form.png"), full_page=True)
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("#tracking-code")
    assert page.locator("h1").inner_text() == "已收到您的反映"
    assert numbers(page) == ["110", "12338"]
    page.screenshot(path=str(SCREENSHOTS / "safety-2-neighbour-receipt.png"), full_page=True)
    concern = Concern.objects.get()
    assert (concern.urgency, concern.protected, concern.triage["critical"]) == (
        Urgency.CRITICAL,
        True,
        True,
    )
    assert (concern.minor_under_14, concern.guardian_consent, concern.legal_basis) == (
        True,
        False,
        LegalBasis.STATUTORY_DUTY,
    )


def test_a_suicide_text_shows_12356_on_the_receipt(
    transactional_db: None, live_server: Any, world: World, page: Any
) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto(live_server.url + "/report/")
    page.get_by_label("发生了什么？").fill(SUICIDE)
    page.get_by_role("button", name="提交").click()  # no consent box: danger needs none
    page.wait_for_selector(".emergency")
    assert numbers(page) == ["12356", "12338"]
    assert page.locator(".emergency li").first.inner_text() == "12356 心理援助热线"
    box = page.locator(".emergency").bounding_box()
    assert box is not None and box["y"] < 40  # the first thing on the screen
    page.screenshot(path=str(SCREENSHOTS / "safety-3-suicide-receipt.png"), full_page=True)
    page.get_by_role("link", name="查看进展").click()
    page.wait_for_selector("#status")
    assert numbers(page) == ["12356", "12338"]


def test_quick_exit_leaves_and_back_does_not_return(
    transactional_db: None, live_server: Any, world: World, phone: Any, page: Any
) -> None:
    page.goto(live_server.url + "/report/")
    page.get_by_label("发生了什么？").fill("他又打我了")
    exit_button = page.get_by_role("link", name="快速离开")
    box = exit_button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844  # on screen without scrolling
    page.screenshot(path=str(SCREENSHOTS / "safety-4-quick-exit.png"))
    exit_button.click()
    left(page)
    assert page.title() == "百度一下"
    # The report page was replaced in the history, not left behind it: back reaches the
    # blank page the tab opened with.
    page.go_back()
    assert page.url == "about:blank"
    # The session and the language choice are gone with the site's cookies.
    assert [c for c in phone.cookies() if "localhost" in c["domain"]] == []


def test_escape_twice_leaves_and_an_earlier_page_keeps_nothing_written(
    transactional_db: None, live_server: Any, world: World, page: Any
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="我要反映").first.click()
    page.wait_for_url(live_server.url + "/report/")  # and its scripts loaded
    page.get_by_label("发生了什么？").fill("他又打我了")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    left(page)
    page.go_back()
    # Back reaches the page before the report (history cannot be rewritten further back),
    # never the report with its text.
    assert page.url == live_server.url + "/"
    assert "他又打我了" not in page.content()


def test_one_escape_alone_stays(
    transactional_db: None, live_server: Any, world: World, page: Any
) -> None:
    page.goto(live_server.url + "/report/")
    page.keyboard.press("Escape")
    page.wait_for_timeout(1200)
    page.keyboard.press("Escape")  # a second press more than a second later: still here
    page.wait_for_timeout(300)
    assert page.url == live_server.url + "/report/"


def test_the_community_list_follows_the_township(
    transactional_db: None,
    live_server: Any,
    world: World,
    two_townships: dict[str, Org],
    page: Any,
) -> None:
    page.goto(live_server.url + "/report/")
    community = page.get_by_label("村 / 社区")
    everyone = sorted(community.locator("option").all_inner_texts())
    assert everyone == sorted(
        ["请选择（不清楚可不选）", "北部湾社区妇联", "侨中社区妇联", "屋地社区妇联"]
    )
    page.get_by_label("乡镇 / 街道").select_option("450502001")
    assert community.locator("option").all_inner_texts() == [
        "请选择（不清楚可不选）",
        "屋地社区妇联",
    ]
    page.get_by_label("乡镇 / 街道").select_option("450502002")
    assert sorted(community.locator("option").all_inner_texts()) == sorted(
        ["请选择（不清楚可不选）", "北部湾社区妇联", "侨中社区妇联"]
    )
    community.select_option(label="北部湾社区妇联")
    page.get_by_label("乡镇 / 街道").select_option("")  # any township: all communities again
    assert community.locator("option").count() == 4
    assert community.input_value() == str(world.community.pk)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.get_by_label("乡镇 / 街道").select_option("450502002")
    page.screenshot(path=str(SCREENSHOTS / "safety-5-report-form.png"), full_page=True)


def test_without_javascript_the_form_and_the_quick_exit_still_work(
    transactional_db: None,
    live_server: Any,
    world: World,
    two_townships: dict[str, Org],
    chromium: Any,
) -> None:
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        is_mobile=True,
        java_script_enabled=False,
    )
    context.route(NEUTRAL + "**", lambda route: route.fulfill(status=200, body="neutral"))
    try:
        page = context.new_page()
        page.goto(live_server.url + "/report/")
        community = page.get_by_label("村 / 社区")
        assert community.locator("option").count() == 4  # every community, by township
        page.get_by_label("发生了什么？").fill("楼道里堆满杂物，有火灾隐患")
        page.get_by_label("乡镇 / 街道").select_option("450502002")
        community.select_option(label="北部湾社区妇联")
        page.get_by_label("我已阅读并同意上述个人信息处理说明").check()
        page.get_by_role("button", name="提交").click()
        page.wait_for_selector("#tracking-code")
        assert Concern.objects.get().community == world.community
        page.get_by_role("link", name="快速离开").click()
        left(page)
        assert [c for c in context.cookies() if "localhost" in c["domain"]] == []
    finally:
        context.close()
        connections.close_all()
