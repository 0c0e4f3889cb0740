"""Issue 19 in the console: the check-for-danger list at the top of the duty officer's home,
the check itself (a person, a reason), the protection officer's board and her steps."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from sanshi.concerns import actions
from sanshi.concerns.models import Assignment, Concern, DangerCheck, EventKind, Status
from sanshi.console.tests import helpers as h
from sanshi.testing import World, person_of

UNSURE = "最近总觉得活着没什么意思，晚上睡不着"
UNSURE_TRIAGE: dict[str, Any] = {
    "category": "health",
    "subcategory": "health.counselling",
    "critical": False,
    "needs_check": True,
    "danger": [{"kind": "self_harm", "words": "活着没什么意思", "detector": "model"}],
}
DV_NOW = "我老公又打我了，现在还在砸门，快来人"


def _unsure(world: World) -> Concern:
    return world.concern(text=UNSURE, subcategory="health.counselling", triage=UNSURE_TRIAGE)


def _section_ids(body: str) -> list[str]:
    return re.findall(r'<section class="card sec-(\w+)" id="section-\w+"', body)


def _rows(body: str, section: str) -> list[str]:
    part = body.split(f'id="section-{section}"')[1].split("</section>")[0]
    return re.findall(r'<li data-concern="(\d+)"', part)


def _state(concern: Concern) -> tuple[Any, ...]:
    concern.refresh_from_db()
    return (
        concern.status,
        concern.urgency,
        concern.protected,
        concern.danger_check,
        concern.events.count(),
        Assignment.objects.filter(concern=concern).count(),
    )


def test_the_check_list_comes_first_on_the_protection_officers_home(world: World) -> None:
    h.received(world)
    unsure = _unsure(world)
    body = h.logged_in(world.protection).get("/console/").content.decode()
    assert _section_ids(body)[:3] == ["check", "take", "critical"]
    assert _rows(body, "check") == [str(unsure.pk)]
    assert 'data-count="1"' in body.split('id="section-check"')[1].split("</section>")[0]
    first_row = re.search(r'<li data-concern="(\d+)"', body)
    assert first_row is not None and first_row.group(1) == str(unsure.pk)
    assert "待核查危险" in body


def test_members_and_dispatchers_have_no_check_list(world: World) -> None:
    _unsure(world)
    for persona in ("member", "dispatcher", "volunteer"):
        body = h.logged_in(getattr(world, persona)).get("/console/").content.decode()
        assert 'id="section-check"' not in body


def test_the_check_page_shows_the_flag_and_the_duty_officer_settles_it(world: World) -> None:
    concern = _unsure(world)
    client = h.logged_in(world.protection)
    page = client.get(f"/console/c/{concern.pk}/").content.decode()
    assert 'id="check-pending"' in page
    assert 'data-kind="self_harm"' in page and "「活着没什么意思」" in page
    assert 'id="step-check_danger"' in page
    due = timezone.localtime(concern.danger_check_due)
    assert f"期限：{due.month}月{due.day}日 {due:%H:%M}" in page  # on the timeline, as staff read
    assert "后到期" in page  # and how soon, in words
    # Without a reason nothing changes.
    before = _state(concern)
    response = client.post(f"/console/c/{concern.pk}/act/check_danger/", {"decision": "clear"})
    assert response.status_code == 400
    assert _state(concern) == before
    response = client.post(
        f"/console/c/{concern.pk}/act/check_danger/",
        {"decision": "confirm", "reason": "回电核实：已写好遗书"},
    )
    assert response.status_code == 303
    concern.refresh_from_db()
    assert (concern.danger_check, concern.urgency, concern.protected) == (
        DangerCheck.CONFIRMED,
        "critical",
        True,
    )
    page = client.get(f"/console/c/{concern.pk}/").content.decode()
    assert 'id="check-settled"' in page and "回电核实：已写好遗书" in page
    assert 'id="step-check_danger"' not in page


def test_a_member_cannot_settle_a_check_through_the_console(world: World) -> None:
    concern = _unsure(world)
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    before = _state(concern)
    client = h.logged_in(world.member)
    page = client.get(f"/console/c/{concern.pk}/").content.decode()
    assert 'id="step-check_danger"' not in page
    response = client.post(
        f"/console/c/{concern.pk}/act/check_danger/", {"decision": "clear", "reason": "误报"}
    )
    assert response.status_code == 403
    assert _state(concern) == before


def test_the_protection_officer_has_a_danger_board_not_a_403(world: World) -> None:
    danger = h.received(world, text=DV_NOW, subcategory="family.conflict", urgency="critical")
    h.received(world)  # an ordinary one: the dispatcher's, not on her board
    client = h.logged_in(world.protection)
    response = client.get("/console/dispatch/")
    assert response.status_code == 200
    body = response.content.decode()
    assert re.findall(r'<li id="row-\d+" data-concern="(\d+)"', body) == [str(danger.pk)]
    assert 'id="bulk-form"' not in body
    assert 'href="/console/dispatch/"' in body  # in her menu
    # She takes it from the board: dispatched in place, signed, she the lead.
    response = client.post(f"/console/c/{danger.pk}/act/take/")
    assert response.status_code == 303
    danger.refresh_from_db()
    assert (danger.status, danger.org_id) == (Status.SIGNED, world.county.pk)
    assert Assignment.objects.get(concern=danger, active=True).person == person_of(world.protection)
    body = client.get("/console/dispatch/").content.decode()
    assert "本辖区没有等待接手的危险诉求" in body


def test_the_protection_officer_records_a_safe_contact_on_a_protected_concern(
    world: World,
) -> None:
    concern = world.concern(text=DV_NOW, subcategory="family.conflict", urgency="critical")
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    client = h.logged_in(world.protection)
    assert client.post(f"/console/c/{concern.pk}/act/sign/").status_code == 303
    page = client.get(f"/console/c/{concern.pk}/").content.decode()
    assert "不要留言、不要发短信" in page  # the safe-contact guidance on her form
    # The legal steps she may record, each named with its law.
    assert re.findall(
        r'<summary><strong>记录：([^<]*)</strong> <span class="small muted law">依据([^<]*)</span>',
        page,
    ) == [
        ("强制报告", "反家庭暴力法第十四条、未成年人保护法第十一条"),
        ("告诫书及跟进查访", "反家庭暴力法第十六条、第十七条"),
        ("代为申请人身安全保护令", "反家庭暴力法第二十三条、第二十八条"),
        ("转介庇护", "反家庭暴力法第十八条"),
    ]
    response = client.post(
        f"/console/c/{concern.pk}/act/contact/",
        {"method": "phone", "outcome": "约定每天上午十点安全时段回电"},
    )
    assert response.status_code == 303
    concern.refresh_from_db()
    assert concern.status == Status.IN_PROGRESS
    assert concern.events.filter(kind=EventKind.CONTACT).count() == 1


def test_a_member_sees_no_sign_button_on_a_protected_concern_she_cannot_read(
    world: World,
) -> None:
    concern = world.concern(text=DV_NOW, subcategory="family.conflict", urgency="critical")
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    before = _state(concern)
    client = h.logged_in(world.member)
    page = client.get(f"/console/c/{concern.pk}/").content.decode()
    assert 'id="redacted"' in page and 'id="step-sign"' not in page
    assert client.post(f"/console/c/{concern.pk}/act/sign/").status_code == 403
    assert _state(concern) == before
