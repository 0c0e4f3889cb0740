"""The dispatch board: critical first, suggestions, one-click accept, picking, bulk, returns."""

from __future__ import annotations

import re
from typing import Any

from sanshi.concerns import actions
from sanshi.concerns.models import Assignment, Concern, Status
from sanshi.console.tests import helpers as h
from sanshi.testing import World, person_of


def _triage(world: World, org: Any = None) -> dict[str, Any]:
    target = org or world.community
    return {
        "route": {
            "city": {"name": "北海市", "code": "450500"},
            "community": {"name": target.name, "code": f"org:{target.pk}"},
            "org": {"id": target.pk, "name": target.name},
            "ambiguous": False,
        }
    }


def _rows(body: str) -> list[str]:
    waiting = body.split('id="waiting"')[1].split('id="returned"')[0]
    return re.findall(r'<li id="row-(\d+)"', waiting)


def test_board_lists_undispatched_critical_first(world: World) -> None:
    old = h.received(world)
    danger = h.received(world, text="他又打我了，孩子在哭", subcategory="safety.dv_now")
    newer = h.received(world, text="想报名巾帼家政培训", subcategory="")
    h.dispatched(world)
    body = h.logged_in(world.dispatcher).get("/console/dispatch/").content.decode()
    assert _rows(body) == [str(danger.pk), str(old.pk), str(newer.pk)]
    assert 'data-count="3"' in body


def test_board_shows_the_route_and_the_suggestion(world: World) -> None:
    c = h.received(world, triage=_triage(world))
    body = h.logged_in(world.dispatcher).get("/console/dispatch/").content.decode()
    row = body.split(f'id="row-{c.pk}"')[1].split("</li>")[0]
    assert "北海市 › 北部湾社区妇联" in row
    assert "采纳建议：派往 北部湾社区妇联" in row


def test_accept_dispatches_to_the_suggested_org(world: World) -> None:
    c = h.received(world, triage=_triage(world))
    response = h.logged_in(world.dispatcher).post(f"/console/dispatch/{c.pk}/accept/")
    assert response.status_code == 303
    c.refresh_from_db()
    assert (c.status, c.org_id) == (Status.DISPATCHED, world.community.pk)


def test_accept_by_htmx_returns_the_replaced_row(world: World) -> None:
    c = h.received(world, triage=_triage(world))
    response = h.logged_in(world.dispatcher).post(
        f"/console/dispatch/{c.pk}/accept/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'data-dispatched="{c.pk}"' in response.content.decode()
    assert "已派往 北部湾社区妇联" in response.content.decode()


def test_accept_without_a_suggestion_is_400_and_changes_nothing(world: World) -> None:
    c = h.received(world)
    before = h.snapshot()
    response = h.logged_in(world.dispatcher).post(f"/console/dispatch/{c.pk}/accept/")
    assert response.status_code == 400
    assert h.snapshot() == before


def test_suggestion_outside_my_subtree_is_not_offered(world: World) -> None:
    c = h.received(world, triage=_triage(world, world.city))
    body = h.logged_in(world.dispatcher).get("/console/dispatch/").content.decode()
    assert "采纳建议" not in body
    before = h.snapshot()
    response = h.logged_in(world.dispatcher).post(f"/console/dispatch/{c.pk}/accept/")
    assert response.status_code == 400
    assert h.snapshot() == before


def test_pick_another_org_and_handler(world: World) -> None:
    c = h.received(world, triage=_triage(world))
    outside = person_of(world.outside_member)
    response = h.logged_in(world.dispatcher).post(
        f"/console/dispatch/{c.pk}/",
        {"org": world.other_community.pk, "handler": outside.pk, "note": "地址在侨中"},
    )
    assert response.status_code == 303
    c.refresh_from_db()
    assert c.org_id == world.other_community.pk
    assert list(
        Assignment.objects.filter(concern=c, active=True).values_list("person_id", flat=True)
    ) == [outside.pk]


def test_handler_must_belong_to_the_picked_org(world: World) -> None:
    c = h.received(world)
    before = h.snapshot()
    response = h.logged_in(world.dispatcher).post(
        f"/console/dispatch/{c.pk}/",
        {"org": world.other_community.pk, "handler": person_of(world.member).pk},
    )
    assert response.status_code == 400
    assert h.snapshot() == before


def test_handler_options_follow_the_picked_org(world: World) -> None:
    response = h.logged_in(world.dispatcher).get(
        f"/console/dispatch/handlers/?org={world.other_community.pk}"
    )
    assert response.status_code == 200
    options = re.findall(r'<option value="(\d*)">([^<]*)</option>', response.content.decode())
    assert options == [("", "—"), (str(person_of(world.outside_member).pk), "outside_member")]


def test_handler_options_for_an_org_outside_my_tree_are_empty(world: World) -> None:
    response = h.logged_in(world.dispatcher).get(f"/console/dispatch/handlers/?org={world.city.pk}")
    assert re.findall(r'<option value="(\d+)"', response.content.decode()) == []


def test_bulk_dispatch(world: World) -> None:
    a, b = h.received(world), h.received(world)
    untouched = h.received(world)
    response = h.logged_in(world.dispatcher).post(
        "/console/dispatch/bulk/", {"org": world.township.pk, "ids": [a.pk, b.pk]}
    )
    assert response.status_code == 303
    statuses = dict(Concern.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "dispatched", b.pk: "dispatched", untouched.pk: "received"}
    assert set(Concern.objects.filter(pk__in=[a.pk, b.pk]).values_list("org_id", flat=True)) == {
        world.township.pk
    }


def test_bulk_dispatch_reports_each_failure_and_keeps_the_rest(world: World) -> None:
    a = h.received(world)
    already = h.dispatched(world)
    client = h.logged_in(world.dispatcher)
    response = client.post(
        "/console/dispatch/bulk/",
        {"org": world.township.pk, "ids": [a.pk, already.pk, 99999]},
        follow=True,
    )
    body = response.content.decode()
    assert Concern.objects.get(pk=a.pk).status == "dispatched"
    assert Concern.objects.get(pk=already.pk).org_id == world.community.pk
    assert f"#{already.pk}: cannot dispatch a concern that is dispatched" in body
    assert "#99999: 不存在" in body


def test_bulk_with_nothing_ticked_is_400(world: World) -> None:
    response = h.logged_in(world.dispatcher).post(
        "/console/dispatch/bulk/", {"org": world.township.pk}
    )
    assert response.status_code == 400


def test_returned_queue_shows_the_reason(world: World) -> None:
    c = h.dispatched(world)
    actions.return_concern(c, actor=world.member, reason="地址在侨中社区，请改派")
    body = h.logged_in(world.dispatcher).get("/console/dispatch/").content.decode()
    returned = body.split('id="returned"')[1]
    assert f'data-concern="{c.pk}"' in returned
    assert "理由：地址在侨中社区，请改派" in returned
    assert "由 北部湾社区妇联" in returned
    assert 'data-count="1"' in returned


def test_board_is_for_dispatchers_only(world: World) -> None:
    c = h.received(world, triage=_triage(world))
    before = h.snapshot()
    for persona in ("member", "volunteer", "leader"):
        client = h.logged_in(getattr(world, persona))
        assert client.get("/console/dispatch/").status_code == 403
        assert client.post(f"/console/dispatch/{c.pk}/accept/").status_code == 403
        assert (
            client.post(
                "/console/dispatch/bulk/", {"org": world.community.pk, "ids": [c.pk]}
            ).status_code
            == 403
        )
    assert h.snapshot() == before


def test_board_query_count_is_fixed(world: World, django_assert_num_queries: Any) -> None:
    for i in range(5):
        h.received(world, text=f"第{i}件：想了解妇女之家的活动", triage=_triage(world))
    c = h.dispatched(world)
    actions.return_concern(c, actor=world.member, reason="不属于本社区")
    client = h.logged_in(world.dispatcher)
    # session, user, person, memberships, dispatch targets, waiting, returned, return reasons,
    # unread count
    with django_assert_num_queries(9):
        response = client.get("/console/dispatch/")
    assert len(_rows(response.content.decode())) == 5
