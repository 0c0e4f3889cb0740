"""Every step on the concern page: who may take it, in which state, and that refusals change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from sanshi.concerns.models import Concern, ConcernEvent, LegalStep, Status
from sanshi.console.tests import helpers as h
from sanshi.core import clock
from sanshi.testing import World, person_of

Setup = Callable[[World], Concern]


@dataclass(frozen=True)
class Case:
    name: str
    setup: Setup
    data: Callable[[World, Concern], dict[str, Any]]
    allowed: str  # persona who may take the step
    denied: str  # persona who sees the concern but may not take the step (403)
    wrong_state: Setup  # a state in which nobody may take it (409)
    after: Callable[[Concern], Any]  # what the allowed step leaves behind
    expected: Any


def _future(days: int) -> str:
    return (clock.now() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _other_concern(world: World, c: Concern) -> dict[str, Any]:
    other = h.received(world, text="又一位居民问儿童之家的托管时间")
    return {"into": other.tracking_code, "note": "同一件事"}


def _legal_id(world: World, c: Concern) -> dict[str, Any]:
    legal = LegalStep.objects.get(concern=c)
    return {"legal_step": legal.pk, "outcome": "已入户查访，施暴人写下保证书"}


def _done_legal(world: World) -> Concern:
    c = h.with_legal_step(world)
    from sanshi.concerns.actions import complete_legal_step

    complete_legal_step(LegalStep.objects.get(concern=c), actor=world.member, outcome="已查访")
    return c


def _last_kind(c: Concern) -> str:
    return ConcernEvent.objects.filter(concern=c).order_by("-pk").values_list("kind", flat=True)[0]


CASES = [
    Case(
        "dispatch",
        h.received,
        lambda w, c: {"org": w.community.pk, "handler": person_of(w.member).pk},
        "dispatcher",
        "leader",
        h.dispatched,
        lambda c: (c.status, c.org.name),
        (Status.DISPATCHED, "北部湾社区妇联"),
    ),
    Case(
        "sign",
        h.dispatched,
        lambda w, c: {},
        "member",
        "leader",
        h.signed,
        lambda c: c.status,
        Status.SIGNED,
    ),
    Case(
        "return",
        h.dispatched,
        lambda w, c: {"reason": "地址在侨中社区，不归我们"},
        "member",
        "leader",
        h.in_progress,
        lambda c: (c.status, c.org.name),
        (Status.RETURNED, "海城区妇联"),
    ),
    Case(
        "contact",
        h.signed,
        lambda w, c: {"method": "visit", "outcome": "入户了解情况"},
        "member",
        "leader",
        h.dispatched,
        _last_kind,
        "visit",
    ),
    Case(
        "refer",
        h.signed,
        lambda w, c: {"body": "legal_aid", "reference": "FY-2026-17", "follow_up_on": "2026-12-20"},
        "member",
        "leader",
        h.replied,
        _last_kind,
        "referral",
    ),
    Case(
        "reply",
        h.in_progress,
        lambda w, c: {"reply": "已安排儿童之家托管"},
        "member",
        "leader",
        h.dispatched,
        lambda c: c.status,
        Status.REPLIED,
    ),
    Case(
        "request_extension",
        h.signed,
        lambda w, c: {"until": _future(30), "reason": "等待排期"},
        "member",
        "leader",
        h.replied,
        lambda c: c.extension_requested_until is not None,
        True,
    ),
    Case(
        "decide_extension",
        h.extension_pending,
        lambda w, c: {"decision": "approve", "note": ""},
        "county_staff",
        "member",
        h.signed,
        lambda c: c.extension_count,
        1,
    ),
    Case(
        "follow_up",
        h.replied,
        lambda w, c: {"method": "phone", "solved": "yes", "satisfaction": "satisfied"},
        "county_staff",
        "member",
        h.signed,
        lambda c: (c.status, c.solved),
        (Status.CLOSED, True),
    ),
    Case(
        "close",
        h.replied,
        lambda w, c: {"reason": "居民电话确认不再需要"},
        "county_staff",
        "member",
        h.signed,
        lambda c: c.status,
        Status.CLOSED,
    ),
    Case(
        "merge",
        h.received,
        _other_concern,
        "dispatcher",
        "leader",
        h.closed,
        lambda c: c.status,
        Status.MERGED,
    ),
    Case(
        "escalate",
        h.signed,
        lambda w, c: {"target": "parent", "reason": "需要街道协调"},
        "member",
        "leader",
        h.replied,
        lambda c: c.escalated_to.name,
        "东街街道妇联",
    ),
    Case(
        "escalation_response",
        h.escalated,
        lambda w, c: {"response": "街道已协调", "rating": "basic"},
        "county_staff",
        "member",
        h.signed,
        _last_kind,
        "escalation_response",
    ),
    Case(
        "note",
        h.signed,
        lambda w, c: {"note": "居民白天不方便接电话"},
        "member",
        "leader",
        h.rated_closed,
        _last_kind,
        "note",
    ),
    Case(
        "assign",
        h.signed,
        lambda w, c: {"person": person_of(w.social_worker).pk, "role": "assist"},
        "member",
        "leader",
        h.rated_closed,
        lambda c: c.assignments.filter(active=True).count(),
        2,
    ),
    Case(
        "reclassify",
        h.signed,
        lambda w, c: {"subcategory": "family.conflict", "reason": "其实是夫妻矛盾"},
        "member",
        "leader",
        h.rated_closed,
        lambda c: (c.category, c.subcategory),
        ("family", "family.conflict"),
    ),
    Case(
        "change_urgency",
        h.signed,
        lambda w, c: {"urgency": "high", "reason": "老人独居"},
        "member",
        "leader",
        h.rated_closed,
        lambda c: c.urgency,
        "high",
    ),
    Case(
        "legal_step",
        lambda w: h.signed(w, subcategory="safety.dv_help"),
        lambda w, c: {
            "step": "protection_order",
            "court": "海城区人民法院",
            "applied_on": "2026-11-28",
            "urgent": "on",
        },
        "protection",
        "leader",
        lambda w: h.rated_closed(w, subcategory="safety.dv_help"),
        lambda c: [(s.step, s.details["urgent"]) for s in c.legal_steps.all()],
        [("protection_order", True)],
    ),
    Case(
        "legal_step_done",
        h.with_legal_step,
        _legal_id,
        "member",
        "leader",
        _done_legal,
        lambda c: c.legal_steps.get().outcome,
        "已入户查访，施暴人写下保证书",
    ),
]


def _post(world: World, persona: str, c: Concern, name: str, data: dict[str, Any]) -> Any:
    client = h.logged_in(getattr(world, persona))
    return client.post(f"/console/c/{c.pk}/act/{name}/", data)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_allowed_user_takes_the_step(world: World, case: Case) -> None:
    c = case.setup(world)
    response = _post(world, case.allowed, c, case.name, case.data(world, c))
    assert response.status_code == 303, response.content.decode()[:500]
    assert response["Location"] == f"/console/c/{c.pk}/"
    c = Concern.objects.get(pk=c.pk)
    assert case.after(c) == case.expected


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_user_without_the_role_is_refused_and_nothing_changes(world: World, case: Case) -> None:
    c = case.setup(world)
    data = case.data(world, c)
    before = h.snapshot()
    response = _post(world, case.denied, c, case.name, data)
    assert response.status_code == 403
    assert h.snapshot() == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_step_in_the_wrong_state_is_a_conflict_and_nothing_changes(
    world: World, case: Case
) -> None:
    c = case.wrong_state(world)
    data = case.data(world, c)
    before = h.snapshot()
    response = _post(world, case.allowed, c, case.name, data)
    assert response.status_code == 409, response.content.decode()[:500]
    assert h.snapshot() == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_page_offers_the_step_exactly_when_it_is_allowed(world: World, case: Case) -> None:
    c = case.setup(world)
    marker = f'id="step-{case.name}"'
    if case.name.startswith("legal_step"):
        marker = f'action="/console/c/{c.pk}/act/{case.name}/"'
    allowed = h.logged_in(getattr(world, case.allowed)).get(f"/console/c/{c.pk}/")
    denied = h.logged_in(getattr(world, case.denied)).get(f"/console/c/{c.pk}/")
    assert allowed.status_code == 200
    assert denied.status_code == 200
    assert marker in allowed.content.decode()
    assert marker not in denied.content.decode()


def test_someone_who_cannot_see_the_concern_gets_404_and_nothing_changes(world: World) -> None:
    c = h.dispatched(world)
    before = h.snapshot()
    response = _post(world, "outside_member", c, "sign", {})
    assert response.status_code == 404
    assert "没有找到这件诉求" in response.content.decode()
    assert h.snapshot() == before


def test_volunteer_not_assigned_gets_404(world: World) -> None:
    c = h.dispatched(world)
    before = h.snapshot()
    response = _post(world, "volunteer", c, "sign", {})
    assert response.status_code == 404
    assert h.snapshot() == before


def test_missing_reason_is_400_with_the_form_kept_open(world: World) -> None:
    c = h.dispatched(world)
    before = h.snapshot()
    response = _post(world, "member", c, "return", {"reason": "  "})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<details class="step" id="step-return" open>' in body
    assert h.snapshot() == before


def test_unknown_step_is_404(world: World) -> None:
    c = h.dispatched(world)
    response = _post(world, "member", c, "destroy", {})
    assert response.status_code == 404


def test_merge_into_an_unknown_code_is_400(world: World) -> None:
    c = h.received(world)
    before = h.snapshot()
    response = _post(world, "dispatcher", c, "merge", {"into": "ZZZZZZZZZZZZ"})
    assert response.status_code == 400
    assert h.snapshot() == before


def test_get_on_a_step_is_405(world: World) -> None:
    c = h.dispatched(world)
    response = h.logged_in(world.member).get(f"/console/c/{c.pk}/act/sign/")
    assert response.status_code == 405


def test_anonymous_is_sent_to_login(world: World) -> None:
    c = h.dispatched(world)
    response = h.Client().post(f"/console/c/{c.pk}/act/sign/")
    assert response.status_code == 302
    assert response["Location"] == f"/console/login/?next=/console/c/{c.pk}/act/sign/"
