from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sanshi.concerns.actions import reclassify_concern
from sanshi.concerns.models import Concern, ConcernEvent, EventKind, Status
from sanshi.orgs.actions import add_membership, create_org
from sanshi.orgs.models import Org, Role
from sanshi.testing import World, intake_concern, make_user, person_of
from sanshi.triage.duplicates import likely_duplicates
from sanshi.triage.handlers import suggest_handlers
from sanshi.triage.models import DispatchThreshold

START = dt.date(2020, 1, 1)


@pytest.fixture
def beihai(guangxi: None) -> dict[str, Org]:
    """海城区 with a dispatcher, its 东街街道 and one community, all with division codes."""
    province = create_org(
        name="广西壮族自治区妇联", level=Org.Level.PROVINCE, parent=None, division_code="450000"
    )
    city = create_org(
        name="北海市妇联", level=Org.Level.CITY, parent=province, division_code="450500"
    )
    county = create_org(
        name="海城区妇联", level=Org.Level.COUNTY, parent=city, division_code="450502"
    )
    street = create_org(
        name="东街街道妇联", level=Org.Level.TOWNSHIP, parent=county, division_code="450502002"
    )
    community = create_org(
        name="北部湾社区妇联", level=Org.Level.COMMUNITY, kind=Org.Kind.RESIDENTS, parent=street
    )
    make_user("county_dispatcher", role=Role.DISPATCHER, org=county)
    return {"province": province, "county": county, "street": street, "community": community}


def test_a_confident_routed_concern_is_received_by_the_dispatcher_org_and_dispatched(
    beihai: dict[str, Org],
) -> None:
    DispatchThreshold.objects.create(category="", enabled=True, min_confidence=0.5)
    concern, result = intake_concern(
        text="孩子放学后没人照看，想问问儿童之家几点开门",
        channel="web",
        address="北海市海城区东街街道北部湾社区",
    )
    assert (result.category, result.subcategory, result.critical) == (
        "children",
        "children.childcare",
        False,
    )
    assert concern.dispatching_org_id == beihai["county"].pk
    assert (concern.org_id, concern.status) == (beihai["community"].pk, Status.DISPATCHED)
    assert (concern.division_id, concern.community_id) == ("450502002", beihai["community"].pk)
    assert concern.triage == result.as_dict()
    assert concern.triage_version == result.model_version
    assert list(concern.events.values_list("kind", flat=True)) == [
        EventKind.RECEIVED,
        EventKind.DISPATCHED,
    ]


def test_a_disabled_threshold_leaves_the_concern_on_the_board(beihai: dict[str, Org]) -> None:
    DispatchThreshold.objects.create(category="children", enabled=False)
    concern, _result = intake_concern(
        text="孩子放学后没人照看，想问问儿童之家几点开门",
        channel="web",
        address="北海市海城区东街街道北部湾社区",
    )
    assert (concern.org_id, concern.status) == (beihai["county"].pk, Status.RECEIVED)


def test_an_ambiguous_address_is_not_dispatched(beihai: dict[str, Org]) -> None:
    DispatchThreshold.objects.create(category="", enabled=True, min_confidence=0.0)
    concern, result = intake_concern(
        text="社区的路灯坏了很久，晚上很黑", channel="web", address="城关镇"
    )
    assert result.route is not None and result.route.ambiguous is True
    assert (concern.org_id, concern.status) == (beihai["province"].pk, Status.RECEIVED)


def test_the_caller_cannot_clear_danger(beihai: dict[str, Org]) -> None:
    concern, result = intake_concern(
        text="我老公喝醉了拿菜刀说要砍死我",
        channel="phone",
        urgency="low",
        category="family",
        address="",
    )
    assert result.critical is True
    assert (concern.urgency, concern.category, concern.subcategory) == ("critical", "family", "")
    assert concern.org_id == beihai["province"].pk  # no address: the root org takes it


def test_explicit_category_and_org_win_over_the_suggestion(world: World) -> None:
    concern, result = intake_concern(
        text="孩子放学后没人照看",
        channel="web",
        org=world.township,
        subcategory="children.education",
    )
    assert result.subcategory == "children.childcare"
    assert (concern.org_id, concern.subcategory, concern.status) == (
        world.township.pk,
        "children.education",
        "received",
    )


def test_likely_duplicates_are_open_concerns_of_the_same_org(world: World) -> None:
    first = world.concern(
        text="小区门口的路灯坏了好几天，晚上回家很黑", subcategory="community.environment"
    )
    unrelated = world.concern(text="想问问两癌筛查什么时候开始", subcategory="health.screening")
    new = world.concern(text="门口路灯坏了，晚上很黑", subcategory="community.environment")
    found = likely_duplicates(new)
    assert [c.pk for c, _score in found] == [first.pk]
    assert 0.6 < found[0][1] <= 1.0
    assert unrelated.pk not in [c.pk for c, _s in found]


def test_a_protected_concern_is_compared_by_its_sealed_text(
    world: World, django_assert_num_queries: Any
) -> None:
    world.concern(text="小区门口的路灯坏了好几天", subcategory="community.environment")
    hidden = world.concern(
        text="邻居家孩子天天被打，哭得很厉害", subcategory="children.abuse", protected=True
    )
    new = world.concern(text="邻居家的孩子天天被打，一直在哭", subcategory="children.abuse")
    # Candidates with their sealed texts (the only copy), then the matches.
    with django_assert_num_queries(2):
        found = likely_duplicates(new)
    assert (hidden.search_text, [c.pk for c, _s in found]) == ("", [hidden.pk])


def test_merged_and_closed_concerns_are_not_suggested(world: World) -> None:
    first = world.concern(text="小区门口的路灯坏了好几天")
    Concern.objects.filter(pk=first.pk).update(status=Status.CLOSED)
    new = world.concern(text="小区门口的路灯坏了好几天了")
    assert likely_duplicates(new) == []


def test_social_workers_come_first_for_a_protected_concern(world: World) -> None:
    concern = world.concern(
        text="邻居家孩子天天被打", subcategory="children.abuse", org=world.community
    )
    ranked = suggest_handlers(concern)
    assert [(s.person.name, s.role) for s in ranked][:2] == [
        ("social_worker", "social_worker"),
        ("chair", "chair"),
    ]
    assert "volunteer" not in [s.person.name for s in ranked]


def test_skills_and_load_move_a_member_up_or_down(world: World) -> None:
    busy = make_user("busy_member", role=Role.COMMITTEE_MEMBER, org=world.community)
    add_membership(
        person_of(world.member),
        world.community,
        role=Role.COMMITTEE_MEMBER,
        term_start=START + dt.timedelta(days=1),
        helps_with="托管、儿童之家",
    )
    for _ in range(2):
        other = world.concern(org=world.community)
        other.assignments.create(person=person_of(busy), assigned_at=other.received_at)
        Concern.objects.filter(pk=other.pk).update(status=Status.SIGNED)
    concern = world.concern(org=world.community)
    ranked = {s.person.name: s for s in suggest_handlers(concern, limit=10)}
    assert ranked["member"].score == 3.0
    assert ranked["busy_member"].score == pytest.approx(2.0 - 0.6)
    assert ranked["busy_member"].open_load == 2


def test_a_reclassification_is_a_confirmed_example(world: World) -> None:
    from sanshi.triage.selectors import confirmed_examples

    concern = world.concern(text="楼下天天吵架摔东西")
    reclassify_concern(
        concern,
        actor=world.dispatcher,
        category="community",
        subcategory="community.neighbours",
        reason="邻里纠纷",
    )
    assert ConcernEvent.objects.filter(concern=concern, kind=EventKind.RECLASSIFIED).count() == 1
    assert [(e.text, e.subcategory, e.critical) for e in confirmed_examples()] == [
        ("楼下天天吵架摔东西", "community.neighbours", False)
    ]


def test_the_api_answers_an_auto_dispatched_concern_as_a_fresh_read_shows_it(
    beihai: dict[str, Org],
) -> None:
    import json

    from django.contrib.auth.models import User
    from django.test import Client

    from sanshi.api.actions import issue_api_token

    DispatchThreshold.objects.create(category="", enabled=True, min_confidence=0.5)
    _, raw = issue_api_token(User.objects.get(username="county_dispatcher"), name="tests")
    client, auth = Client(), {"Authorization": f"Bearer {raw}"}
    body = {
        "text": "孩子放学后没人照看，想问问儿童之家几点开门",
        "address": "北海市海城区东街街道北部湾社区",
    }
    created = client.post(
        "/api/v1/concerns", json.dumps(body), content_type="application/json", headers=auth
    )
    assert created.status_code == 201
    concern = created.json()["concern"]
    assert (concern["status"], concern["org"]["id"], concern["handlers"]) == (
        "dispatched",
        beihai["community"].pk,
        [],
    )
    read = client.get(f"/api/v1/concerns/{concern['id']}", headers=auth)
    assert read.json() == concern


def test_an_auto_dispatched_concern_makes_one_notification_task_for_both_events(
    beihai: dict[str, Org], settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from sanshi.concerns.tasks import notify_events
    from sanshi.notifications.models import Notification

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_user("community_chair", role=Role.CHAIR, org=beihai["community"])
    make_user("county_protection", role=Role.PROTECTION_OFFICER, org=beihai["county"])
    DispatchThreshold.objects.create(category="", enabled=True, min_confidence=0.0)
    # Critical, so the receipt goes to someone too (an ordinary one only to the board).
    concern, result = intake_concern(
        text="丈夫喝醉了拿刀威胁我和孩子，我现在躲在邻居家",
        channel="web",
        address="北海市海城区东街街道北部湾社区",
    )
    # Danger is dispatched in place to the county, whose protection officer takes it.
    assert (result.critical, concern.status) == (True, Status.DISPATCHED)
    assert concern.org_id == beihai["county"].pk
    received, dispatched = concern.events.order_by("pk").values_list("pk", flat=True)
    assert list(DBTaskResult.objects.values_list("task_path", "args_kwargs")) == [
        ("sanshi.concerns.tasks.notify_events", {"args": [[received, dispatched]], "kwargs": {}})
    ]
    assert notify_events.call([received, dispatched, 10**9]) == 2  # a missing event is skipped
    # The county's protection officer and dispatcher hear of the danger once each, though
    # both events concern her (the community's chair is not on its path).
    assert sorted(Notification.objects.values_list("event_id", "user__username", "kind")) == [
        (received, "county_dispatcher", "critical"),
        (received, "county_protection", "critical"),
    ]
