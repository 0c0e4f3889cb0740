"""In a browser: a chair issues her 执委's card in the console, prints it, and a resident
opens the address its QR code encodes and reports through it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import segno
from django.db import connections

from sanshi.concerns.models import Channel, Concern
from sanshi.concerns.tracking import normalise_tracking_code
from sanshi.intake.models import MemberCard
from sanshi.testing import World, person_of

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
PASSWORD = "pw-for-tests-only"


def _context(chromium: Any, viewport: dict[str, int], blocked: list[str]) -> Any:
    context = chromium.new_context(viewport=viewport, locale="zh-CN")
    context.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return context


def test_a_chair_issues_a_card_and_a_resident_reports_through_its_qr(
    transactional_db: None, live_server: Any, world: World, chromium: Any
) -> None:
    try:
        _issue_and_report(live_server.url, world, chromium)
    finally:
        connections.close_all()


def _issue_and_report(base: str, world: World, chromium: Any) -> None:
    SHOTS.mkdir(exist_ok=True)
    blocked: list[str] = []
    desk = _context(chromium, {"width": 1280, "height": 900}, blocked)
    chair = desk.new_page()
    chair.goto(base + "/console/login/")
    chair.fill("#id_username", "chair")
    chair.fill("#id_password", PASSWORD)
    with chair.expect_navigation():
        chair.click("button[type=submit]")
    chair.get_by_role("link", name="执委名片").click()
    member = person_of(world.member)
    row = chair.locator("li[data-member]", has_text=member.name)
    assert row.locator(".card-state").inner_text() == "尚未发放"
    chair.screenshot(path=str(SHOTS / "cards-0-list.png"), full_page=True)
    with chair.expect_navigation():
        row.get_by_role("button", name="发放名片").click()

    card = MemberCard.objects.get(active=True)
    assert card.membership.person == member
    assert chair.url == f"{base}/console/cards/{card.pk}/print/"
    url = chair.locator("#card").get_attribute("data-url")
    assert url == f"{base}/m/{card.code}/"
    assert chair.locator("#card-url").inner_text() == url
    # The QR code drawn on the card is exactly segno's code for that address.
    svg = chair.locator("#card .qr svg").evaluate("e => e.outerHTML")
    expected = segno.make(url, error="m").svg_inline(border=2, omitsize=True)
    assert _same_svg(svg, expected)
    chair.screenshot(path=str(SHOTS / "cards-1-print-a6.png"), full_page=True)
    chair.get_by_role("link", name="手机出示版").click()
    assert chair.locator("#card.phone").count() == 1
    chair.screenshot(path=str(SHOTS / "cards-2-phone.png"), full_page=True)

    phone = _context(chromium, {"width": 390, "height": 844}, blocked)
    resident = phone.new_page()
    resident.goto(url)
    assert resident.locator("h1").inner_text() == member.name
    resident.get_by_role("link", name="向她反映").click()
    resident.get_by_label("发生了什么？").fill("孩子放学后没人照看，想问问儿童之家能不能托管。")
    resident.get_by_label("联系电话（可不填）").fill("13800000001")
    resident.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    resident.get_by_role("button", name="提交").click()
    resident.wait_for_selector("#tracking-code")
    resident.screenshot(path=str(SHOTS / "cards-3-reported.png"), full_page=True)
    code = normalise_tracking_code(resident.locator("#tracking-code").inner_text())
    concern = Concern.objects.get(tracking_code=code)
    assert (concern.channel, concern.member, concern.community) == (
        Channel.MEMBER_CARD,
        member,
        world.community,
    )
    desk.close()
    phone.close()
    assert blocked == []


def _same_svg(rendered: str, expected: str) -> bool:
    """The browser re-serialises the SVG (quotes, self-closing tags): compare its drawing."""
    import re

    def path(svg: str) -> str:
        found = re.search(r'\bd="([^"]+)"', svg)
        return found.group(1) if found else ""

    return path(rendered) != "" and path(rendered) == path(expected)
