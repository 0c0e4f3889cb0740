"""The concern page: facts, highlighted signals, route, SLA clocks, timeline, legal steps."""

from __future__ import annotations

import datetime as dt
import re

import time_machine

from sanshi.audit.models import AuditEntry
from sanshi.concerns import actions
from sanshi.concerns.models import Concern
from sanshi.console.presenters import highlighted_text, human_minutes
from sanshi.console.tests import helpers as h
from sanshi.core.crypto import mask_phone
from sanshi.testing import World

TEXT = "他昨晚又打我，还说要杀了我。"


def _signals() -> dict[str, object]:
    return {
        "signals": [
            {"kind": "violence", "phrase": "打我", "start": 4, "end": 6},
            {"kind": "threat", "phrase": "要杀了我", "start": 9, "end": 13},
            {"kind": "bad", "start": 50, "end": 60},  # out of range: ignored
        ],
        "route": {
            "county": {"name": "海城区"},
            "township": {"name": "东街街道"},
            "org": {"id": 1, "name": "x"},
            "ambiguous": True,
        },
    }


def test_text_is_shown_with_signals_highlighted(world: World) -> None:
    c = h.signed(world, text=TEXT, triage=_signals())
    body = h.logged_in(world.member).get(f"/console/c/{c.pk}/").content.decode()
    assert (
        '<div class="text" id="concern-text">他昨晚又<mark class="sig sig-violence" title="violence">'
        '打我</mark>，还说<mark class="sig sig-threat" title="threat">要杀了我</mark>。</div>'
    ) in body


def test_route_is_shown_and_ambiguity_flagged(world: World) -> None:
    c = h.signed(world, triage=_signals())
    body = h.logged_in(world.member).get(f"/console/c/{c.pk}/").content.decode()
    assert "<p>海城区 › 东街街道</p>" in body
    assert "地址有歧义" in body


def test_text_is_escaped(world: World) -> None:
    c = h.signed(
        world,
        text="<script>alert(1)</script>求助",
        triage={"signals": [{"kind": "x<y", "start": 25, "end": 27}]},
    )
    html = str(highlighted_text(Concern.objects.get(pk=c.pk)))
    assert (
        html
        == '&lt;script&gt;alert(1)&lt;/script&gt;<mark class="sig sig-xy" title="x&lt;y">求助</mark>'
    )


def test_facts_and_timeline(world: World) -> None:
    c = h.in_progress(
        world, reporter_name="李秀兰", reporter_phone="13812345678", address="四川路18号"
    )
    body = h.logged_in(world.member).get(f"/console/c/{c.pk}/").content.decode()
    # Masked on screen until revealed; each reveal is audited.
    assert ("李**" in body, "138****5678" in body, "四川路18号" in body) == (True, True, True)
    assert ("李秀兰" in body, "13812345678" in body) == (False, False)
    client = h.logged_in(world.member)
    revealed = client.post(f"/console/c/{c.pk}/reveal/reporter_phone/").content.decode()
    assert '<dd id="contact-reporter_phone">13812345678' in revealed
    assert "李秀兰" not in revealed
    assert AuditEntry.objects.filter(action="reveal", object_id=str(c.pk)).count() == 1
    denied = h.logged_in(world.outside_member).post(f"/console/c/{c.pk}/reveal/reporter_phone/")
    assert (denied.status_code, "13812345678" in denied.content.decode()) == (404, False)
    kinds = re.findall(r'<li data-kind="(\w+)">', body)
    assert kinds == ["received", "dispatched", "assigned", "signed", "contact"]
    assert "约好周六上门" in body
    assert 'data-status="in_progress"' in body


def test_sla_clocks_count_down_and_show_overdue(world: World) -> None:
    c = h.dispatched(world)
    with time_machine.travel(c.dispatched_at + dt.timedelta(hours=2), tick=False):
        body = h.logged_in(world.member).get(f"/console/c/{c.pk}/").content.decode()
    assert re.findall(r'data-state="(\w+)"', body) == ["running", "running", "running"]
    assert "剩 22小时" in body
    with time_machine.travel(c.sign_due + dt.timedelta(minutes=90), tick=False):
        # signed in afresh: a day later the idle session has expired
        body = h.logged_in(world.member).get(f"/console/c/{c.pk}/").content.decode()
    assert re.findall(r'data-state="(\w+)"', body)[0] == "overdue"
    assert "超期 1小时30分钟" in body


def test_protected_concern_is_a_stub_for_those_who_may_not_see_it(world: World) -> None:
    c = h.received(
        world,
        text=TEXT,
        subcategory="safety.dv_now",
        reporter_name="王芳",
        reporter_phone="13900001111",
        address="某小区5栋",
    )
    actions.add_note(c, actor=world.dispatcher, note="已电话联系王芳，她暂时安全")
    stub = h.logged_in(world.dispatcher).get(f"/console/c/{c.pk}/").content.decode()
    assert 'id="redacted"' in stub
    for secret in ("打我", "王芳", "13900001111", "某小区"):
        assert secret not in stub
    full = h.logged_in(world.protection).get(f"/console/c/{c.pk}/").content.decode()
    assert 'id="concern-text"' in full and "王芳" in full and "某小区5栋" in full


def test_legal_steps_appear_on_violence_concerns_only(world: World) -> None:
    dv = h.signed(world, subcategory="safety.dv_help")
    childcare = h.signed(world)
    client = h.logged_in(world.member)
    body = client.get(f"/console/c/{dv.pk}/").content.decode()
    assert 'id="legal"' in body
    assert body.count(f'action="/console/c/{dv.pk}/act/legal_step/"') == 4
    assert 'id="legal"' not in client.get(f"/console/c/{childcare.pk}/").content.decode()


def test_legal_step_with_its_deadline_and_completion(world: World) -> None:
    c = h.with_legal_step(world)
    client = h.logged_in(world.member)
    body = client.get(f"/console/c/{c.pk}/").content.decode()
    part = body.split('id="legal"')[1].split("</section>")[0]
    assert "告诫书及跟进查访" in part
    assert "公安机关：海城派出所；出具日期：11月20日" in part
    assert "录入结果" in part
    legal = c.legal_steps.get()
    client.post(
        f"/console/c/{c.pk}/act/legal_step_done/", {"legal_step": legal.pk, "outcome": "已查访"}
    )
    part = client.get(f"/console/c/{c.pk}/").content.decode().split('id="legal"')[1]
    assert "已完成" in part.split("</section>")[0]
    assert "结果：已查访" in part


def test_legal_step_of_another_concern_is_404(world: World) -> None:
    a = h.with_legal_step(world)
    b = h.signed(world, subcategory="safety.dv_help")
    before = h.snapshot()
    response = h.logged_in(world.member).post(
        f"/console/c/{b.pk}/act/legal_step_done/",
        {"legal_step": a.legal_steps.get().pk, "outcome": "x"},
    )
    assert response.status_code == 404
    assert h.snapshot() == before


def test_page_of_a_concern_i_cannot_see_is_404(world: World) -> None:
    c = h.dispatched(world)
    assert h.logged_in(world.outside_member).get(f"/console/c/{c.pk}/").status_code == 404
    assert h.logged_in(world.member).get("/console/c/987654/").status_code == 404


def test_leader_sees_no_buttons(world: World) -> None:
    c = h.signed(world)
    body = h.logged_in(world.leader).get(f"/console/c/{c.pk}/").content.decode()
    assert 'id="no-actions"' in body
    assert re.findall(r'id="step-(\w+)"', body) == []


def test_member_gets_exactly_the_buttons_of_a_signed_concern(world: World) -> None:
    c = h.signed(world)
    body = h.logged_in(world.member).get(f"/console/c/{c.pk}/").content.decode()
    assert re.findall(r'id="step-(\w+)"', body) == [
        "return",
        "contact",
        "refer",
        "reply",
        "request_extension",
        "escalate",
        "note",
        "assign",
        "reclassify",
        "change_urgency",
    ]


def test_duplicates_partial_lists_similar_open_concerns_i_may_see(world: World) -> None:
    first = h.received(world, text="小区门口的路灯坏了好几天，晚上回家很黑")
    second = h.received(world, text="路灯坏了好几天，晚上回家很黑")
    h.received(world, text="想咨询离婚后孩子抚养费怎么算")
    response = h.logged_in(world.dispatcher).get(f"/console/c/{second.pk}/duplicates/")
    assert response.status_code == 200
    picks = re.findall(r'name="pick" value="(\w+)"', response.content.decode())
    assert picks == [first.tracking_code]


def test_duplicates_partial_hides_what_i_may_not_see(world: World) -> None:
    h.received(world, text="小区门口的路灯坏了好几天，晚上回家很黑")
    mine = h.dispatched(world, text="路灯坏了好几天，晚上回家很黑")
    response = h.logged_in(world.member).get(f"/console/c/{mine.pk}/duplicates/")
    assert 'id="duplicates-none"' in response.content.decode()


def test_presenters() -> None:
    assert human_minutes(0) == "0分钟"
    assert human_minutes(90) == "1小时30分钟"
    assert human_minutes(1500) == "1天1小时"
    assert mask_phone("0779-1234567") == "077****4567"  # digits only, dashes dropped
    assert mask_phone("110") == "***"


def test_dispatch_form_loads_the_people_of_the_picked_org(world: World) -> None:
    c = h.received(world)
    body = h.logged_in(world.dispatcher).get(f"/console/c/{c.pk}/").content.decode()
    form = body.split('id="step-dispatch"')[1].split("</details>")[0]
    assert 'hx-get="/console/dispatch/handlers/"' in form
    assert f'<option value="{world.community.pk}">' in form


def test_break_glass_from_the_stub_opens_the_concern_for_an_hour(world: World) -> None:
    from sanshi.concerns.models import BreakGlassGrant

    c = h.dispatched(world, text="他打我，孩子也被打了", subcategory="safety.dv_now")
    client = h.logged_in(world.dispatcher)
    stub = client.get(f"/console/c/{c.pk}/").content.decode()
    assert ('id="break-glass"' in stub, "他打我" in stub) == (True, False)
    refused = client.post(f"/console/c/{c.pk}/break-glass/", {"reason": "  "})
    assert (refused.status_code, BreakGlassGrant.objects.count()) == (400, 0)
    done = client.post(f"/console/c/{c.pk}/break-glass/", {"reason": "受害人来电求助，核对地址"})
    assert (done.status_code, done["Location"]) == (303, f"/console/c/{c.pk}/")
    opened = client.get(f"/console/c/{c.pk}/").content.decode()
    assert ("他打我" in opened, 'id="break-glass"' in opened) == (True, False)
    assert AuditEntry.objects.filter(action="break_glass", object_id=str(c.pk)).count() == 1
    hidden = h.logged_in(world.volunteer).post(f"/console/c/{c.pk}/break-glass/", {"reason": "x"})
    assert (hidden.status_code, BreakGlassGrant.objects.count()) == (404, 1)
