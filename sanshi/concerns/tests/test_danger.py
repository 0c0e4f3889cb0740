"""Issue 19, the people side: critical means protected, the check for danger that only a
person settles, and the protection officer who can act on danger."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sanshi.audit.models import AuditEntry
from sanshi.concerns import actions
from sanshi.concerns.models import (
    Assignment,
    Channel,
    Concern,
    DangerCheck,
    EventKind,
    SlaNotice,
    Status,
    Urgency,
)
from sanshi.concerns.permissions import allowed_actions
from sanshi.concerns.search import index_terms
from sanshi.concerns.sweep import run_sla_sweep
from sanshi.core import clock
from sanshi.core.errors import ConcurrentChange, IllegalTransition, InvalidInput, NotAllowed
from sanshi.notifications.models import Notification
from sanshi.orgs.models import Role
from sanshi.testing import World, intake_concern, make_user, person_of

DV_NOW = "我老公又打我了，现在还在砸门，快来人"
UNSURE = "最近总觉得活着没什么意思，晚上睡不着"
# What triage stores for a text between its thresholds (engine.TriageResult.as_dict).
UNSURE_TRIAGE: dict[str, Any] = {
    "category": "health",
    "subcategory": "health.counselling",
    "critical": False,
    "needs_check": True,
    "danger": [{"kind": "self_harm", "words": "活着没什么意思", "detector": "model"}],
}


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what a block committed (notifications are written after the commit)."""
    return django_capture_on_commit_callbacks


def _snapshot(concern: Concern) -> tuple[Any, ...]:
    concern.refresh_from_db()
    return (
        concern.status,
        concern.urgency,
        concern.protected,
        concern.danger_check,
        concern.search_text,
        concern.events.count(),
        Assignment.objects.filter(concern=concern).count(),
    )


def _unsure(world: World, **kwargs: Any) -> Concern:
    return world.concern(
        text=UNSURE, subcategory="health.counselling", triage=UNSURE_TRIAGE, **kwargs
    )


def _critical_at_community(world: World) -> Concern:
    """A critical concern classed 婚姻家庭, dispatched to the community (the old trap)."""
    concern = world.concern(text=DV_NOW, subcategory="family.conflict", urgency="critical")
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    return concern


# ---------------------------------------------------------------- critical means protected


def test_a_critical_concern_of_a_non_urgent_class_is_protected_at_intake(world: World) -> None:
    concern = world.concern(text=DV_NOW, subcategory="family.conflict", urgency="critical")
    concern.refresh_from_db()
    assert (concern.urgency, concern.protected, concern.search_text) == ("critical", True, "")
    assert Concern.objects.filter(search_text__contains="砸门").count() == 0


def test_triage_critical_through_open311_is_protected(world: World) -> None:
    concern, result = intake_concern(text=DV_NOW, channel=Channel.OPEN311, org=world.county)
    concern.refresh_from_db()
    assert result.critical is True
    assert (concern.urgency, concern.protected, concern.search_text) == ("critical", True, "")


def test_raising_the_urgency_to_critical_protects(world: World) -> None:
    concern = world.concern(text="邻居家天天吵架", subcategory="community.neighbours")
    assert concern.protected is False
    actions.change_urgency(concern, actor=world.dispatcher, urgency="critical", reason="听到呼救")
    concern.refresh_from_db()
    assert (concern.urgency, concern.protected, concern.search_text) == ("critical", True, "")


def test_lowering_the_urgency_keeps_it_protected(world: World) -> None:
    concern = world.concern(text=DV_NOW, subcategory="family.conflict", urgency="critical")
    actions.change_urgency(concern, actor=world.protection, urgency="normal", reason="已安全")
    concern.refresh_from_db()
    assert (concern.urgency, concern.protected, concern.search_text) == ("normal", True, "")


def test_unprotect_needs_a_person_a_reason_and_a_concern_no_longer_critical(
    world: World,
) -> None:
    concern = world.concern(text=DV_NOW, subcategory="family.conflict", urgency="critical")
    before = _snapshot(concern)
    assert "unprotect" not in allowed_actions(world.protection, concern)
    with pytest.raises(NotAllowed):  # still critical: the rule keeps it protected
        actions.unprotect_concern(concern, actor=world.protection, reason="误报")
    assert _snapshot(concern) == before
    actions.change_urgency(concern, actor=world.protection, urgency="normal", reason="已安全")
    with pytest.raises(InvalidInput):
        actions.unprotect_concern(concern, actor=world.protection, reason=" ")
    with pytest.raises(NotAllowed):
        actions.unprotect_concern(concern, actor=world.member, reason="误报")
    before = _snapshot(concern)
    with pytest.raises(NotAllowed):
        actions.unprotect_concern(concern, actor=world.dispatcher, reason="误报")
    assert _snapshot(concern) == before
    assert "unprotect" in allowed_actions(world.protection, concern)
    actions.unprotect_concern(concern, actor=world.protection, reason="核实为普通家庭矛盾")
    concern.refresh_from_db()
    # Searchable again, through the keyed hashes of its words, never its text in clear.
    assert (concern.protected, concern.search_text) == (False, index_terms(DV_NOW, names=[""]))
    assert DV_NOW not in concern.search_text
    last = concern.events.order_by("-pk").first()
    assert last is not None
    assert (last.kind, last.note, last.actor_id) == (
        EventKind.UNPROTECTED,
        "核实为普通家庭矛盾",
        world.protection.pk,
    )


def test_a_concern_about_a_child_under_14_cannot_be_unprotected(world: World) -> None:
    concern = world.concern(minor_under_14=True, guardian_consent=True)
    before = _snapshot(concern)
    with pytest.raises(NotAllowed):
        actions.unprotect_concern(concern, actor=world.protection, reason="误报")
    assert _snapshot(concern) == before


# ---------------------------------------------------------------- the check for danger


def test_an_unsure_triage_puts_the_concern_on_the_check_list_with_a_30_minute_deadline(
    world: World,
) -> None:
    at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with clock.at(at):
        concern = _unsure(world)
    concern.refresh_from_db()
    assert (concern.danger_check, concern.danger_check_due) == (
        DangerCheck.PENDING,
        at + dt.timedelta(minutes=30),
    )
    assert (concern.urgency, concern.protected) == ("normal", False)
    kinds = list(concern.events.order_by("pk").values_list("kind", "data"))
    assert kinds == [
        (EventKind.RECEIVED, {"channel": "web"}),
        (EventKind.DANGER_CHECK, {"due": "2026-03-02T18:30:00+08:00", "kinds": ["self_harm"]}),
    ]


def test_a_critical_triage_needs_no_check(world: World) -> None:
    concern = world.concern(
        text=DV_NOW, subcategory="family.conflict", urgency="critical", triage=UNSURE_TRIAGE
    )
    assert (concern.danger_check, concern.danger_check_due) == ("", None)


def test_the_duty_officer_is_notified_of_a_check_at_once(world: World, committed: Any) -> None:
    with committed(execute=True):
        concern = _unsure(world)
    got = Notification.objects.filter(concern=concern, kind=EventKind.DANGER_CHECK)
    # The county's protection officer; above her, the city and province have no officer and
    # no chair in this world; the community is not on the path of a concern at the county.
    assert sorted(got.values_list("user__username", flat=True)) == ["protection"]


def test_the_duty_officer_is_texted_about_a_check_without_its_words(
    world: World, committed: Any, settings: Any
) -> None:
    from sanshi.notifications.sms import MemorySmsSender
    from sanshi.orgs.models import Person

    settings.SANSHI_SMS_SENDER = "sanshi.notifications.sms.MemorySmsSender"
    MemorySmsSender.outbox = []
    Person.objects.filter(pk=person_of(world.protection).pk).update(phone="13700000000")
    with committed(execute=True):
        concern = _unsure(world)
    assert MemorySmsSender.outbox == [
        ("13700000000", f"[三事] 待核查危险：{concern.tracking_code} /console/c/{concern.pk}/")
    ]


def test_confirming_makes_it_critical_and_protected_with_who_and_why(
    world: World, committed: Any
) -> None:
    concern = _unsure(world)
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    at = clock.now() + dt.timedelta(hours=2)
    with clock.at(at), committed(execute=True):
        actions.check_danger(
            concern, confirmed=True, reason="电话核实，有自杀计划", actor=world.protection
        )
    concern.refresh_from_db()
    assert (concern.danger_check, concern.urgency, concern.protected, concern.search_text) == (
        DangerCheck.CONFIRMED,
        Urgency.CRITICAL,
        True,
        "",
    )
    assert concern.sign_due == at + dt.timedelta(minutes=30)
    event = concern.events.get(kind=EventKind.DANGER_CONFIRMED)
    assert (event.actor_id, event.note, event.data) == (
        world.protection.pk,
        "电话核实，有自杀计划",
        {"confirmed": True, "before": {"urgency": "normal", "protected": False}},
    )
    assert (
        AuditEntry.objects.filter(
            action="concern.danger_confirmed", object_id=str(concern.pk)
        ).count()
        == 1
    )
    # The chair of the community (its duty officer: no protection officer there) hears of it.
    got = Notification.objects.filter(event=event).values_list("user__username", "kind")
    assert sorted(got) == [("chair", "critical")]


def test_clearing_keeps_the_record_of_who_and_why(world: World) -> None:
    concern = _unsure(world)
    actions.check_danger(
        concern, confirmed=False, reason="回电确认只是失眠", actor=world.protection
    )
    concern.refresh_from_db()
    assert (concern.danger_check, concern.urgency, concern.protected) == (
        DangerCheck.CLEARED,
        "normal",
        False,
    )
    event = concern.events.get(kind=EventKind.DANGER_CLEARED)
    assert (event.actor_id, event.note) == (world.protection.pk, "回电确认只是失眠")


def test_a_check_needs_a_reason_and_is_settled_once(world: World) -> None:
    concern = _unsure(world)
    before = _snapshot(concern)
    with pytest.raises(InvalidInput):
        actions.check_danger(concern, confirmed=False, reason="  ", actor=world.protection)
    assert _snapshot(concern) == before
    actions.check_danger(concern, confirmed=False, reason="只是失眠", actor=world.protection)
    after = _snapshot(concern)
    with pytest.raises(IllegalTransition):
        actions.check_danger(concern, confirmed=True, reason="再看一次", actor=world.protection)
    assert _snapshot(concern) == after


def test_a_stale_copy_cannot_settle_a_check_twice(world: World) -> None:
    concern = _unsure(world)
    stale = Concern.objects.get(pk=concern.pk)
    actions.check_danger(concern, confirmed=True, reason="核实有危险", actor=world.protection)
    after = _snapshot(concern)
    second = make_user("protection_2", role=Role.PROTECTION_OFFICER, org=world.county)
    with pytest.raises(ConcurrentChange):
        actions.check_danger(stale, confirmed=False, reason="误报", actor=second)
    assert _snapshot(concern) == after


@pytest.mark.parametrize(
    "persona", ["member", "social_worker", "volunteer", "dispatcher", "leader", "outside_member"]
)
def test_only_duty_officers_settle_a_check(world: World, persona: str) -> None:
    concern = _unsure(world)
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    before = _snapshot(concern)
    assert "check_danger" not in allowed_actions(getattr(world, persona), concern)
    with pytest.raises(NotAllowed):
        actions.check_danger(concern, confirmed=False, reason="误报", actor=getattr(world, persona))
    assert _snapshot(concern) == before


def test_the_chair_may_settle_a_check_in_her_org(world: World) -> None:
    concern = _unsure(world)
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    assert "check_danger" in allowed_actions(world.chair, concern)
    actions.check_danger(concern, confirmed=False, reason="入户看过，无危险", actor=world.chair)
    assert concern.danger_check == DangerCheck.CLEARED


def test_a_late_check_reminds_then_escalates_within_the_hour(world: World, committed: Any) -> None:
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    make_user("city_chair", role=Role.CHAIR, org=world.city)
    with clock.at(start), committed(execute=True):
        concern = _unsure(world)
    for minutes in (21, 31, 46):
        with clock.at(start + dt.timedelta(minutes=minutes)), committed(execute=True):
            run_sla_sweep(clock.now())
    notices = SlaNotice.objects.filter(concern=concern, deadline="check").order_by("at")
    assert list(notices.values_list("stage", flat=True)) == ["reminder", "overdue", "escalated"]
    concern.refresh_from_db()
    assert (concern.escalated_to_id, concern.overdue_since) == (world.city.pk, None)
    told = Notification.objects.filter(concern=concern).values_list("kind", "user__username")
    assert sorted(told) == [
        # Every duty officer on the way up hears of the check (the city has no protection
        # officer: its chair); the escalation goes to those above the county only.
        ("danger_check", "city_chair"),
        ("danger_check", "protection"),
        ("escalated", "city_chair"),
        ("overdue", "city_chair"),
        ("overdue", "protection"),
        ("reminder", "city_chair"),
        ("reminder", "protection"),
    ]


def test_a_settled_check_is_not_swept(world: World) -> None:
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with clock.at(start):
        concern = _unsure(world)
        actions.check_danger(concern, confirmed=False, reason="只是失眠", actor=world.protection)
    with clock.at(start + dt.timedelta(hours=2)):
        run_sla_sweep(clock.now())
    assert SlaNotice.objects.filter(concern=concern, deadline="check").count() == 0


# ---------------------------------------------------------------- the protection officer acts


def test_the_protection_officer_signs_contacts_notes_refers_and_records_legal_steps(
    world: World,
) -> None:
    concern = _critical_at_community(world)
    assert allowed_actions(world.protection, concern) == {
        "sign",
        "return",
        "escalate",
        "note",
        "assign",
        "reclassify",
        "change_urgency",
        "legal_step",
    }
    actions.sign_concern(concern, actor=world.protection)
    actions.log_contact(concern, actor=world.protection, method="phone", outcome="约定安全时段回电")
    actions.add_note(concern, actor=world.protection, note="施暴者白天在家，只在上午联系")
    actions.refer_concern(concern, actor=world.protection, body="police", reference="JQ1")
    actions.record_legal_step(
        concern, actor=world.protection, step="protection_order", details={"court": "海城区法院"}
    )
    concern.refresh_from_db()
    lead = Assignment.objects.get(concern=concern, active=True)
    assert (concern.status, lead.person_id, lead.role) == (
        Status.IN_PROGRESS,
        person_of(world.protection).pk,
        "lead",
    )
    assert list(concern.events.order_by("pk").values_list("kind", flat=True))[-6:] == [
        "signed",
        "assigned",
        "contact",
        "note",
        "referral",
        "legal_step",
    ]


def test_a_member_who_cannot_see_a_protected_concern_cannot_sign_it(world: World) -> None:
    concern = _critical_at_community(world)
    for persona in ("member", "social_worker", "dispatcher"):
        user = getattr(world, persona)
        before = _snapshot(concern)
        assert "sign" not in allowed_actions(user, concern)
        with pytest.raises(NotAllowed):
            actions.sign_concern(concern, actor=user)
        assert _snapshot(concern) == before
    actions.sign_concern(concern, actor=world.chair)
    for persona in ("member", "social_worker"):
        user = getattr(world, persona)
        before = _snapshot(concern)
        assert allowed_actions(user, concern) & {"contact", "refer", "reply"} == set()
        with pytest.raises(NotAllowed):
            actions.log_contact(concern, actor=user, method="phone", outcome="打过电话")
        with pytest.raises(NotAllowed):
            actions.reply_concern(concern, actor=user, reply="已处理")
        assert _snapshot(concern) == before


def test_the_chair_and_an_assigned_member_may_sign_a_protected_concern(world: World) -> None:
    concern = _critical_at_community(world)
    actions.assign_handler(concern, person_of(world.member), actor=world.chair)
    assert "sign" in allowed_actions(world.member, concern)
    actions.sign_concern(concern, actor=world.member)
    assert concern.status == Status.SIGNED


def test_a_protection_officer_elsewhere_cannot_act(world: World) -> None:
    from sanshi.orgs.actions import create_org
    from sanshi.orgs.models import Org

    other = create_org(name="银海区妇联", level=Org.Level.COUNTY, parent=world.city)
    officer = make_user("other_protection", role=Role.PROTECTION_OFFICER, org=other)
    concern = _critical_at_community(world)
    before = _snapshot(concern)
    assert allowed_actions(officer, concern) == set()
    with pytest.raises(NotAllowed):
        actions.sign_concern(concern, actor=officer)
    assert _snapshot(concern) == before


def test_the_protection_officer_takes_a_protected_concern_waiting_for_dispatch(
    world: World,
) -> None:
    concern = world.concern(text=DV_NOW, subcategory="family.conflict", urgency="critical")
    assert "take" in allowed_actions(world.protection, concern)
    for persona in ("dispatcher", "member", "chair"):
        before = _snapshot(concern)
        with pytest.raises(NotAllowed):
            actions.take_concern(concern, actor=getattr(world, persona))
        assert _snapshot(concern) == before
    at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with clock.at(at):
        actions.take_concern(concern, actor=world.protection)
    concern.refresh_from_db()
    assert (concern.status, concern.org_id, concern.signed_at, concern.contact_due) == (
        Status.SIGNED,
        world.county.pk,
        at,
        at + dt.timedelta(minutes=30),
    )
    lead = Assignment.objects.get(concern=concern, active=True)
    assert (lead.person_id, lead.role) == (person_of(world.protection).pk, "lead")
    with pytest.raises(IllegalTransition):
        actions.take_concern(concern, actor=world.protection)


def test_an_unprotected_concern_is_not_the_protection_officers_to_take(world: World) -> None:
    concern = world.concern()
    before = _snapshot(concern)
    with pytest.raises(NotAllowed):
        actions.take_concern(concern, actor=world.protection)
    assert _snapshot(concern) == before
