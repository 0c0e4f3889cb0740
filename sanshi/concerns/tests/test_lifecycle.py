from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from sanshi.concerns import actions
from sanshi.concerns.models import Assignment, Concern, EventKind, Status
from sanshi.concerns.tests.conftest import step
from sanshi.core.errors import IllegalTransition, InvalidInput
from sanshi.testing import World, person_of

ALL_STATUSES = list(Status.values)

# Each action, the statuses it may start from, the status it leads to, and how to call it.
ACTIONS: dict[str, tuple[set[str], str | None, Callable[[World, Concern], Any]]] = {
    "dispatch": (
        {"received", "returned"},
        "dispatched",
        lambda w, c: actions.dispatch_concern(c, w.community, actor=w.dispatcher),
    ),
    "sign": ({"dispatched"}, "signed", lambda w, c: actions.sign_concern(c, actor=w.member)),
    "return": (
        {"dispatched", "signed"},
        "returned",
        lambda w, c: actions.return_concern(c, actor=w.member, reason="非本辖区"),
    ),
    "contact": (
        {"signed", "in_progress", "reopened"},
        "in_progress",
        lambda w, c: actions.log_contact(c, actor=w.member, method="visit", outcome="入户走访"),
    ),
    "refer": (
        {"signed", "in_progress", "reopened"},
        "in_progress",
        lambda w, c: actions.refer_concern(c, actor=w.member, body="legal_aid", reference="LA-1"),
    ),
    "reply": (
        {"signed", "in_progress", "reopened"},
        "replied",
        lambda w, c: actions.reply_concern(c, actor=w.member, reply="已办理"),
    ),
    "request_extension": (
        {"signed", "in_progress", "reopened"},
        None,
        lambda w, c: actions.request_extension(
            c,
            actor=w.member,
            until=(c.resolve_due or c.received_at) + dt.timedelta(days=30),
            reason="需要协调学校",
        ),
    ),
    "follow_up_solved": (
        {"replied"},
        "closed",
        lambda w, c: actions.record_follow_up(c, actor=None, solved=True, satisfaction="basic"),
    ),
    "follow_up_not_solved": (
        {"replied"},
        "reopened",
        lambda w, c: actions.record_follow_up(
            c, actor=None, solved=False, satisfaction="unsatisfied"
        ),
    ),
    "close": (
        {"replied", "received", "returned"},
        "closed",
        lambda w, c: actions.close_concern(c, actor=w.county_staff, reason="居民联系不上"),
    ),
    "merge": (
        {"received", "returned", "dispatched", "signed", "in_progress", "reopened"},
        "merged",
        lambda w, c: actions.merge_concern(
            c, into=w.concern(text="另一件同样的事"), actor=w.dispatcher
        ),
    ),
    "escalate": (
        {"dispatched", "returned", "signed", "in_progress", "reopened"},
        None,
        lambda w, c: actions.escalate_concern(
            c, actor=w.dispatcher, to_org=c.org.parent, reason="需要上级协调"
        ),
    ),
}

CASES = [(name, status) for name in ACTIONS for status in ALL_STATUSES]


@pytest.mark.parametrize(("action", "status"), CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_every_action_from_every_status(
    world: World, concern_in: Callable[[str], Concern], action: str, status: str
) -> None:
    allowed_from, leads_to, call = ACTIONS[action]
    concern = concern_in(status)
    events_before = concern.events.count()
    if status in allowed_from:
        call(world, concern)
        concern.refresh_from_db()
        assert concern.status == (leads_to or status)
        assert concern.events.count() > events_before
    else:
        with pytest.raises(IllegalTransition):
            call(world, concern)
        concern.refresh_from_db()
        assert concern.status == status
        assert concern.events.count() == events_before


def test_dispatch_sets_deadlines_and_handlers(world: World) -> None:
    concern = world.concern()
    member = person_of(world.member)
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher, handlers=[member])
    assert concern.org == world.community
    assert concern.dispatching_org == world.county
    assert concern.sign_due == concern.dispatched_at + dt.timedelta(hours=24)
    assert concern.resolve_due == concern.dispatched_at + dt.timedelta(days=7)
    assert list(concern.assignments.values_list("person", "role", "active")) == [
        (member.pk, Assignment.Role.LEAD, True)
    ]


def test_return_goes_back_to_the_dispatcher_with_its_reason(world: World) -> None:
    concern = world.concern()
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    actions.return_concern(concern, actor=world.member, reason="地址在侨中社区")
    assert (concern.status, concern.org, concern.return_count) == ("returned", world.county, 1)
    assert concern.sign_due is None
    event = concern.events.get(kind=EventKind.RETURNED)
    assert (event.note, event.org, event.data) == (
        "地址在侨中社区",
        world.community,
        {"back_to": world.county.pk},
    )


def test_return_needs_a_reason(world: World) -> None:
    concern = world.concern()
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    with pytest.raises(InvalidInput):
        actions.return_concern(concern, actor=world.member, reason="  ")
    concern.refresh_from_db()
    assert concern.status == "dispatched"
    assert concern.events.filter(kind=EventKind.RETURNED).count() == 0


def test_not_solved_reopens_and_a_second_reply_can_close(world: World) -> None:
    concern = world.concern()
    for name in ["dispatch", "sign", "contact", "reply", "not_solved"]:
        step(world, concern, name)
    assert (concern.status, concern.reopen_count, concern.solved) == ("reopened", 1, False)
    actions.reply_concern(concern, actor=world.member, reply="再次协调，已解决")
    actions.record_follow_up(
        concern, actor=None, solved=True, satisfaction="satisfied", comment="谢谢"
    )
    assert (concern.status, concern.solved, concern.satisfaction) == ("closed", True, "satisfied")
    kinds = list(concern.events.values_list("kind", flat=True))
    assert kinds == [
        "received",
        "dispatched",
        "signed",
        "assigned",
        "contact",
        "replied",
        "reopened",
        "replied",
        "followed_up",
    ]


def test_extension_approved_moves_the_resolve_deadline(world: World) -> None:
    concern = world.concern()
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    actions.sign_concern(concern, actor=world.member)
    until = concern.resolve_due + dt.timedelta(days=5)
    actions.request_extension(concern, actor=world.member, until=until, reason="等法院排期")
    with pytest.raises(IllegalTransition):
        actions.request_extension(concern, actor=world.member, until=until, reason="again")
    actions.decide_extension(concern, actor=world.dispatcher, approve=True, note="同意")
    assert (concern.resolve_due, concern.extension_requested_until, concern.extension_count) == (
        until,
        None,
        1,
    )


def test_extension_refused_keeps_the_deadline(world: World) -> None:
    concern = world.concern()
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    actions.sign_concern(concern, actor=world.member)
    due = concern.resolve_due
    actions.request_extension(
        concern, actor=world.member, until=due + dt.timedelta(days=2), reason="忙"
    )
    actions.decide_extension(concern, actor=world.dispatcher, approve=False, note="请按时办结")
    assert (concern.resolve_due, concern.extension_requested_until, concern.extension_count) == (
        due,
        None,
        0,
    )


def test_merged_concerns_are_each_answered_and_rated_separately(world: World) -> None:
    main = world.concern(text="小区门口的路灯坏了，孩子晚上回家很危险")
    twin = world.concern(text="门口路灯不亮好几天了")
    actions.merge_concern(twin, into=main, actor=world.dispatcher)
    actions.dispatch_concern(main, world.community, actor=world.dispatcher)
    actions.sign_concern(main, actor=world.member)
    actions.reply_concern(main, actor=world.member, reply="已报修")
    twin.refresh_from_db()
    assert (twin.status, twin.merged_into_id) == ("replied", main.pk)
    actions.record_follow_up(twin, actor=None, solved=False, satisfaction="unsatisfied")
    actions.record_follow_up(main, actor=None, solved=True, satisfaction="satisfied")
    twin.refresh_from_db()
    assert (main.status, twin.status) == ("closed", "reopened")


def test_merge_into_itself_or_a_closed_concern_is_refused(world: World) -> None:
    concern = world.concern()
    with pytest.raises(InvalidInput):
        actions.merge_concern(concern, into=concern, actor=world.dispatcher)
    concern.refresh_from_db()
    assert concern.status == "received"


def test_escalation_to_a_department_and_its_response(world: World) -> None:
    concern = world.concern()
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    actions.escalate_concern(
        concern, actor=world.dispatcher, department="区民政局", reason="低保申请"
    )
    actions.record_escalation_response(
        concern, actor=world.dispatcher, response="民政局已受理", rating="basic"
    )
    assert concern.escalated_department == "区民政局"
    event = concern.events.get(kind=EventKind.ESCALATION_RESPONSE)
    assert (event.note, event.data) == ("民政局已受理", {"rating": "basic"})


def test_escalation_must_name_the_parent_or_a_department(world: World) -> None:
    concern = world.concern()
    actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    with pytest.raises(InvalidInput):
        actions.escalate_concern(concern, actor=world.dispatcher, to_org=world.city, reason="x")
    with pytest.raises(InvalidInput):
        actions.escalate_concern(concern, actor=world.dispatcher, reason="x")
    assert concern.events.filter(kind=EventKind.ESCALATED).count() == 0


def test_urgent_subcategory_makes_a_concern_critical_and_protected(world: World) -> None:
    concern = world.concern(text="他又喝醉了在砸门", subcategory="safety.dv_now")
    assert (concern.urgency, concern.protected, concern.sanshi, concern.category) == (
        "critical",
        True,
        "jiuxin",
        "safety",
    )


def test_downgrading_critical_needs_a_person_and_a_reason(world: World) -> None:
    concern = world.concern(text="他又喝醉了在砸门", subcategory="safety.dv_now")
    with pytest.raises(InvalidInput):
        actions.change_urgency(concern, actor=world.protection, urgency="normal", reason="")
    actions.change_urgency(
        concern, actor=world.protection, urgency="high", reason="已核实，民警已到场"
    )
    event = concern.events.get(kind=EventKind.URGENCY_CHANGED)
    assert (concern.urgency, event.data, event.note) == (
        "high",
        {"before": "critical", "after": "high"},
        "已核实，民警已到场",
    )


def test_reclassify_records_before_and_after(world: World) -> None:
    concern = world.concern()
    actions.reclassify_concern(
        concern,
        actor=world.dispatcher,
        category="family",
        subcategory="family.custody",
        reason="其实是抚养费问题",
    )
    event = concern.events.get(kind=EventKind.RECLASSIFIED)
    assert event.data == {
        "before": {"category": "children", "subcategory": "children.childcare"},
        "after": {"category": "family", "subcategory": "family.custody"},
    }
    assert (concern.sanshi, concern.urgency) == ("fanxin", "normal")


def test_unknown_codes_and_empty_text_are_refused_and_nothing_is_written(world: World) -> None:
    for bad in (
        {"text": "  "},
        {"subcategory": "nope.nope"},
        {"category": "nope"},
        {"channel": "pigeon"},
        {"urgency": "panic"},
        {"category": "family", "subcategory": "children.abuse"},
        {"text": "字" * 4001},
    ):
        with pytest.raises(InvalidInput):
            world.concern(**bad)
    assert Concern.objects.count() == 0


def test_anonymous_reporter_keeps_no_name_or_phone(world: World) -> None:
    concern = world.concern(anonymous=True, reporter_name="王女士", reporter_phone="13800000000")
    assert (concern.reporter_name, concern.reporter_phone) == ("", "")


def test_an_action_returns_the_concern_as_the_database_now_holds_it(world: World) -> None:
    # Steps keep the instance as written instead of reading it back; counters come from the
    # database. Compare every column with a fresh read after a few steps.
    concern = world.concern()
    concern = actions.dispatch_concern(
        concern, world.community, actor=world.dispatcher, handlers=[person_of(world.member)]
    )
    assert concern.org == world.community  # the org written, not a stale cached one
    columns = [f.attname for f in Concern._meta.concrete_fields]

    def as_read(c: Concern) -> dict[str, object]:
        # Times as printed: a deadline in local time equals its UTC twin but prints otherwise.
        values = {name: getattr(c, name) for name in columns}
        return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in values.items()}

    assert concern.contact_due is not None  # the deadlines are set (some in working days)
    assert as_read(concern) == as_read(Concern.objects.get(pk=concern.pk))
    concern = actions.return_concern(concern, actor=world.member, reason="不属于本社区")
    assert as_read(concern) == as_read(Concern.objects.get(pk=concern.pk))
    assert (concern.status, concern.return_count) == (Status.RETURNED, 1)
