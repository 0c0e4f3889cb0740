from __future__ import annotations

from collections.abc import Callable

import pytest

from sanshi.concerns import actions
from sanshi.concerns.models import Concern, Status
from sanshi.testing import World

# How to bring a fresh concern into each status, step by step.
PATHS: dict[str, list[str]] = {
    Status.RECEIVED: [],
    Status.DISPATCHED: ["dispatch"],
    Status.RETURNED: ["dispatch", "return"],
    Status.SIGNED: ["dispatch", "sign"],
    Status.IN_PROGRESS: ["dispatch", "sign", "contact"],
    Status.REPLIED: ["dispatch", "sign", "contact", "reply"],
    Status.REOPENED: ["dispatch", "sign", "contact", "reply", "not_solved"],
    Status.CLOSED: ["dispatch", "sign", "contact", "reply", "solved"],
    Status.MERGED: ["merge"],
}


def step(world: World, concern: Concern, name: str) -> Concern:
    """Take one named lifecycle step with the persona who would normally take it."""
    steps: dict[str, Callable[[], Concern]] = {
        "dispatch": lambda: actions.dispatch_concern(
            concern, world.community, actor=world.dispatcher
        ),
        "sign": lambda: actions.sign_concern(concern, actor=world.member),
        "return": lambda: actions.return_concern(
            concern, actor=world.member, reason="不是本社区的"
        ),
        "contact": lambda: actions.log_contact(
            concern, actor=world.member, method="phone", outcome="已电话联系"
        ),
        "reply": lambda: actions.reply_concern(concern, actor=world.member, reply="已安排儿童之家"),
        "solved": lambda: actions.record_follow_up(
            concern, actor=None, solved=True, satisfaction="satisfied"
        ),
        "not_solved": lambda: actions.record_follow_up(
            concern, actor=None, solved=False, satisfaction="unsatisfied"
        ),
        "merge": lambda: actions.merge_concern(
            concern, into=world.concern(text="同一件事：楼道灯坏了"), actor=world.dispatcher
        ),
    }
    return steps[name]()


@pytest.fixture
def concern_in(world: World) -> Callable[[str], Concern]:
    """Make a concern and walk it into the given status."""

    def make(status: str) -> Concern:
        concern = world.concern()
        for name in PATHS[status]:
            step(world, concern, name)
        assert concern.status == status
        return concern

    return make
