"""Words, not codes, in both languages, and no WCAG 2.1 A/AA violation axe-core can find.

Per role (resident, dispatcher, 执委, leader) and per language, a real Chromium opens the role's
home, a concern and a form, saves a screenshot (screenshots/words-*.png) and reads the text a
person sees: no ISO timestamp, no internal code (status, event kind, step, category), and in
English no Chinese beyond proper names (people, federations, places, residents' own words).
axe-core, fetched by `sanshi fetch-assets` and injected by the test only, checks the public home,
the report form, the tracking page, the console home and the concern page in both languages.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from sanshi.analytics import assets
from sanshi.concerns import actions
from sanshi.concerns.models import (
    Channel,
    Concern,
    ConcernEvent,
    EventKind,
    LegalStep,
    Status,
    Urgency,
)
from sanshi.concerns.taxonomy import taxonomy
from sanshi.console.tests import helpers as h
from sanshi.orgs.models import Org, Person, Role
from sanshi.testing import World, person_of
from sanshi.triage.kinds import DangerKind

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PASSWORD = "pw-for-tests-only"
DESKTOP = {"width": 1280, "height": 900}
LANGUAGES = ("zh-hans", "en")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in this thread

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|\b\d{2}-\d{2} \d{2}:\d{2}|T\d{2}:\d{2}")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
WORD = re.compile(r"[a-z][a-z0-9_.]*[a-z0-9]")


def internal_codes() -> set[str]:
    """Every code a page might leak in place of its words."""
    codes: set[str] = set()
    for choices in (Status, EventKind, LegalStep.Step, Urgency, Channel, Role, DangerKind):
        codes |= {str(v) for v in choices.values}
    tax = taxonomy()
    codes |= {c.code for c in tax.categories} | set(tax.subcategories)
    codes |= {"sign", "contact", "resolve", "check", "jiuxin", "fanxin", "caoxin"}
    return codes


def leaked_codes(text: str, language: str) -> list[str]:
    """Codes in the visible text. In English an everyday word ('contact') may be the label
    itself, so there only codes no sentence holds (police_warning, safety.dv_now) count."""
    codes = internal_codes()
    if language == "en":
        codes = {c for c in codes if "_" in c or "." in c}
    return sorted({w for w in WORD.findall(text) if w in codes})


def proper_names() -> list[str]:
    """What stays Chinese in English: names of people and federations, residents' words."""
    names = set(Org.objects.values_list("name", flat=True))
    names |= set(Person.objects.values_list("name", flat=True))
    for c in Concern.objects.all():
        names |= {c.text, c.reply, c.address, c.reporter_name}
    names |= {e.note for e in ConcernEvent.objects.all()}
    for step in LegalStep.objects.all():
        names |= {str(v) for v in step.details.values()} | {step.outcome}
    # Long first, so that a name inside a text does not cut the text into pieces.
    return sorted((n for n in names if n), key=len, reverse=True)


def without_names(text: str) -> str:
    """The text with proper names taken out (the test's people are named like roles)."""
    for name in proper_names():
        text = text.replace(name, "")
    return text.replace("中文", "")  # the language switch names Chinese in Chinese


def untranslated(text: str) -> list[str]:
    return [line.strip() for line in without_names(text).splitlines() if HAN.search(line)]


class Reader:
    """One person at her own browser, in one language."""

    def __init__(self, browser: Any, base: str, language: str) -> None:
        # The tests inject axe-core as a script; the site's CSP rightly refuses inline scripts.
        self.context = browser.new_context(
            viewport=DESKTOP,
            locale="zh-CN" if language == "zh-hans" else "en-GB",
            bypass_csp=True,
        )
        self.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        self.page = self.context.new_page()
        self.base = base
        self.language = language

    def go(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path
        return self.page

    def login(self, username: str) -> None:
        page = self.go("/console/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url == self.base + "/console/"

    def read(self, label: str) -> str:
        """Screenshot the page and check its visible words; returns the text."""
        SHOTS.mkdir(exist_ok=True)
        lang = "en" if self.language == "en" else "zh"
        self.page.screenshot(path=str(SHOTS / f"words-{label}-{lang}.png"), full_page=True)
        text = (
            self.page.inner_text("body")
            + "\n"
            + self.page.evaluate(
                """[...document.querySelectorAll('optgroup, option')]
                 .map(o => o.label || o.textContent).join('\\n')"""
            )
        )
        assert ISO_TIME.findall(text) == [], label
        assert leaked_codes(without_names(text), self.language) == [], label
        if self.language == "en":
            assert untranslated(text) == [], label
        return text

    def axe(self, label: str) -> None:
        """axe-core's WCAG 2.1 A and AA rules over the page with every section opened."""
        self.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        self.page.add_script_tag(path=str(assets.AXE_TARGET))
        violations = self.page.evaluate(
            """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
                 .violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""",
            AXE_TAGS,
        )
        assert violations == [], f"{label} ({self.language})"

    def close(self) -> None:
        self.context.close()


@pytest.fixture(autouse=True)
def _axe_is_installed() -> None:
    if not assets.AXE_TARGET.exists():
        pytest.fail("axe-core is not installed: run `sanshi fetch-assets` (make assets)")


@pytest.fixture
def cases(world: World, settings: Any) -> dict[str, Concern]:
    """A concern at each stage a role acts on, through the real actions."""
    settings.TRIAGE_DEFAULT_ORG_ID = world.county.pk
    waiting = h.received(world)
    legal = h.with_legal_step(world)
    actions.log_contact(legal, actor=world.member, method="visit", outcome="已入户，约定安全时段")
    replied = h.replied(world)
    return {"waiting": waiting, "legal": legal, "replied": replied}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_resident_reads_words_and_meets_no_barrier(
    live_server: Any, chromium: Any, cases: dict[str, Concern], language: str
) -> None:
    reader = Reader(chromium, live_server.url, language)
    try:
        reader.go("/")
        home = reader.read("resident-home")
        assert ("Track" if language == "en" else "查询") in home
        reader.axe("public home")
        reader.go("/report/")
        form = reader.read("resident-form")
        assert ("Personal safety" if language == "en" else "人身安全") in form
        reader.axe("report form")
        reader.go(f"/track/{cases['replied'].tracking_code}/")
        reader.read("resident-concern")
        reader.axe("tracking page")
    finally:
        reader.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dispatcher_reads_words_and_meets_no_barrier(
    live_server: Any, chromium: Any, world: World, cases: dict[str, Concern], language: str
) -> None:
    reader = Reader(chromium, live_server.url, language)
    try:
        reader.login("dispatcher")
        reader.read("dispatcher-home")
        reader.axe("console home")
        page = reader.go(f"/console/c/{cases['waiting'].pk}/")
        reader.read("dispatcher-concern")
        reader.axe("concern page")
        page.click("#step-dispatch > summary")
        page.keyboard.press("Tab")  # into the form by keyboard
        reader.read("dispatcher-form")
    finally:
        reader.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committee_member_reads_the_law_on_each_legal_step(
    live_server: Any, chromium: Any, world: World, cases: dict[str, Concern], language: str
) -> None:
    reader = Reader(chromium, live_server.url, language)
    try:
        reader.login("member")
        reader.read("member-home")
        reader.axe("console home")
        page = reader.go(f"/console/c/{cases['legal'].pk}/")
        text = reader.read("member-concern")
        reader.axe("concern page")
        page.click("#legal-protection_order > summary")
        form = reader.read("member-form")
        if language == "en":
            assert "Anti-Domestic Violence Law Art. 23 and 28" in form
            assert "Police: 海城派出所; Issued on: 20 Nov" in text
        else:
            assert "反家庭暴力法第二十三条、第二十八条" in form
            assert "公安机关：海城派出所；出具日期：11月20日" in text
    finally:
        reader.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_leader_reads_words_and_meets_no_barrier(
    live_server: Any, chromium: Any, world: World, cases: dict[str, Concern], language: str
) -> None:
    reader = Reader(chromium, live_server.url, language)
    try:
        reader.login("leader")
        reader.read("leader-home")
        reader.axe("console home")
        reader.go(f"/console/c/{cases['replied'].pk}/")
        reader.read("leader-concern")
        reader.axe("concern page")
        reader.go("/console/search/")
        reader.read("leader-form")
    finally:
        reader.close()


def test_every_form_on_the_concern_page_is_reached_and_sent_by_keyboard(
    live_server: Any, chromium: Any, world: World, cases: dict[str, Concern]
) -> None:
    """Tab to the contact step, open it with Enter, fill it and send it without a mouse."""
    reader = Reader(chromium, live_server.url, "zh-hans")
    try:
        reader.login("member")
        concern = h.signed(world)
        page = reader.go(f"/console/c/{concern.pk}/")
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('#step-contact > summary') !== null"):
                break
        else:
            pytest.fail("the contact step cannot be reached with Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none")  # focus is visible
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowDown")  # the method: a <select>
        page.keyboard.press("Tab")
        page.keyboard.type("电话联系，约好周六上门")
        with page.expect_navigation():
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
        concern.refresh_from_db()
        assert concern.first_contact_at is not None
        assert person_of(world.member).name == "member"
    finally:
        reader.close()
