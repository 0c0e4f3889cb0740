"""Issue 19 through the API: settle a danger check, take a protected concern, lift protection.

Every denial answers the documented code and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from sanshi.concerns import actions
from sanshi.concerns.models import Assignment, Concern, DangerCheck, EventKind
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


def _state(concern: Concern) -> tuple[Any, ...]:
    concern.refresh_from_db()
    return (
        concern.status,
        concern.urgency,
        concern.protected,
        concern.danger_check,
        concern.search_text,
        concern.org_id,
        concern.events.count(),
        Assignment.objects.filter(concern=concern).count(),
    )


def _unsure(world: World) -> Concern:
    return world.concern(text=UNSURE, subcategory="health.counselling", triage=UNSURE_TRIAGE)


def _critical(world: World) -> Concern:
    return world.concern(text=DV_NOW, subcategory="family.conflict", urgency="critical")


# ---------------------------------------------------------------- danger check


def test_the_protection_officer_confirms_a_danger_through_the_api(world: World, api_as) -> None:
    concern = _unsure(world)
    r = api_as(world.protection).post(
        f"/concerns/{concern.pk}/danger-check", {"confirmed": True, "reason": "电话核实有轻生念头"}
    )
    assert r.status_code == 200
    body = r.json()
    assert (body["danger_check"], body["urgency"], body["protected"]) == (
        "confirmed",
        "critical",
        True,
    )
    last = concern.events.order_by("-pk").first()
    assert last is not None
    assert (last.kind, last.note, last.actor_id, last.data["confirmed"]) == (
        EventKind.DANGER_CONFIRMED,
        "电话核实有轻生念头",
        world.protection.pk,
        True,
    )


def test_clearing_a_danger_check_keeps_urgency_and_protection(world: World, api_as) -> None:
    concern = _unsure(world)
    r = api_as(world.protection).post(
        f"/concerns/{concern.pk}/danger-check", {"confirmed": False, "reason": "只是失眠"}
    )
    assert r.status_code == 200
    assert (r.json()["danger_check"], r.json()["urgency"], r.json()["protected"]) == (
        "cleared",
        "normal",
        False,
    )
    assert concern.events.order_by("-pk").values_list("kind", flat=True)[0] == (
        EventKind.DANGER_CLEARED
    )


@pytest.mark.parametrize(
    ("who", "status", "error"),
    [
        ("dispatcher", 403, "not_allowed"),  # sees it, is not a duty officer
        ("county_staff", 403, "not_allowed"),
        ("leader", 403, "not_allowed"),  # above, but a leader is no duty officer
        ("member", 404, "not_found"),  # the concern is at the county, not her community
        ("volunteer", 404, "not_found"),
        ("outside_member", 404, "not_found"),
    ],
)
def test_who_may_not_check_for_danger_changes_nothing(
    world: World, api_as, who: str, status: int, error: str
) -> None:
    concern = _unsure(world)
    before = _state(concern)
    r = api_as(getattr(world, who)).post(
        f"/concerns/{concern.pk}/danger-check", {"confirmed": False, "reason": "误报"}
    )
    assert (r.status_code, r.json()["error"]) == (status, error)
    assert _state(concern) == before
    assert concern.danger_check == DangerCheck.PENDING


def test_a_danger_check_needs_a_reason_and_is_settled_once(world: World, api_as) -> None:
    concern = _unsure(world)
    officer = api_as(world.protection)
    before = _state(concern)
    r = officer.post(f"/concerns/{concern.pk}/danger-check", {"confirmed": True})
    assert (r.status_code, r.json()["fields"]) == (400, {"reason": "必填"})
    r = officer.post(f"/concerns/{concern.pk}/danger-check", {"confirmed": True, "reason": "  "})
    assert r.status_code == 400
    assert _state(concern) == before
    assert (
        officer.post(
            f"/concerns/{concern.pk}/danger-check", {"confirmed": False, "reason": "只是失眠"}
        ).status_code
        == 200
    )
    settled = _state(concern)
    r = officer.post(f"/concerns/{concern.pk}/danger-check", {"confirmed": True, "reason": "再看"})
    assert (r.status_code, r.json()["error"]) == (409, "conflict")
    assert r.json()["message"] == "诉求当前状态不允许此操作（当前：已排除危险）"
    assert _state(concern) == settled


def test_a_concern_with_no_check_pending_answers_409(world: World, api_as) -> None:
    concern = world.concern()
    before = _state(concern)
    r = api_as(world.protection).post(
        f"/concerns/{concern.pk}/danger-check",
        {"confirmed": True, "reason": "看看"},
        **{"Accept-Language": "en"},
    )
    assert (r.status_code, r.json()["error"]) == (409, "conflict")
    assert _state(concern) == before


# ---------------------------------------------------------------- take


def test_the_protection_officer_takes_a_protected_concern(world: World, api_as) -> None:
    concern = _critical(world)
    r = api_as(world.protection).post(f"/concerns/{concern.pk}/take")
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["org"]["id"], body["text"]) == ("signed", world.county.pk, DV_NOW)
    assert [(h["person_id"], h["role"]) for h in body["handlers"]] == [
        (person_of(world.protection).pk, "lead")
    ]
    kinds = list(concern.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.DISPATCHED, EventKind.SIGNED, EventKind.ASSIGNED]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("dispatcher", 403),
        ("county_staff", 403),
        ("leader", 403),
        ("chair", 404),
        ("member", 404),
        ("volunteer", 404),
    ],
)
def test_who_may_not_take_changes_nothing(world: World, api_as, who: str, status: int) -> None:
    concern = _critical(world)
    before = _state(concern)
    r = api_as(getattr(world, who)).post(f"/concerns/{concern.pk}/take")
    assert r.status_code == status
    assert _state(concern) == before


def test_an_unprotected_or_dispatched_concern_cannot_be_taken(world: World, api_as) -> None:
    officer = api_as(world.protection)
    plain = world.concern()
    before = _state(plain)
    r = officer.post(f"/concerns/{plain.pk}/take")
    assert (r.status_code, r.json()["error"]) == (403, "not_allowed")
    assert _state(plain) == before
    dispatched = _critical(world)
    actions.dispatch_concern(dispatched, world.community, actor=world.dispatcher)
    before = _state(dispatched)
    r = officer.post(f"/concerns/{dispatched.pk}/take")
    assert (r.status_code, r.json()["error"]) == (409, "conflict")
    assert _state(dispatched) == before


# ---------------------------------------------------------------- unprotect


def test_protection_is_lifted_with_a_reason_once_no_longer_critical(world: World, api_as) -> None:
    concern = _critical(world)
    officer = api_as(world.protection)
    before = _state(concern)
    r = officer.post(f"/concerns/{concern.pk}/unprotect", {"reason": "误报"})
    assert (r.status_code, r.json()["error"]) == (403, "not_allowed")  # still critical
    assert _state(concern) == before
    actions.change_urgency(concern, actor=world.protection, urgency="normal", reason="已安全")
    r = officer.post(f"/concerns/{concern.pk}/unprotect", {"reason": "核实为普通家庭矛盾"})
    assert (r.status_code, r.json()["protected"]) == (200, False)
    last = concern.events.order_by("-pk").first()
    assert last is not None
    assert (last.kind, last.note, last.actor_id) == (
        EventKind.UNPROTECTED,
        "核实为普通家庭矛盾",
        world.protection.pk,
    )
    again = officer.post(f"/concerns/{concern.pk}/unprotect", {"reason": "再次"})
    assert (again.status_code, again.json()["error"]) == (400, "invalid_input")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("dispatcher", 403),
        ("county_staff", 403),
        ("leader", 403),
        ("member", 404),
        ("volunteer", 404),
        ("outside_member", 404),
    ],
)
def test_who_may_not_unprotect_changes_nothing(world: World, api_as, who: str, status: int) -> None:
    concern = _critical(world)
    actions.change_urgency(concern, actor=world.protection, urgency="normal", reason="已安全")
    before = _state(concern)
    r = api_as(getattr(world, who)).post(f"/concerns/{concern.pk}/unprotect", {"reason": "误报"})
    assert r.status_code == status
    assert _state(concern) == before
    assert concern.protected is True


def test_unprotect_without_a_reason_is_400_and_changes_nothing(world: World, api_as) -> None:
    concern = _critical(world)
    actions.change_urgency(concern, actor=world.protection, urgency="normal", reason="已安全")
    before = _state(concern)
    r = api_as(world.protection).post(f"/concerns/{concern.pk}/unprotect", {})
    assert (r.status_code, r.json()["fields"]) == (400, {"reason": "必填"})
    assert _state(concern) == before


def test_the_three_steps_are_in_the_openapi_document(client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for step in ("danger-check", "take", "unprotect"):
        op = paths[f"/api/v1/concerns/{{concern_id}}/{step}"]["post"]
        assert {"200", "400", "401", "403", "404", "409", "413", "429"} <= set(op["responses"])
