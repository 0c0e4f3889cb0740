from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.signing import Signer

from sanshi.api.selectors import fully_visible_ids
from sanshi.concerns.access import FULL, concerns_visible_to, visibility
from sanshi.concerns.actions import assign_handler, dispatch_concern
from sanshi.concerns.models import Concern
from sanshi.testing import person_of

PERSONAS = (
    "dispatcher",
    "county_staff",
    "chair",
    "member",
    "outside_member",
    "social_worker",
    "volunteer",
    "protection",
    "leader",
    "city_staff",
)


def _at_community(world, **kwargs):
    concern = world.concern(**kwargs)
    return dispatch_concern(concern, world.community, actor=world.dispatcher)


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_list_is_scoped_to_the_callers_subtree(world, api_as):
    here = _at_community(world)
    elsewhere = dispatch_concern(world.concern(), world.other_community, actor=world.dispatcher)
    assert _ids(api_as(world.member).get("/concerns")) == [here.pk]
    assert _ids(api_as(world.outside_member).get("/concerns")) == [elsewhere.pk]
    assert sorted(_ids(api_as(world.dispatcher).get("/concerns"))) == sorted(
        [here.pk, elsewhere.pk]
    )
    assert _ids(api_as(world.volunteer).get("/concerns")) == []


def test_volunteer_sees_what_is_assigned_to_her(world, api_as):
    concern = _at_community(world)
    assign_handler(concern, person_of(world.volunteer), actor=world.chair)
    assert _ids(api_as(world.volunteer).get("/concerns")) == [concern.pk]


def test_concern_outside_the_subtree_is_404_like_a_missing_one(world, api_as):
    elsewhere = dispatch_concern(world.concern(), world.other_community, actor=world.dispatcher)
    api = api_as(world.member)
    hidden = api.get(f"/concerns/{elsewhere.pk}")
    missing = api.get(f"/concerns/{elsewhere.pk + 1000}")
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json() == missing.json()
    assert api.get(f"/concerns/{elsewhere.pk}/timeline").status_code == 404


def test_protected_concern_is_redacted_for_a_member_and_full_for_the_chair(world, api_as):
    concern = _at_community(
        world,
        text="邻居家孩子常被打",
        subcategory="children.abuse",
        reporter_name="王女士",
        reporter_phone="13900000000",
        address="北部湾社区3栋",
    )
    stub = api_as(world.member).get(f"/concerns/{concern.pk}").json()
    assert stub["redacted"] is True
    assert [stub[k] for k in ("text", "address", "reporter_name", "reporter_phone", "triage")] == [
        None,
        None,
        None,
        None,
        None,
    ]
    assert stub["tracking_code"] == concern.tracking_code
    full = api_as(world.chair).get(f"/concerns/{concern.pk}").json()
    assert full["redacted"] is False
    # In full, but the contact details masked as on the console (reveal gives them in clear).
    assert (full["text"], full["reporter_name"], full["reporter_phone"]) == (
        "邻居家孩子常被打",
        "王**",
        "139****0000",
    )


def test_redacted_timeline_has_no_notes(world, api_as):
    concern = _at_community(world, subcategory="children.abuse")
    api_as(world.chair).post(f"/concerns/{concern.pk}/notes", {"note": "孩子说父亲昨晚又动手"})
    events = api_as(world.member).get(f"/concerns/{concern.pk}/timeline").json()["events"]
    assert [e["kind"] for e in events] == ["received", "dispatched", "note"]
    assert {e["note"] for e in events} == {None}
    assert {repr(e["data"]) for e in events} == {"None"}
    chair_events = api_as(world.chair).get(f"/concerns/{concern.pk}/timeline").json()["events"]
    assert chair_events[-1]["note"] == "孩子说父亲昨晚又动手"
    assert chair_events[-1]["actor"] == "chair"


def test_search_does_not_reveal_text_of_redacted_concerns(world, api_as):
    secret = _at_community(world, text="丈夫威胁要带走孩子", subcategory="safety.stalking")
    plain = _at_community(world, text="想咨询孩子的托管服务")
    member = api_as(world.member)
    assert _ids(member.get("/concerns", {"q": "孩子"})) == [plain.pk]
    assert _ids(member.get("/concerns", {"q": secret.tracking_code})) == [secret.pk]
    # protected text is not searchable by anyone: the chair finds it by its code
    chair = api_as(world.chair)
    assert _ids(chair.get("/concerns", {"q": "孩子"})) == [plain.pk]
    assert _ids(chair.get("/concerns", {"q": secret.tracking_code.lower()})) == [secret.pk]


def test_filters(world, api_as):
    with time_machine.travel(dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC), tick=False):
        old = _at_community(world, subcategory="family.divorce")
    with time_machine.travel(dt.datetime(2025, 5, 5, 9, tzinfo=dt.UTC), tick=False):
        new = _at_community(world, urgency="high")
        waiting = world.concern()
    Concern.objects.filter(pk=old.pk).update(overdue_since=dt.datetime(2025, 3, 5, tzinfo=dt.UTC))
    api = api_as(world.dispatcher)
    assert _ids(api.get("/concerns", {"status": "received"})) == [waiting.pk]
    assert _ids(api.get("/concerns", {"status": ["received", "dispatched"]})) == [
        waiting.pk,
        new.pk,
        old.pk,
    ]
    assert _ids(api.get("/concerns", {"category": "family"})) == [old.pk]
    assert _ids(api.get("/concerns", {"subcategory": "family.divorce"})) == [old.pk]
    assert _ids(api.get("/concerns", {"urgency": "high"})) == [new.pk]
    assert _ids(api.get("/concerns", {"overdue": "true"})) == [old.pk]
    assert _ids(api.get("/concerns", {"overdue": "false"})) == [waiting.pk, new.pk]
    assert _ids(api.get("/concerns", {"org_id": world.community.pk})) == [new.pk, old.pk]
    assert _ids(api.get("/concerns", {"received_from": "2025-04-01T00:00:00+08:00"})) == [
        waiting.pk,
        new.pk,
    ]
    assert _ids(api.get("/concerns", {"received_to": "2025-04-01T00:00:00Z"})) == [old.pk]


def test_filter_by_an_org_outside_the_subtree_is_400(world, api_as):
    response = api_as(world.member).get("/concerns", {"org_id": world.other_community.pk})
    assert response.status_code == 400
    assert response.json()["fields"] == {"org_id": "不存在或无权访问"}


def test_bad_filter_values_are_400(world, api_as):
    api = api_as(world.dispatcher)
    for params, field in [
        ({"status": "lost"}, "status.0"),
        ({"limit": "0"}, "limit"),
        ({"received_from": "yesterday"}, "received_from"),
        ({"received_to": "0.5"}, "received_to"),
        ({"cursor": "!!"}, "cursor"),
    ]:
        response = api.get("/concerns", params)
        assert response.status_code == 400, params
        assert list(response.json()["fields"]) == [field], params


def test_cursor_pages_cover_every_concern_once(world, api_as):
    with time_machine.travel(dt.datetime(2025, 5, 5, 9, tzinfo=dt.UTC), tick=False):
        made = [world.concern().pk for _ in range(5)]  # same received_at: the id breaks ties
    api = api_as(world.dispatcher)
    seen, cursor, pages = [], "", 0
    while True:
        body = api.get("/concerns", {"limit": 2, "cursor": cursor}).json()
        seen += [row["id"] for row in body["results"]]
        pages += 1
        if body["next_cursor"] is None:
            break
        cursor = body["next_cursor"]
    assert pages == 3
    assert seen == sorted(made, reverse=True)


def _received_at(world, day):
    with time_machine.travel(dt.datetime(2025, 5, day, 9, tzinfo=dt.UTC), tick=False):
        return world.concern().pk


def test_walking_the_pages_while_concerns_arrive_skips_and_repeats_none(world, api_as):
    made = [_received_at(world, day) for day in range(10, 17)]  # 7 concerns, newest last
    api = api_as(world.dispatcher)
    seen, cursor, arrived_late, pages = [], "", [], 0
    while True:
        body = api.get("/concerns", {"limit": 3, "cursor": cursor}).json()
        seen += [row["id"] for row in body["results"]]
        pages += 1
        if body["next_cursor"] is None:
            break
        cursor = body["next_cursor"]
        # Between two pages a newer concern arrives (OFFSET would show a row twice) and one
        # older than every row so far is logged late (it belongs further back: shown once).
        _received_at(world, 20 + pages)
        arrived_late.append(_received_at(world, 9 - pages))
    assert pages == 3
    assert len(seen) == len(set(seen)) == 9
    assert seen == sorted(made, reverse=True) + arrived_late


def test_a_cursor_that_does_not_check_out_is_400(world, api_as):
    for _ in range(3):
        world.concern()
    api = api_as(world.dispatcher)
    good = api.get("/concerns", {"limit": 1}).json()["next_cursor"]
    payload, signature = good.split(".")
    org_cursor = api.get("/orgs", {"limit": 1}).json()["next_cursor"]
    forged = Signer(salt="sanshi.keyset.api.concerns", sep=".").sign_object(["yesterday", 1])
    for bad in (
        payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature,  # altered
        payload + "." + signature[::-1],  # signature swapped around
        payload,  # unsigned
        org_cursor,  # another list's cursor
        forged,  # signed with the key but not a position
    ):
        response = api.get("/concerns", {"cursor": bad})
        assert response.status_code == 400, bad
        assert response.json() == {
            "error": "invalid_input",
            "message": "请求有误，请检查标出的字段",
            "fields": {"cursor": "值无效"},
        }
    assert api.get("/concerns", {"cursor": good}).status_code == 200


def test_malformed_cursor_is_400(world, api_as):
    response = api_as(world.dispatcher).get("/concerns", {"cursor": "bm90LWEtY3Vyc29y"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"cursor": "值无效"}


@pytest.mark.parametrize(("seconds", "queries"), [(10, 3), (0, 5)])
def test_list_query_count_does_not_grow_with_the_page(
    world, api_as, django_assert_num_queries, settings, seconds, queries
):
    settings.CREDENTIALS_SECONDS = seconds
    for _ in range(3):
        _at_community(world, subcategory="children.abuse")
        _at_community(world)
    api = api_as(world.member)
    api.get("/me")  # token last_used_at is written on first use; measure a steady request
    # the page and its assignments; with CREDENTIALS_SECONDS 0 also the token and the roles
    # (one query, read once per request however many checks it makes); and the token's rate
    # counter, shared by every worker (one UPDATE, sanshi.core.limits)
    with django_assert_num_queries(queries):
        response = api.get("/concerns")
    assert len(response.json()["results"]) == 6


@pytest.mark.parametrize("persona", PERSONAS)
def test_bulk_redaction_agrees_with_visibility(world, persona):
    _at_community(world, subcategory="children.abuse")
    _at_community(world)
    urgent_at_county = world.concern(subcategory="safety.dv_now")
    assign_handler(urgent_at_county, person_of(world.social_worker), actor=world.dispatcher)
    user = getattr(world, persona)
    visible = list(concerns_visible_to(user))
    expected = {c.pk for c in visible if visibility(user, c) == FULL}
    assert fully_visible_ids(user, visible) == expected


def test_orgs_me_and_taxonomy(world, api_as):
    api = api_as(world.chair)
    orgs = api.get("/orgs").json()
    assert [o["name"] for o in orgs["results"]] == ["北部湾社区妇联"]
    assert orgs["next_cursor"] is None
    assert api.get(f"/orgs/{world.county.pk}").status_code == 404
    county_api = api_as(world.dispatcher)
    page = county_api.get("/orgs", {"limit": 2}).json()
    assert [o["name"] for o in page["results"]] == ["海城区妇联", "东街街道妇联"]
    rest = county_api.get("/orgs", {"cursor": page["next_cursor"]}).json()
    assert [o["name"] for o in rest["results"]] == ["北部湾社区妇联", "侨中社区妇联"]
    assert county_api.get("/orgs", {"parent_id": world.township.pk}).json()["results"][1][
        "name"
    ] == ("侨中社区妇联")
    taxonomy = api.get("/taxonomy").json()
    assert taxonomy["categories"][0]["code"] == "safety"
    assert taxonomy["categories"][0]["subcategories"][0] == {
        "code": "safety.dv_now",
        "name": "正在发生或有现实危险的家庭暴力",
        "en": "ongoing or imminent domestic violence",
        "sanshi": "jiuxin",
        "urgent": True,
    }
