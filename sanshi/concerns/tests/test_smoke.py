from __future__ import annotations

from sanshi.concerns import actions
from sanshi.concerns.models import Status
from sanshi.testing import World, person_of


def test_whole_loop_closes_a_concern(world: World) -> None:
    c = world.concern()
    actions.dispatch_concern(c, world.community, actor=world.dispatcher)
    actions.sign_concern(c, actor=world.member)
    actions.log_contact(c, actor=world.member, method="visit", outcome="上门了解情况")
    actions.reply_concern(c, actor=world.member, reply="已联系儿童之家")
    actions.record_follow_up(c, actor=None, solved=True, satisfaction="satisfied")
    assert c.status == Status.CLOSED
    assert list(c.events.values_list("kind", flat=True)) == [
        "received", "dispatched", "signed", "assigned", "visit", "replied", "followed_up",
    ]
    assert c.assignments.get().person == person_of(world.member)
