from __future__ import annotations

import pytest

from sanshi.concerns import actions
from sanshi.concerns.access import access_concern, concerns_visible_to, sees_in_full
from sanshi.concerns.permissions import allowed_actions
from sanshi.core.errors import NotAllowed, NotFound
from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Org, Role
from sanshi.testing import World, make_user, person_of


def _dispatched(world: World):
    concern = world.concern()
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    return concern


def _assert_unchanged(concern, status: str, events: int) -> None:
    concern.refresh_from_db()
    assert (concern.status, concern.events.count()) == (status, events)


@pytest.mark.parametrize("persona", ["outside_member", "volunteer", "leader", "city_staff"])
def test_only_the_orgs_handlers_may_sign(world: World, persona: str) -> None:
    concern = _dispatched(world)
    events = concern.events.count()
    with pytest.raises(NotAllowed):
        actions.sign_concern(concern, actor=getattr(world, persona))
    _assert_unchanged(concern, "dispatched", events)


def test_a_volunteer_may_sign_once_assigned(world: World) -> None:
    concern = _dispatched(world)
    actions.assign_handler(concern, person_of(world.volunteer), actor=world.chair)
    actions.sign_concern(concern, actor=world.volunteer)
    assert concern.status == "signed"


def test_a_dispatcher_cannot_dispatch_outside_her_subtree(world: World) -> None:
    other_county = create_org(name="银海区妇联", level=Org.Level.COUNTY, parent=world.city)
    concern = world.concern()
    events = concern.events.count()
    with pytest.raises(NotAllowed):
        actions.dispatch_concern(concern, other_county, actor=world.dispatcher)
    _assert_unchanged(concern, "received", events)


def test_a_leader_can_take_no_action(world: World) -> None:
    concern = _dispatched(world)
    assert allowed_actions(world.leader, concern) == set()


def test_allowed_actions_follow_state_and_role(world: World) -> None:
    concern = _dispatched(world)
    assert allowed_actions(world.member, concern) == {
        "sign",
        "return",
        "escalate",
        "note",
        "assign",
        "reclassify",
        "change_urgency",
        "legal_step",
    }
    assert allowed_actions(world.dispatcher, concern) == {
        "merge",
        "escalate",
        "note",
        "assign",
        "reclassify",
        "change_urgency",
    }
    assert allowed_actions(world.outside_member, concern) == set()


def test_the_handler_cannot_approve_her_own_extension(world: World) -> None:
    concern = _dispatched(world)
    actions.sign_concern(concern, actor=world.chair)
    actions.request_extension(
        concern, actor=world.chair, until=concern.resolve_due.replace(year=2099), reason="协调中"
    )
    with pytest.raises(NotAllowed):
        actions.decide_extension(concern, actor=world.chair, approve=True)
    assert "decide_extension" in allowed_actions(world.dispatcher, concern)
    assert "decide_extension" not in allowed_actions(world.chair, concern)


def test_visibility_by_subtree_and_assignment(world: World) -> None:
    concern = _dispatched(world)
    assert list(concerns_visible_to(world.member)) == [concern]
    assert list(concerns_visible_to(world.outside_member)) == []
    assert list(concerns_visible_to(world.volunteer)) == []
    with pytest.raises(NotFound):
        access_concern(world.outside_member, concern.pk)
    with pytest.raises(NotFound):
        access_concern(world.member, 999_999)
    actions.assign_handler(concern, person_of(world.volunteer), actor=world.chair)
    assert access_concern(world.volunteer, concern.pk) == concern


def test_protected_concern_in_full_only_for_handlers_chair_and_protection(world: World) -> None:
    concern = world.concern(text="他打我，孩子也在", subcategory="safety.dv_now")
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    full = {
        p: sees_in_full(getattr(world, p), concern)
        for p in ("chair", "protection", "member", "dispatcher", "city_staff", "leader")
    }
    assert full == {
        "chair": True,
        "protection": True,
        "member": False,
        "dispatcher": False,
        "city_staff": False,
        "leader": False,
    }
    actions.assign_handler(concern, person_of(world.member), actor=world.chair)
    assert sees_in_full(world.member, concern) is True


def test_a_role_whose_term_has_ended_grants_nothing(world: World) -> None:
    from sanshi.orgs.actions import end_membership
    from sanshi.orgs.models import Membership

    former = make_user("former", role=Role.COMMITTEE_MEMBER, org=world.community)
    end_membership(
        Membership.objects.get(person__user=former),
        on=Membership.objects.get(person__user=former).term_start,
    )
    concern = _dispatched(world)
    with pytest.raises(NotAllowed):
        actions.sign_concern(concern, actor=former)
