"""Protected concerns: who sees them in full, break-glass, reveal, and the audit of every look."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanshi.audit.models import AuditEntry
from sanshi.concerns import actions
from sanshi.concerns.access import DEIDENTIFIED, FULL, STUB, access_concern, visibility
from sanshi.core.errors import InvalidInput, NotAllowed
from sanshi.testing import World, person_of


def _protected(world: World):
    concern = world.concern(
        text="他喝醉了打我，孩子吓坏了",
        subcategory="safety.dv_now",
        reporter_name="林女士",
        reporter_phone="13600001234",
    )
    actions.dispatch_concern(
        concern, world.community, actor=world.dispatcher, handlers=[person_of(world.social_worker)]
    )
    return concern


def test_visibility_of_a_protected_concern_by_persona(world: World) -> None:
    concern = _protected(world)
    seen = {
        p: visibility(getattr(world, p), concern)
        for p in (
            "chair",
            "protection",
            "social_worker",
            "member",
            "dispatcher",
            "city_staff",
            "leader",
        )
    }
    assert seen == {
        "chair": FULL,
        "protection": FULL,
        "social_worker": FULL,
        "member": STUB,
        "dispatcher": STUB,
        "city_staff": STUB,
        "leader": DEIDENTIFIED,
    }


def test_a_leader_sees_ordinary_concerns_de_identified_too(world: World) -> None:
    concern = world.concern()
    assert (visibility(world.leader, concern), visibility(world.dispatcher, concern)) == (
        DEIDENTIFIED,
        FULL,
    )


def test_every_full_look_at_a_protected_concern_is_audited(world: World) -> None:
    concern = _protected(world)
    before = AuditEntry.objects.filter(action="concern.read").count()
    access_concern(world.chair, concern.pk)
    access_concern(world.protection, concern.pk)
    access_concern(world.dispatcher, concern.pk)  # a stub: nothing personal was shown
    reads = AuditEntry.objects.filter(action="concern.read").order_by("seq")
    assert reads.count() - before == 2
    assert [r.actor_name for r in reads][-2:] == ["chair", "protection"]


def test_break_glass_opens_for_an_hour_with_a_reason_and_alerts(world: World) -> None:
    t0 = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False):
        concern = _protected(world)
        with pytest.raises(InvalidInput):
            actions.break_glass(concern, actor=world.dispatcher, reason=" ")
        actions.break_glass(concern, actor=world.dispatcher, reason="受害人来电，需核对地址")
        assert visibility(world.dispatcher, concern) == FULL
        with pytest.raises(InvalidInput):
            actions.break_glass(concern, actor=world.chair, reason="已能查看")
    with time_machine.travel(t0 + dt.timedelta(minutes=61), tick=False):
        assert visibility(world.dispatcher, concern) == STUB
    entry = AuditEntry.objects.get(action="break_glass")
    assert (entry.actor_name, entry.object_id, entry.data["reason"]) == (
        "dispatcher",
        str(concern.pk),
        "受害人来电，需核对地址",
    )
    assert concern.events.filter(kind="break_glass").count() == 1


@pytest.mark.parametrize("persona", ["volunteer", "leader", "outside_member"])
def test_break_glass_is_not_for_everyone(world: World, persona: str) -> None:
    concern = _protected(world)
    with pytest.raises(NotAllowed):
        actions.break_glass(concern, actor=getattr(world, persona), reason="想看看")
    assert AuditEntry.objects.filter(action="break_glass").count() == 0


def test_reveal_is_audited_and_only_for_those_who_see_in_full(world: World) -> None:
    concern = _protected(world)
    assert (
        actions.reveal_contact(concern, actor=world.social_worker, field="reporter_phone")
        == "13600001234"
    )
    with pytest.raises(NotAllowed):
        actions.reveal_contact(concern, actor=world.dispatcher, field="reporter_phone")
    with pytest.raises(NotAllowed):
        actions.reveal_contact(concern, actor=world.leader, field="reporter_name")
    reveals = AuditEntry.objects.filter(action="reveal")
    assert [(r.actor_name, r.data["field"]) for r in reveals] == [
        ("social_worker", "reporter_phone")
    ]


def test_protect_concern_hides_its_search_text(world: World) -> None:
    concern = world.concern(text="邻居说我孩子被人带走了")
    actions.protect_concern(concern, actor=world.dispatcher, reason="涉及未成年人")
    concern.refresh_from_db()
    assert (concern.protected, concern.search_text) == (True, "")
    assert visibility(world.dispatcher, concern) == STUB


def test_break_glass_notifies_the_chair(world: World, django_capture_on_commit_callbacks) -> None:
    from sanshi.notifications.models import Notification

    concern = _protected(world)
    with django_capture_on_commit_callbacks(execute=True):
        actions.break_glass(concern, actor=world.dispatcher, reason="核对地址")
    assert list(
        Notification.objects.filter(kind="break_glass").values_list("user__username", flat=True)
    ) == ["chair"]
