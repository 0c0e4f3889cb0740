"""The dashboard over HTTP: who sees what, figures equal the live computation, suppression."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from sanshi.analytics import rollups
from sanshi.analytics.dashboard import Figure, figure
from sanshi.analytics.selectors import Rate, rates_for_org
from sanshi.analytics.tests.test_rates import _build
from sanshi.concerns.actions import dispatch_concern
from sanshi.testing import World

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = dt.datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
YEAR = (dt.datetime(2026, 1, 1, tzinfo=TZ), dt.datetime(2027, 1, 1, tzinfo=TZ))


@pytest.fixture
def built(world: World) -> World:
    _build(world)
    rollups.refresh()
    return world


def _get(client: Client, user: Any, query: str = "") -> Any:
    client.force_login(user)
    with time_machine.travel(TODAY, tick=False):
        return client.get("/console/dashboard/" + query)


def test_city_staff_sees_the_city_rates_as_computed_live(built: World, client: Client) -> None:
    response = _get(client, built.city_staff)
    assert response.status_code == 200
    board = response.context["board"]
    live = rates_for_org(built.city, *YEAR)
    assert board.org == built.city
    assert board.deidentify is False
    for name in ("response", "resolution", "satisfaction", "on_time", "returned", "reopened"):
        r: Rate = getattr(live, name)
        assert board.rates[name] == Figure(r.numerator, r.denominator, r.value), name
    assert board.rates["response"].counts == "2/5"
    assert [c.org for c in board.children] == [built.county]
    assert board.children[0].rates["response"].counts == "2/5"
    assert board.funnel[0][1] == 5
    assert [n for _, n in board.funnel] == [5, 4, 3, 3]  # received, signed, replied, rated
    body = response.content.decode()
    assert 'id="dashboard-data" type="application/json"' in body
    assert "<script>" not in body  # no inline script


def test_drill_down_to_the_community(built: World, client: Client) -> None:
    response = _get(client, built.city_staff, f"?org={built.township.pk}")
    board = response.context["board"]
    assert [c.org.name for c in board.children] == ["侨中社区妇联", "北部湾社区妇联"]
    ours = next(c for c in board.children if c.org == built.community)
    live = rates_for_org(built.community, *YEAR)
    assert ours.rates["response"] == figure(live.response, False)
    assert ours.rates["satisfaction"].counts == "2/3"  # A satisfied, B basic, C not


def test_chair_sees_her_community_only(built: World, client: Client) -> None:
    response = _get(client, built.chair)
    assert response.context["board"].org == built.community
    assert response.context["board"].rates["response"].counts == "2/4"
    assert _get(client, built.chair, f"?org={built.county.pk}").status_code == 404
    assert _get(client, built.chair, f"?org={built.other_community.pk}").status_code == 404
    assert _get(client, built.chair, "?org=abc").status_code == 404


def test_leader_sees_de_identified_figures(built: World, client: Client) -> None:
    response = _get(client, built.leader)
    board = response.context["board"]
    assert board.deidentify is True
    assert board.received == 5
    assert board.rates["response"].percent == "<5"  # 2 of 5: the 2 is a small cell
    assert board.rates["response"].counts == "<5/5"
    assert board.rates["response"].value is None
    body = response.content.decode()
    assert "40.0%" not in body


def test_volunteer_and_member_have_no_dashboard(built: World, client: Client) -> None:
    assert _get(client, built.volunteer).status_code == 404
    assert _get(client, built.member).status_code == 404


def test_the_dashboard_makes_a_fixed_number_of_queries(
    built: World, client: Client, django_assert_num_queries: Any
) -> None:
    client.force_login(built.city_staff)
    with time_machine.travel(TODAY, tick=False), django_assert_num_queries(QUERIES):
        assert client.get("/console/dashboard/").status_code == 200


QUERIES = 16  # session, user, viewer, unread, 5 rollup sums, orgs, overdue, crumbs


def test_the_console_links_the_dashboard_for_those_who_may_see_it(
    built: World, client: Client
) -> None:
    client.force_login(built.chair)
    assert 'href="/console/dashboard/"' in client.get("/console/").content.decode()
    client.force_login(built.volunteer)
    assert 'href="/console/dashboard/"' not in client.get("/console/").content.decode()


def test_the_dashboard_in_english(built: World, client: Client) -> None:
    client.force_login(built.city_staff)
    client.cookies["django_language"] = "en"
    with time_machine.travel(TODAY, tick=False):
        body = client.get("/console/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The six rates" in body
    assert "Behind the figures: signs of gaming" in body
    assert ">Dashboard</a>" in body
    assert '<a href="/places/staff/figures/" id="places-figures">Places and activities</a>' in body


def test_the_dashboard_leads_to_the_places_figures_for_those_who_may_open_them(
    built: World, client: Client
) -> None:
    link = '<a href="/places/staff/figures/" id="places-figures">阵地与活动</a>'
    # The chair runs her community's places: the link, and the page it leads to.
    chair = _get(client, built.chair)
    assert chair.status_code == 200
    assert chair.context["places_figures"] is True
    assert link in chair.content.decode()
    with time_machine.travel(TODAY, tick=False):
        assert client.get("/places/staff/figures/").status_code == 200
    # A leader sees the dashboard (read-only) but runs no place: no link, and no page.
    leader = _get(client, built.leader)
    assert leader.status_code == 200
    assert leader.context["places_figures"] is False
    assert "/places/staff/figures/" not in leader.content.decode()
    with time_machine.travel(TODAY, tick=False):
        assert client.get("/places/staff/figures/").status_code == 404


def test_a_leader_cannot_work_out_a_small_child_from_the_total(
    world: World, client: Client
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, tzinfo=TZ), tick=False):
        for org, n in ((world.community, 7), (world.other_community, 2)):
            for _ in range(n):
                dispatch_concern(world.concern(), org, actor=world.dispatcher)
    rollups.refresh()
    response = _get(client, world.leader, f"?org={world.township.pk}")
    board = response.context["board"]
    assert board.deidentify is True
    assert board.received == 9
    received = {c.org.name: c.received for c in board.children}
    # 2 is under 5, and 9 - 7 would give it away: the 7 is hidden as well.
    assert received == {"北部湾社区妇联": "×", "侨中社区妇联": "<5"}
    dispatched = {c.org.name: c.rates["response"].counts for c in board.children}
    assert dispatched == {"北部湾社区妇联": "0/×", "侨中社区妇联": "0/<5"}
    assert board.rates["response"].counts == "0/9"
    body = response.content.decode()
    assert "<td>×</td>" in body
    assert "另隐藏的记作 ×" in body
    with time_machine.travel(TODAY, tick=False):
        client.force_login(world.leader)
        xlsx = client.get(f"/console/dashboard/report.xlsx?month=2026-11&org={world.township.pk}")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["按组织 By org"]
    assert [(r[0], r[1]) for r in sheet.iter_rows(min_row=2, max_col=2, values_only=True)] == [
        ("侨中社区妇联", "<5"),
        ("北部湾社区妇联", "×"),
    ]
