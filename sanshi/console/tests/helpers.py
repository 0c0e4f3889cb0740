"""Shared set-up for console tests: concerns brought to each state through the real actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from sanshi.concerns import actions
from sanshi.concerns.models import Assignment, Concern, ConcernEvent, LegalStep
from sanshi.core import clock
from sanshi.testing import World, person_of


def received(world: World, **kw: Any) -> Concern:
    return world.concern(**kw)


def dispatched(world: World, **kw: Any) -> Concern:
    c = world.concern(**kw)
    return actions.dispatch_concern(
        c, world.community, actor=world.dispatcher, handlers=[person_of(world.member)]
    )


def signed(world: World, **kw: Any) -> Concern:
    return actions.sign_concern(dispatched(world, **kw), actor=world.member)


def in_progress(world: World, **kw: Any) -> Concern:
    c = signed(world, **kw)
    return actions.log_contact(c, actor=world.member, method="phone", outcome="约好周六上门")


def replied(world: World, **kw: Any) -> Concern:
    c = in_progress(world, **kw)
    return actions.reply_concern(c, actor=world.member, reply="已联系儿童之家，周一起可以托管")


def closed(world: World, **kw: Any) -> Concern:
    c = world.concern(**kw)
    return actions.close_concern(c, actor=world.county_staff, reason="重复来电，已在另一件中处理")


def rated_closed(world: World, **kw: Any) -> Concern:
    """Closed at the community after the resident rated it solved."""
    c = replied(world, **kw)
    return actions.record_follow_up(c, actor=None, solved=True, satisfaction="satisfied")


def extension_pending(world: World, **kw: Any) -> Concern:
    c = signed(world, **kw)
    until = clock.now() + dt.timedelta(days=30)
    return actions.request_extension(c, actor=world.member, until=until, reason="需要等法院排期")


def escalated(world: World, **kw: Any) -> Concern:
    c = signed(world, **kw)
    return actions.escalate_concern(
        c, actor=world.member, reason="涉及多个部门", to_org=world.township
    )


def with_legal_step(world: World) -> Concern:
    c = signed(world, subcategory="safety.dv_help")
    actions.record_legal_step(
        c,
        actor=world.member,
        step="police_warning",
        details={"police_station": "海城派出所", "issued_on": "2026-11-20"},
    )
    return c


def snapshot() -> tuple[Any, ...]:
    """Every row an action could write, to prove a refused request wrote nothing."""
    return (
        list(Concern.objects.order_by("pk").values()),
        list(ConcernEvent.objects.order_by("pk").values_list("pk", "kind")),
        list(Assignment.objects.order_by("pk").values()),
        list(LegalStep.objects.order_by("pk").values()),
    )


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
