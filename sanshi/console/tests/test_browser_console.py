"""The console in a real browser: the whole loop by four people, the danger path, a volunteer.

Headless Chromium from Debian, driven by Playwright, against pytest-django's live server.
Screenshots at phone (375 px) and desktop width go to screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from sanshi.concerns import actions
from sanshi.concerns.models import Concern, Status
from sanshi.console.tests import helpers as h
from sanshi.testing import World, person_of

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PASSWORD = "pw-for-tests-only"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; Django's ORM is safe here because
# the browser, not this thread, is what runs concurrently.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(autouse=True)
def _receive_at_the_county(settings: Any, world: World) -> None:
    """The public form receives concerns with no recognisable address at the county."""
    settings.TRIAGE_DEFAULT_ORG_ID = world.county.pk


class Person:
    """One person at her own browser (her own cookies), on a phone or a desktop."""

    def __init__(self, browser: Any, base: str, name: str, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.page.on(
            "console",
            lambda m: self.blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        self.base = base
        self.name = name
        self.viewport = viewport

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def login(self, username: str) -> None:
        page = self.go("/console/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url == self.base + "/console/"

    def shot(self, label: str) -> None:
        SHOTS.mkdir(exist_ok=True)
        size = "phone" if self.viewport["width"] < 600 else "desktop"
        self.page.screenshot(path=str(SHOTS / f"{label}-{size}.png"), full_page=True)

    def submit(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)

    def step(self, name: str, fields: dict[str, str] | None = None) -> None:
        """Open a step on the concern page, fill its form and submit it."""
        page = self.page
        page.click(f"#step-{name} > summary")
        for field, value in (fields or {}).items():
            target = f"#step-{name} [name={field}]"
            if page.locator(target).first.evaluate("e => e.tagName") == "SELECT":
                page.select_option(target, value)
            elif page.locator(target).first.get_attribute("type") == "radio":
                page.check(f"#step-{name} [name={field}][value={value}]")
            else:
                page.fill(target, value)
        self.submit(f"#step-{name} button[type=submit]")
        assert page.locator(".msg.success").count() == 1, page.content()[:3000]

    def close(self) -> None:
        self.context.close()
        # Nothing on the pages may be refused by our own Content Security Policy.
        assert self.blocked == []


def _report(resident: Person, text: str) -> str:
    """Report on the public page; returns the tracking code shown to the resident."""
    page = resident.go("/report/")
    page.fill("textarea[name=text]", text)
    page.fill("input[name=name]", "李秀兰")
    page.fill("input[name=phone]", "13812345678")
    page.check("input[name=consent]")
    resident.submit('form[method=post][action="/report/"] button[type=submit]')
    code = page.inner_text("#tracking-code").strip()
    return re.sub(r"[^0-9A-Z]", "", code.upper())


def _rate(resident: Person, code: str, *, solved: bool, satisfaction: str) -> None:
    page = resident.go(f"/track/{code}/")
    page.check(f"input[name=solved][value={'yes' if solved else 'no'}]")
    page.check(f"input[name=satisfaction][value={satisfaction}]")
    page.fill("textarea[name=comment]", "孩子还是没人接" if not solved else "谢谢，已经解决")
    resident.submit("#rate button[type=submit]")


def test_the_whole_loop_by_four_people(live_server: Any, chromium: Any, world: World) -> None:
    base = live_server.url
    resident = Person(chromium, base, "resident", PHONE)
    dispatcher = Person(chromium, base, "dispatcher", DESKTOP)
    member = Person(chromium, base, "member", PHONE)

    code = _report(resident, "我家孩子放学后没人照看，想问问社区的儿童之家能不能托管。")
    concern = Concern.objects.get(tracking_code=code)
    assert (concern.status, concern.org_id) == (Status.RECEIVED, world.county.pk)

    dispatcher.login("dispatcher")
    page = dispatcher.go("/console/dispatch/")
    row = f"#row-{concern.pk}"
    assert page.locator(row).count() == 1
    dispatcher.shot("dispatch-board")
    page.click(f"{row} details > summary")
    page.select_option(f"{row} select[name=org]", str(world.community.pk))
    handler = str(person_of(world.member).pk)
    page.wait_for_selector(
        f'{row} select[name=handler] option[value="{handler}"]', state="attached"
    )
    page.select_option(f"{row} select[name=handler]", handler)
    dispatcher.submit(f"{row} details button[type=submit]")
    concern.refresh_from_db()
    assert (concern.status, concern.org_id) == (Status.DISPATCHED, world.community.pk)

    member.login("member")
    page = member.page
    assert page.locator(f'#section-unsigned li[data-concern="{concern.pk}"]').count() == 1
    member.shot("home")
    member.submit(f'#section-unsigned li[data-concern="{concern.pk}"] a.code')
    member.step("sign")
    member.step("contact", {"method": "visit", "outcome": "入户了解：孩子8岁，父母下班晚"})
    member.step("reply", {"reply": "已联系北部湾社区儿童之家，下周一起每天放学后托管到18点。"})
    member.shot("concern-replied")
    concern.refresh_from_db()
    assert concern.status == Status.REPLIED

    _rate(resident, code, solved=False, satisfaction="unsatisfied")
    concern.refresh_from_db()
    assert (concern.status, concern.reopen_count) == (Status.REOPENED, 1)

    page = member.go("/console/notifications/")
    assert page.locator('li[data-kind="reopened"]').count() == 1
    member.shot("notifications")
    member.submit('li[data-kind="reopened"] button[type=submit]')
    member.step("reply", {"reply": "已和儿童之家确认：老师到校门口接孩子，今天起开始。"})
    concern.refresh_from_db()
    assert concern.status == Status.REPLIED

    _rate(resident, code, solved=True, satisfaction="satisfied")
    concern.refresh_from_db()
    assert (concern.status, concern.solved, concern.satisfaction) == (
        Status.CLOSED,
        True,
        "satisfied",
    )

    page = member.go(f"/console/c/{concern.pk}/")
    kinds = page.eval_on_selector_all("#timeline li", "els => els.map(e => e.dataset.kind)")
    assert kinds == [
        "received",
        "dispatched",
        "assigned",
        "signed",
        "visit",
        "replied",
        "reopened",
        "replied",
        "followed_up",
    ]
    assert page.locator("#no-actions").count() == 1
    member.shot("concern-closed")
    for person in (resident, dispatcher, member):
        person.close()


def test_danger_reaches_the_top_of_the_protection_officers_home_at_once(
    live_server: Any, chromium: Any, world: World
) -> None:
    officer = Person(chromium, live_server.url, "protection", PHONE)
    officer.login("protection")
    h.received(world, text="想问问妇女之家周末有没有活动")
    resident = Person(chromium, live_server.url, "resident", PHONE)
    code = _report(resident, "他喝了酒拿着刀说要杀了我，我和孩子现在躲在卫生间里")
    concern = Concern.objects.get(tracking_code=code)
    assert concern.urgency == "critical"

    page = officer.go("/console/")
    first = page.locator("main li[data-concern]").first
    assert first.get_attribute("data-concern") == str(concern.pk)
    assert page.locator("#section-critical .count").inner_text() == "1"
    assert page.locator("#unread-count").inner_text() == "1"
    officer.shot("danger-home")
    officer.submit("#section-critical a.code")
    assert page.locator("#concern-text mark").count() >= 1  # the danger words are highlighted
    officer.shot("danger-concern")
    resident.close()
    officer.close()


def test_a_volunteer_sees_only_what_is_assigned_to_her(
    live_server: Any, chromium: Any, world: World
) -> None:
    hers = h.signed(world, text="独居的王阿姨需要有人陪她去医院复查")
    actions.assign_handler(hers, person_of(world.volunteer), actor=world.member)
    other = h.signed(world, text="邻里之间为停车位吵架")
    h.received(world, text="县里收到的另一件事")
    volunteer = Person(chromium, live_server.url, "volunteer", PHONE)
    volunteer.login("volunteer")
    page = volunteer.page
    shown = page.eval_on_selector_all(
        "main li[data-concern]", "els => els.map(e => e.dataset.concern)"
    )
    assert set(shown) == {str(hers.pk)}
    assert page.locator("nav.main a[href='/console/dispatch/']").count() == 0
    volunteer.shot("volunteer-home")
    page = volunteer.go("/console/search/?q=")
    assert page.eval_on_selector_all("#results tr[data-concern]", "els => els.length") == 1
    response = page.goto(f"{live_server.url}/console/c/{other.pk}/")
    assert response is not None and response.status == 404
    volunteer.close()
