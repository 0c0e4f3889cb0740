"""Every other new page on a phone: it renders under the site's CSP, with a screenshot.

(The flows themselves are in test_browser_network.py and volunteers' browser test.)
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from sanshi.agencies import actions as agencies
from sanshi.network import actions, rosters
from sanshi.network.models import CareFlag, Office
from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Org, Role
from sanshi.testing import World, make_user, person_of

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PHONE = {"width": 375, "height": 812}
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _collect_csp(sink: list[str]) -> Any:
    return lambda m: sink.append(m.text) if "Content Security" in m.text else None


def test_the_other_new_pages_on_a_phone(live_server: Any, chromium: Any, world: World) -> None:
    household = actions.add_household(
        actor=world.member, address="北部湾社区 5栋 301", flags=[CareFlag.ELDER_ALONE]
    )
    term = rosters.open_term(
        world.community,
        actor=world.chair,
        number=2,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2028, 12, 31),
    )
    seat = rosters.seat_member(
        term,
        person_of(world.member),
        actor=world.chair,
        office=Office.COMMITTEE_MEMBER,
        joined_on=dt.date(2024, 2, 1),
        helps_with="儿童托管",
    )
    rosters.set_directory_consent(seat, actor=world.member, show={"show_name", "show_helps_with"})
    agency = create_org(
        name="北海益众社会工作服务中心",
        level=Org.Level.DOMAIN,
        kind=Org.Kind.SOCIAL_ORG,
        parent=world.county,
    )
    worker = make_user("yizhong", role=Role.SOCIAL_WORKER, org=agency)
    today = dt.date.today()
    project = agencies.create_project(
        agency,
        actor=worker,
        serves=world.community,
        name="妇女儿童关爱项目",
        funder="海城区民政局",
        starts_on=today - dt.timedelta(days=100),
        ends_on=today + dt.timedelta(days=200),
        promises={"activities": 10, "participants": 200},
    )
    agencies.record_activity(
        project, actor=worker, title="亲子阅读会", held_on=today, participants=24, hours="2"
    )
    pages = {
        "member": [
            ("household-edit", f"/network/households/{household.pk}/edit/", "#household-form"),
            ("consent", "/network/directory/consent/", "#consent-form"),
        ],
        "chair": [
            ("roster", "/network/roster/", "#current"),
            ("volunteers-staff-home", "/volunteers/staff/", "#totals"),
            ("agencies-project", f"/agencies/projects/{project.pk}/", "#report"),
            ("agencies-projects", "/agencies/", "#projects"),
        ],
        "": [
            ("directory", f"/network/directory/{world.community.pk}/", "#directory"),
            ("volunteers-lookup", "/volunteers/me/", "#lookup-form"),
            ("volunteers-verify-lookup", "/volunteers/verify/", "#verify-form"),
        ],
    }
    SHOTS.mkdir(exist_ok=True)
    for username, visits in pages.items():
        context = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
        page = context.new_page()
        blocked: list[str] = []
        page.on("console", _collect_csp(blocked))
        if username:
            page.goto(live_server.url + "/console/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", "pw-for-tests-only")
            with page.expect_navigation():
                page.click("button[type=submit]")
        for label, path, selector in visits:
            response = page.goto(live_server.url + path)
            assert response is not None
            assert (label, response.status) == (label, 200)
            assert page.locator(selector).count() == 1, label
            if label == "directory":  # what she agreed to show, and only that
                assert page.inner_text("#directory").split() == [
                    "member",
                    "执委",
                    "可以帮：儿童托管",
                ]
            page.screenshot(path=str(SHOTS / f"{label}-phone.png"), full_page=True)
        context.close()
        assert blocked == []
