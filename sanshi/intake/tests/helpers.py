"""Small builders for the intake tests."""

from __future__ import annotations

from typing import Any

from sanshi.concerns import actions
from sanshi.concerns.models import Concern
from sanshi.testing import World

INTERNAL_NOTE = "内部备注：施暴人是邻居张某"
REPLY = "已安排北部湾社区儿童之家接收，社工王芳跟进"


def replied(world: World, **kwargs: Any) -> Concern:
    """A concern dispatched to the community, signed, noted internally and answered."""
    values: dict[str, Any] = {
        "reporter_name": "李春花",
        "reporter_phone": "13800000001",
        "address": "北部湾东路12号3栋",
    }
    values.update(kwargs)
    concern = world.concern(**values)
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    actions.sign_concern(concern, actor=world.member)
    actions.add_note(concern, actor=world.member, note=INTERNAL_NOTE)
    actions.reply_concern(concern, actor=world.member, reply=REPLY)
    concern.refresh_from_db()
    return concern
