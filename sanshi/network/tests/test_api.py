"""The phone client's JSON API: her households, visits, the concern a visit becomes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sanshi.api.tests.conftest import Api
from sanshi.audit.models import AuditEntry
from sanshi.concerns.models import Concern
from sanshi.network.models import Household, Visit
from sanshi.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(world: World) -> Callable[..., Api]:
    return Api


def test_a_phone_adds_a_household_logs_a_visit_and_raises_a_concern(
    world: World, api_as: Callable[..., Api]
) -> None:
    api = api_as(world.member)
    created = api.post(
        "/network/households",
        {
            "address": "北部湾社区 9栋 101",
            "people": [{"name": "陈阿婆", "relation": "本人"}],
            "consent": True,
            "flags": ["elder_alone"],
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["address"], body["flags"], body["keeper"]) == (
        "北部湾社区 9栋 101",
        ["elder_alone"],
        "member",
    )
    assert api.get("/network/households").json()[0]["id"] == body["id"]
    visit = api.post(
        "/network/visits", {"household_id": body["id"], "found": "阿婆腿脚不便，缺人买菜"}
    )
    assert visit.status_code == 201
    visit_id = visit.json()["id"]
    raised = api.post(
        f"/network/visits/{visit_id}/concern",
        {"text": "阿婆腿脚不便，缺人买菜，想找志愿者帮忙", "consent": True},
    )
    assert raised.status_code == 201
    concern = Concern.objects.get()
    assert raised.json() == {
        "concern_id": concern.pk,
        "tracking_code": concern.tracking_code,
        "visit_id": visit_id,
    }
    again = api.post(f"/network/visits/{visit_id}/concern", {"text": "再报", "consent": True})
    assert again.status_code == 409
    detail = api.get(f"/network/households/{body['id']}").json()
    assert [v["tracking_code"] for v in detail["visits"]] == [concern.tracking_code]


@pytest.mark.parametrize("who", ["volunteer", "leader", "outside_member", "social_worker"])
def test_others_get_not_found_and_change_nothing(
    world: World, household: Household, api_as: Callable[..., Api], who: str
) -> None:
    api = api_as(getattr(world, who))
    member_api = api_as(world.member)
    visit_id = member_api.post(
        "/network/visits", {"household_id": household.pk, "found": "她说最近还好"}
    ).json()["id"]
    before = (Visit.objects.count(), Concern.objects.count(), AuditEntry.objects.count())
    assert api.get("/network/households").json() == []
    assert api.get(f"/network/households/{household.pk}").status_code == 404
    posted = api.post("/network/visits", {"household_id": household.pk, "found": "x"})
    assert posted.status_code == 404
    raised = api.post(f"/network/visits/{visit_id}/concern", {"text": "x", "consent": True})
    assert raised.status_code == 404
    overdue = api.get("/network/households/overdue").json()
    assert overdue == {"mine": [], "org": []}
    assert (Visit.objects.count(), Concern.objects.count(), AuditEntry.objects.count()) == before


def test_bad_input_is_a_clear_400_and_writes_nothing(
    world: World, api_as: Callable[..., Api]
) -> None:
    api = api_as(world.member)
    for body, field in [
        ({"address": "1栋", "flags": ["rich"]}, "flags"),
        ({"address": "1栋", "people": [{"name": "张三"}]}, "consent"),
        ({"address": ""}, "address"),
        ({"address": "1栋", "colour": "red"}, "colour"),
    ]:
        response = api.post("/network/households", body)
        assert response.status_code == 400, body
        assert field in str(response.json()["fields"]), response.json()
    assert Household.objects.count() == 0


def test_the_openapi_document_lists_the_network_endpoints() -> None:
    from django.test import Client

    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert sorted(p for p in paths if "/network/" in p) == [
        "/api/v1/network/households",
        "/api/v1/network/households/overdue",
        "/api/v1/network/households/{household_id}",
        "/api/v1/network/visits",
        "/api/v1/network/visits/{visit_id}/concern",
    ]
