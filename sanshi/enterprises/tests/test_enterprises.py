"""Enterprises: requests become concerns at the enterprise's federation or the city's,
coverage counts the listed enterprises, the directory shows only what each agreed to show;
bad input and denials change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from sanshi.audit.models import AuditEntry
from sanshi.concerns.models import Concern
from sanshi.enterprises import actions
from sanshi.enterprises.models import EnterpriseRequest, Entrepreneur, ListedEnterprise
from sanshi.enterprises.selectors import coverage
from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Org
from sanshi.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_limits() -> None:
    cache.clear()


@pytest.fixture
def pearl(world: World) -> Org:
    return create_org(
        name="黑珍珠海洋生物科技有限公司妇联",
        level=Org.Level.DOMAIN,
        parent=world.city,
        kind=Org.Kind.ENTERPRISE,
    )


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _state() -> tuple[Any, ...]:
    return (
        Concern.objects.count(),
        EnterpriseRequest.objects.count(),
        list(ListedEnterprise.objects.values_list("pk", "name", "federation_id")),
        list(Entrepreneur.objects.values_list("pk", "listed", "show_phone")),
        AuditEntry.objects.count(),
    )


FORM = {
    "kind": "financing",
    "enterprise": "黑珍珠海洋生物科技有限公司",
    "contact_name": "陈海燕",
    "phone": "13977001234",
    "text": "疫情后订单恢复，想申请创业担保贷款扩大生产",
    "consent": "on",
}


def test_a_request_goes_to_the_enterprises_federation(world: World, pearl: Org) -> None:
    response = Client().post("/enterprises/request/", {**FORM, "federation": pearl.pk})
    assert response.status_code == 302
    assert response["Location"] == "/done/" or response["Location"].endswith("done/")
    concern = Concern.objects.get()
    assert (concern.org_id, concern.category, concern.subcategory) == (
        pearl.pk,
        "work",
        "work.enterprise",
    )
    assert (
        concern.text
        == "【融资贷款】黑珍珠海洋生物科技有限公司：疫情后订单恢复，想申请创业担保贷款扩大生产"
    )
    assert (concern.reporter_phone, concern.consent_version) == ("13977001234", "ent-2026-1")
    request = EnterpriseRequest.objects.get()
    assert (request.kind, request.federation_id, request.concern_id) == (
        "financing",
        pearl.pk,
        concern.pk,
    )
    assert AuditEntry.objects.filter(action="enterprises.request_received").count() == 1


def test_a_request_without_a_federation_goes_to_the_city(world: World, pearl: Org) -> None:
    response = Client().post("/enterprises/request/", {**FORM, "federation": "0", "kind": "hiring"})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.org_id == world.city.pk
    assert EnterpriseRequest.objects.get().federation_id is None


@pytest.mark.parametrize(
    "change",
    [
        {"consent": ""},
        {"kind": "bribe"},
        {"phone": "12"},
        {"text": "   "},
        {"enterprise": ""},
        {"federation": "999999"},
    ],
)
def test_bad_requests_write_nothing(world: World, pearl: Org, change: dict[str, str]) -> None:
    before = _state()
    data = {k: v for k, v in {**FORM, **change}.items() if v != ""}
    response = Client().post("/enterprises/request/", data)
    assert response.status_code == 400
    assert _state() == before


def test_a_community_federation_is_not_an_enterprise_federation(world: World) -> None:
    before = _state()
    with pytest.raises(Exception) as refused:
        actions.submit_request(
            actions.RequestForm(
                kind="training",
                enterprise="某公司",
                contact_name="王",
                phone="13900001111",
                text="想办培训",
                federation=world.community,
                consent=True,
            )
        )
    assert type(refused.value).__name__ == "InvalidInput"
    assert _state() == before


def test_coverage_counts_listed_enterprises_with_a_federation(world: World, pearl: Org) -> None:
    staff = world.county_staff
    listed = [
        actions.list_enterprise(world.county, actor=staff, name=n, women_led=w)
        for n, w in (
            ("黑珍珠海洋生物科技有限公司", True),
            ("合浦穗香食品有限公司", True),
            ("北海某船厂", False),
        )
    ]
    actions.link_federation(listed[0], pearl, actor=staff)
    [row] = coverage(Org.objects.filter(pk=world.county.pk))
    assert (row.listed, row.with_federation, row.women_led, str(row.percent)) == (3, 1, 2, "33.3")
    page = _as(staff).get("/enterprises/staff/").content.decode()
    assert f'<tr data-district="{world.county.pk}">' in page
    assert '<td class="percent">33.3%</td>' in page


def test_listing_twice_or_linking_twice_changes_nothing(world: World, pearl: Org) -> None:
    staff = world.county_staff
    listed = actions.list_enterprise(world.county, actor=staff, name="黑珍珠海洋生物科技有限公司")
    actions.link_federation(listed, pearl, actor=staff)
    before = _state()
    client = _as(staff)
    before = _state()
    response = client.post(
        f"/enterprises/staff/districts/{world.county.pk}/enterprises/",
        {"name": "黑珍珠海洋生物科技有限公司"},
    )
    assert response.status_code == 409
    other = actions.list_enterprise(world.county, actor=staff, name="合浦穗香食品有限公司")
    before = _state()
    response = client.post(
        f"/enterprises/staff/enterprises/{other.pk}/federation/", {"federation": pearl.pk}
    )
    assert response.status_code == 409
    assert _state() == before


@pytest.mark.parametrize("who", ["member", "chair", "volunteer", "leader", "social_worker"])
def test_only_district_staff_keep_the_lists(world: World, pearl: Org, who: str) -> None:
    listed = actions.list_enterprise(world.county, actor=world.county_staff, name="北海某船厂")
    client = _as(getattr(world, who))
    before = _state()
    base = f"/enterprises/staff/districts/{world.county.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/enterprises/", {"name": "新公司"}).status_code == 404
    assert (
        client.post(
            f"{base}/entrepreneurs/", {"name": "王", "enterprise": "x", "consent": "on"}
        ).status_code
        == 404
    )
    response = client.post(
        f"/enterprises/staff/enterprises/{listed.pk}/federation/", {"federation": pearl.pk}
    )
    assert response.status_code == 404
    assert _state() == before


def test_the_directory_shows_only_what_she_agreed_to(world: World) -> None:
    staff = _as(world.county_staff)
    url = f"/enterprises/staff/districts/{world.county.pk}/entrepreneurs/"
    before = _state()
    refused = staff.post(url, {"name": "陈海燕", "enterprise": "黑珍珠", "phone": "13977001234"})
    assert refused.status_code == 400  # no consent, nothing listed
    assert _state() == before
    staff.post(
        url,
        {
            "name": "陈海燕",
            "enterprise": "黑珍珠海洋生物",
            "sector": "海洋生物",
            "phone": "13977001234",
            "consent": "on",
        },
    )
    staff.post(
        url,
        {
            "name": "林秀梅",
            "enterprise": "穗香食品",
            "phone": "13977005678",
            "show_phone": "on",
            "consent": "on",
        },
    )
    page = Client().get("/enterprises/directory/").content.decode()
    assert "陈海燕" in page and "林秀梅" in page
    assert "13977001234" not in page
    assert "13977005678" in page
    hidden = Entrepreneur.objects.get(name="林秀梅")
    assert staff.post(f"/enterprises/staff/entrepreneurs/{hidden.pk}/withdraw/").status_code == 302
    page = Client().get("/enterprises/directory/").content.decode()
    assert "林秀梅" not in page and "13977005678" not in page
    hidden.refresh_from_db()
    assert (hidden.listed, hidden.phone) == (False, "")
