"""Home: what needs me now, in order, with counters, filters that stick, and bounded queries."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanshi.concerns import actions
from sanshi.concerns.models import Concern
from sanshi.console.tests import helpers as h
from sanshi.core import clock
from sanshi.testing import World, person_of

SECTIONS = ["critical", "mine", "unsigned", "overdue"]  # a 执委's home


def _counts(body: str) -> dict[str, int]:
    found = re.findall(
        r'id="section-(\w+)"[^>]*>\s*<div class="section-head"><h2>[^<]*</h2>'
        r'<span class="count" data-count="(\d+)"',
        body,
    )
    return {k: int(v) for k, v in found}


def _codes(body: str, section: str) -> list[str]:
    part = body.split(f'id="section-{section}"')[1].split("</section>")[0]
    return re.findall(r'<li data-concern="(\d+)"', part)


def test_sections_come_in_the_issue_order(world: World) -> None:
    body = h.logged_in(world.member).get("/console/").content.decode()
    positions = [body.index(f'id="section-{s}"') for s in SECTIONS]
    assert positions == sorted(positions)


def test_member_sees_her_tasks_and_unsigned_queue_with_counters(world: World) -> None:
    a = h.dispatched(world)
    b = h.in_progress(world)
    c = h.replied(world)
    body = h.logged_in(world.member).get("/console/").content.decode()
    # Follow-up (回访) is her chair's and the dispatcher's step, not hers: not on her home.
    assert _counts(body) == {"critical": 0, "mine": 2, "unsigned": 1, "overdue": 0}
    assert _codes(body, "mine") == [
        str(a.pk),
        str(b.pk),
    ]  # sign due in 24 h before contact in 2 days
    assert _codes(body, "unsigned") == [str(a.pk)]
    chair = h.logged_in(world.chair).get("/console/").content.decode()
    assert _codes(chair, "follow_up") == [str(c.pk)]


def test_my_tasks_are_ordered_by_nearest_deadline(world: World) -> None:
    normal = h.signed(world)
    urgent = h.signed(world, urgency="high")
    body = h.logged_in(world.member).get("/console/").content.decode()
    assert _codes(body, "mine") == [str(urgent.pk), str(normal.pk)]


def test_critical_concern_is_first_on_the_protection_officers_home(world: World) -> None:
    h.received(world)
    danger = h.received(world, text="他拿着刀说要杀了我，我躲在厕所", subcategory="safety.dv_now")
    body = h.logged_in(world.protection).get("/console/").content.decode()
    assert _counts(body)["critical"] == 1
    first_row = re.search(r'<li data-concern="(\d+)"', body)
    assert first_row is not None and first_row.group(1) == str(danger.pk)


def test_overdue_section_counts_missed_deadlines(world: World) -> None:
    late = h.dispatched(world)
    h.dispatched(world)
    Concern.objects.filter(pk=late.pk).update(sign_due=clock.now() - dt.timedelta(hours=1))
    body = h.logged_in(world.member).get("/console/").content.decode()
    assert _counts(body)["overdue"] == 1
    assert _codes(body, "overdue") == [str(late.pk)]


def test_overdue_follows_the_clock(world: World) -> None:
    c = h.dispatched(world)
    with time_machine.travel(c.sign_due + dt.timedelta(minutes=5)):
        body = h.logged_in(world.member).get("/console/").content.decode()
    assert _counts(body)["overdue"] == 1


def test_filters_stick_until_cleared(world: World) -> None:
    h.dispatched(world)
    h.dispatched(world, subcategory="family.conflict")
    client = h.logged_in(world.member)
    first = client.get("/console/?filter=1&sanshi=fanxin").content.decode()
    assert _counts(first)["unsigned"] == 1
    again = client.get("/console/").content.decode()
    assert _counts(again)["unsigned"] == 1
    assert '<option value="fanxin" selected>' in again
    cleared = client.get("/console/?clear=1").content.decode()
    assert _counts(cleared)["unsigned"] == 2


def test_bad_filter_values_are_ignored_not_errors(world: World) -> None:
    h.dispatched(world)
    response = h.logged_in(world.member).get("/console/?filter=1&sanshi=<x>&org=abc&urgency=9")
    assert response.status_code == 200
    assert _counts(response.content.decode())["unsigned"] == 1


def test_org_filter_only_offers_orgs_in_my_subtree(world: World) -> None:
    h.dispatched(world)
    client = h.logged_in(world.member)
    response = client.get(f"/console/?filter=1&org={world.county.pk}")
    assert _counts(response.content.decode())["unsigned"] == 1  # county is not hers: ignored
    assert f'<option value="{world.county.pk}"' not in response.content.decode()


def test_volunteer_home_shows_only_what_is_assigned_to_her(world: World) -> None:
    h.dispatched(world)
    mine = h.signed(world)
    actions.assign_handler(mine, person_of(world.volunteer), actor=world.member)
    body = h.logged_in(world.volunteer).get("/console/").content.decode()
    assert re.findall(r'<li data-concern="(\d+)"', body) == [str(mine.pk)]


def test_protected_text_is_not_shown_to_a_dispatcher_on_home(world: World) -> None:
    h.received(world, text="他拿着刀说要杀了我", subcategory="safety.dv_now")
    body = h.logged_in(world.dispatcher).get("/console/").content.decode()
    assert _counts(body)["critical"] == 1
    assert "拿着刀" not in body
    assert "受保护的诉求" in body


def test_home_query_count_does_not_grow_with_rows(world: World) -> None:
    client = h.logged_in(world.member)
    h.dispatched(world)
    client.get("/console/")
    with CaptureQueriesContext(connection) as few:
        client.get("/console/")
    for _ in range(6):
        h.replied(world)
        h.dispatched(world)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/console/")
    assert _counts(response.content.decode())["mine"] == 7
    # The same sections have rows (mine, unsigned): the same queries for 1 row or 13.
    assert len(many) == len(few)


def test_home_runs_a_fixed_number_of_queries(world: World, django_assert_num_queries) -> None:
    for _ in range(3):
        h.replied(world)
        h.dispatched(world)
        h.received(world, subcategory="safety.dv_now")
    client = h.logged_in(world.county_staff)
    # session, user, person, memberships, orgs for the filter, visibility grants (one query),
    # the counters at once, the three sections that have rows (dispatch, critical, follow-up),
    # unread count
    with django_assert_num_queries(11):
        response = client.get("/console/")
    assert _counts(response.content.decode()) == {
        "dispatch": 3,
        "critical": 3,
        "mine": 0,
        "unsigned": 0,
        "overdue": 0,
        "follow_up": 3,
    }


def _keys(body: str) -> list[str]:
    return re.findall(r'<section class="card sec-\w+" id="section-(\w+)"', body)


def test_each_role_sees_only_the_sections_it_can_act_on(world: World) -> None:
    def keys(user: object) -> list[str]:
        return _keys(h.logged_in(user).get("/console/").content.decode())

    assert keys(world.dispatcher) == [
        "dispatch",
        "critical",
        "mine",
        "unsigned",
        "overdue",
        "follow_up",
    ]
    assert keys(world.chair) == [
        "dispatch",
        "check",
        "critical",
        "mine",
        "unsigned",
        "overdue",
        "follow_up",
    ]
    assert keys(world.member) == ["critical", "mine", "unsigned", "overdue"]
    assert keys(world.social_worker) == ["critical", "mine", "unsigned", "overdue"]
    assert keys(world.volunteer) == ["critical", "mine", "overdue"]
    assert keys(world.protection) == ["check", "take", "critical", "mine", "unsigned", "overdue"]
    assert keys(world.leader) == ["watch_critical", "watch"]


def test_the_dispatchers_home_leads_with_concerns_waiting_for_dispatch(world: World) -> None:
    older = h.received(world)
    danger = h.received(world, text="他拿着刀说要杀了我，我躲在厕所", subcategory="safety.dv_now")
    h.dispatched(world)
    body = h.logged_in(world.dispatcher).get("/console/").content.decode()
    assert _keys(body)[0] == "dispatch"
    assert _counts(body)["dispatch"] == 2
    assert _codes(body, "dispatch") == [str(danger.pk), str(older.pk)]  # critical first
    part = body.split('id="section-dispatch"')[1].split("</section>")[0]
    assert 'href="/console/dispatch/"' in part


def test_empty_sections_say_why(world: World) -> None:
    body = h.logged_in(world.volunteer).get("/console/").content.decode()
    assert "暂时没有分派给您的诉求。派给您或您签收后，会出现在这里。" in body
    assert "没有。" not in body


def test_a_member_does_not_see_overdue_concerns_of_other_communities(world: World) -> None:
    ours = h.dispatched(world)
    theirs = actions.dispatch_concern(
        world.concern(),
        world.other_community,
        actor=world.dispatcher,
        handlers=[person_of(world.outside_member)],
    )
    late = clock.now() - dt.timedelta(hours=1)
    Concern.objects.filter(pk__in=[ours.pk, theirs.pk]).update(sign_due=late)
    member = h.logged_in(world.member).get("/console/").content.decode()
    assert _codes(member, "overdue") == [str(ours.pk)]
    county = h.logged_in(world.dispatcher).get("/console/").content.decode()
    assert sorted(_codes(county, "overdue")) == sorted([str(ours.pk), str(theirs.pk)])


def test_the_leader_sees_overdue_read_only_and_never_labelled_protected(world: World) -> None:
    plain = h.dispatched(world)
    Concern.objects.filter(pk=plain.pk).update(sign_due=clock.now() - dt.timedelta(hours=1))
    body = h.logged_in(world.leader).get("/console/").content.decode()
    assert _codes(body, "watch") == [str(plain.pk)]
    assert "受保护" not in body
    assert "只读视图：不显示诉求内容和个人信息" in body
    assert plain.text not in body


def test_a_protection_officer_sees_protected_concerns_she_may_take(world: World) -> None:
    h.received(world)
    danger = h.received(world, text="他拿着刀说要杀了我，我躲在厕所", subcategory="safety.dv_now")
    body = h.logged_in(world.protection).get("/console/").content.decode()
    assert _codes(body, "take") == [str(danger.pk)]
    assert _counts(body)["overdue"] == 0
