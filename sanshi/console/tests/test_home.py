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

SECTIONS = ["critical", "mine", "unsigned", "overdue", "follow_up"]


def _counts(body: str) -> dict[str, int]:
    found = re.findall(r'id="section-(\w+)"[^>]*>\s*<div class="section-head"><h2>[^<]*</h2>'
                       r'<span class="count" data-count="(\d+)"', body)  # fmt: skip
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
    assert _counts(body) == {"critical": 0, "mine": 2, "unsigned": 1, "overdue": 0, "follow_up": 1}
    assert _codes(body, "mine") == [
        str(a.pk),
        str(b.pk),
    ]  # sign due in 24 h before contact in 2 days
    assert _codes(body, "unsigned") == [str(a.pk)]
    assert _codes(body, "follow_up") == [str(c.pk)]


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
    # Sections that were empty before now have rows: one more query each (follow-up).
    assert len(many) == len(few) + 1


def test_home_runs_a_fixed_number_of_queries(world: World, django_assert_num_queries) -> None:
    for _ in range(3):
        h.replied(world)
        h.dispatched(world)
        h.received(world, subcategory="safety.dv_now")
    client = h.logged_in(world.county_staff)
    # session, user, person, memberships, orgs for the filter, visibility grants (one query),
    # the five counters at once, the two sections that have rows (critical, follow-up),
    # unread count
    with django_assert_num_queries(10):
        response = client.get("/console/")
    assert _counts(response.content.decode()) == {
        "critical": 3, "mine": 0, "unsigned": 0, "overdue": 0, "follow_up": 3,
    }  # fmt: skip
