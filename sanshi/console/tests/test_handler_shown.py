"""The handler shown on a concern is the person doing the work; who was named first is kept."""

from __future__ import annotations

import re

from sanshi.concerns import actions
from sanshi.concerns.models import Assignment, ConcernEvent, EventKind
from sanshi.console.tests import helpers as h
from sanshi.testing import World, person_of


def _handlers(world: World, concern_id: int) -> str:
    body = h.logged_in(world.dispatcher).get(f"/console/c/{concern_id}/").content.decode()
    found = re.search(r'<dd id="handlers">(.*?)</dd>', body, re.S)
    assert found is not None
    return found.group(1)


def _rows(concern_id: int) -> list[tuple[str, str, bool]]:
    return list(
        Assignment.objects.filter(concern_id=concern_id)
        .order_by("pk")
        .values_list("person__user__username", "role", "active")
    )


def test_the_member_who_signs_becomes_the_lead_and_the_first_named_assists(world: World) -> None:
    c = actions.dispatch_concern(
        world.concern(), world.community, actor=world.dispatcher, handlers=[person_of(world.chair)]
    )
    actions.sign_concern(c, actor=world.member)
    actions.log_contact(c, actor=world.member, method="phone", outcome="约好周六上门")
    actions.reply_concern(c, actor=world.member, reply="已联系儿童之家")
    assert _rows(c.pk) == [("chair", "assist", True), ("member", "lead", True)]
    member, chair = person_of(world.member).name, person_of(world.chair).name
    assert _handlers(world, c.pk) == f"{member}（主办）、{chair}（协办）"
    taken = ConcernEvent.objects.filter(concern=c, kind=EventKind.ASSIGNED).order_by("pk")
    assert [e.data for e in taken] == [
        {"person": person_of(world.chair).pk, "role": "lead"},
        {
            "person": person_of(world.member).pk,
            "role": "lead",
            "replaces": [person_of(world.chair).pk],
        },
    ]


def test_the_lead_who_does_the_work_stays_the_lead(world: World) -> None:
    c = h.in_progress(world)
    actions.reply_concern(c, actor=world.member, reply="已联系儿童之家")
    assert _rows(c.pk) == [("member", "lead", True)]


def test_someone_from_above_helping_does_not_take_the_lead(world: World) -> None:
    c = h.signed(world, text="他拿着刀说要杀了我，我躲在厕所", subcategory="safety.dv_now")
    actions.log_contact(c, actor=world.protection, method="phone", outcome="已电话确认安全")
    assert _rows(c.pk) == [("member", "lead", True)]
