"""Small factory functions and personas for tests (also handy in a shell)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connections

from sanshi.concerns.actions import receive_concern
from sanshi.concerns.models import Channel, Concern
from sanshi.orgs.actions import add_membership, create_org, create_person
from sanshi.orgs.models import Org, Person, Role

TERM_START = dt.date(2020, 1, 1)
PASSWORD = "pw-for-tests-only"
# Browser tests: the screen sizes, and where their screenshots go (looked at by people).
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def run_at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together, each on its own database connections
    (closed after): what each returned, or the exception it raised, in call order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[i] = call()
        except BaseException as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def make_user(username: str, *, role: str | None = None, org: Org | None = None) -> User:
    """A login with a person behind it, optionally holding one role in one org."""
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    person = create_person(name=username, user=user)
    if role is not None and org is not None:
        add_membership(person, org, role=role, term_start=TERM_START)
    return user


def person_of(user: User) -> Person:
    return Person.objects.get(user_id=user.pk)


@dataclass
class World:
    """A small federation tree with one persona per role."""

    province: Org
    city: Org
    county: Org
    township: Org
    community: Org
    other_community: Org
    dispatcher: Any
    county_staff: Any
    chair: Any
    member: Any
    outside_member: Any
    social_worker: Any
    volunteer: Any
    protection: Any
    leader: Any
    city_staff: Any

    def concern(self, **kwargs: Any) -> Concern:
        """A concern received at the county, waiting for dispatch."""
        values: dict[str, Any] = {
            "text": "孩子放学后没人照看，想问问儿童之家",
            "channel": Channel.WEB,
            "org": self.county,
            "subcategory": "children.childcare",
        }
        values.update(kwargs)
        return receive_concern(**values)


def build_world() -> World:
    province = create_org(name="广西壮族自治区妇联", level=Org.Level.PROVINCE, parent=None)
    city = create_org(name="北海市妇联", level=Org.Level.CITY, parent=province)
    county = create_org(name="海城区妇联", level=Org.Level.COUNTY, parent=city)
    township = create_org(name="东街街道妇联", level=Org.Level.TOWNSHIP, parent=county)
    community = create_org(
        name="北部湾社区妇联", level=Org.Level.COMMUNITY, kind=Org.Kind.RESIDENTS, parent=township
    )
    other = create_org(
        name="侨中社区妇联", level=Org.Level.COMMUNITY, kind=Org.Kind.RESIDENTS, parent=township
    )
    return World(
        province=province,
        city=city,
        county=county,
        township=township,
        community=community,
        other_community=other,
        dispatcher=make_user("dispatcher", role=Role.DISPATCHER, org=county),
        county_staff=make_user("county_staff", role=Role.STAFF, org=county),
        chair=make_user("chair", role=Role.CHAIR, org=community),
        member=make_user("member", role=Role.COMMITTEE_MEMBER, org=community),
        outside_member=make_user("outside_member", role=Role.COMMITTEE_MEMBER, org=other),
        social_worker=make_user("social_worker", role=Role.SOCIAL_WORKER, org=community),
        volunteer=make_user("volunteer", role=Role.VOLUNTEER, org=community),
        protection=make_user("protection", role=Role.PROTECTION_OFFICER, org=county),
        leader=make_user("leader", role=Role.LEADER, org=city),
        city_staff=make_user("city_staff", role=Role.STAFF, org=city),
    )


def intake_concern(*, actor: Any = None, **given: Any) -> tuple[Concern, Any]:
    """Take a concern in through intake's one action (sanshi.intake.take_in), as a way in
    would: its concern and triage's result."""
    from sanshi.intake.take_in import ConcernIntake, take_in_concern

    taken = take_in_concern(ConcernIntake(**given), actor=actor)
    return taken.concern, taken.triage


class Phone:
    """One person on her own phone (her own cookies) in a browser test, driving Playwright's
    `browser`. `shots` names the screenshots (`{shots}-{label}-phone.png`); closing fails the
    test when a page broke the Content Security Policy."""

    def __init__(self, browser: Any, base: str, *, shots: str, **context: Any) -> None:
        self.context = browser.new_context(
            viewport=PHONE, locale="zh-CN", is_mobile=True, **context
        )
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.page.on(
            "console",
            lambda m: self.blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        self.base = base
        self.shots = shots

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def login(self, username: str, next_path: str) -> Any:
        page = self.go(f"/console/login/?next={next_path}")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url == self.base + next_path
        return page

    def submit(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)

    def shot(self, label: str) -> None:
        SHOTS.mkdir(exist_ok=True)
        path = SHOTS / f"{self.shots}-{label}-phone.png"
        self.page.screenshot(path=str(path), full_page=True)

    def close(self) -> None:
        self.context.close()
        assert self.blocked == []
