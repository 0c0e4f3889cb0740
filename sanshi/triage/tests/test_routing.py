from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sanshi.core import clock
from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Division, Org
from sanshi.triage.actions import add_place_alias
from sanshi.triage.engine import triage_batch
from sanshi.triage.models import PlaceAlias
from sanshi.triage.routing import route_address, route_with_text

ADDRESSES = Path(__file__).parents[1] / "addresses" / "guangxi.jsonl"


@pytest.fixture
def beihai(guangxi: None) -> dict[str, Org]:
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
    return {
        "province": province,
        "city": city,
        "county": county,
        "street": street,
        "community": community,
    }


def test_labeled_guangxi_addresses_are_right_at_township_level(guangxi: None) -> None:
    rows = [json.loads(line) for line in ADDRESSES.read_text(encoding="utf-8").splitlines()]
    right = sum(
        (route_address(r["address"]).township or {}).get("code") == r["township"] for r in rows
    )
    assert len(rows) == 107
    assert right / len(rows) >= 0.95


def test_abbreviated_county_and_township_route_to_the_township(guangxi: None) -> None:
    route = route_address("合浦廉州镇")
    assert route.as_dict() == {
        "province": {"code": "450000", "name": "广西壮族自治区"},
        "city": {"code": "450500", "name": "北海市"},
        "county": {"code": "450521", "name": "合浦县"},
        "township": {"code": "450521100", "name": "廉州镇"},
        "community": None,
        "org": None,
        "ambiguous": False,
    }


def test_community_named_without_its_street_routes_to_the_community_org(
    beihai: dict[str, Org],
) -> None:
    route = route_address("北部湾社区3栋")
    assert route.township == {"code": "450502002", "name": "东街街道"}
    assert route.community == {"code": "", "name": "北部湾社区"}
    assert (route.org_id, route.org_name, route.ambiguous) == (
        beihai["community"].pk,
        "北部湾社区妇联",
        False,
    )


def test_township_without_an_org_routes_to_the_lowest_org_above_it(beihai: dict[str, Org]) -> None:
    route = route_address("北海市海城区中街街道")
    assert route.township == {"code": "450502001", "name": "中街街道"}
    assert (route.org_id, route.ambiguous) == (beihai["county"].pk, False)


def test_a_township_name_shared_by_two_counties_stops_at_their_common_ancestor(
    guangxi: None,
) -> None:
    shared = Division.objects.filter(level=4, name="城关镇").count()
    route = route_address("城关镇")
    assert shared > 1
    assert route.ambiguous is True
    assert route.township is None


def test_an_alias_added_by_an_admin_is_understood(beihai: dict[str, Org]) -> None:
    assert route_address("老街口菜市场").township is None
    add_place_alias("老街口", org=beihai["community"])
    route = route_address("老街口菜市场")
    assert (route.community, route.org_id) == (
        {"code": "", "name": "北部湾社区"},
        beihai["community"].pk,
    )


def test_an_old_county_name_routes_to_the_current_division(guangxi: None) -> None:
    route = route_address("宜州市庆远镇")
    assert route.county == {"code": "451203", "name": "宜州区"}
    assert route.township is not None and route.township["name"] == "庆远镇"


def test_within_the_check_interval_routing_asks_the_database_nothing(
    beihai: dict[str, Org], django_assert_num_queries: Any, settings: Any
) -> None:
    settings.REFERENCE_DATA_SECONDS = 3600
    addresses = ["北海市海城区东街街道", "合浦廉州镇", "北部湾社区", "", "东街街道"]
    triage_batch(["路灯坏了"], ["北海市"])  # builds the gazetteer, looks the model up
    with django_assert_num_queries(0):
        results = triage_batch(["路灯坏了"] * len(addresses), addresses)
    assert [
        r.route.township["name"] if r.route and r.route.township else None for r in results
    ] == ["东街街道", "廉州镇", "东街街道", None, "东街街道"]


def test_a_batch_checks_the_gazetteer_once_for_all_its_addresses(
    beihai: dict[str, Org], django_assert_num_queries: Any, settings: Any
) -> None:
    settings.REFERENCE_DATA_SECONDS = 0  # every call asks
    addresses = ["北海市海城区东街街道", "合浦廉州镇", "北部湾社区", "", "东街街道"]
    triage_batch(["路灯坏了"], ["北海市"])
    # The three aggregates that tell whether divisions, orgs or aliases changed: once.
    with django_assert_num_queries(3):
        triage_batch(["路灯坏了"] * len(addresses), addresses)


def test_a_place_written_by_another_process_is_seen_after_the_check_interval(
    beihai: dict[str, Org], settings: Any
) -> None:
    settings.REFERENCE_DATA_SECONDS = 3600
    assert route_address("老街口菜市场").community is None
    # Another process's write: bulk_create sends no signal to this one.
    PlaceAlias.objects.bulk_create(
        [PlaceAlias(alias="老街口", org=beihai["community"], created_at=clock.now())]
    )
    assert route_address("老街口菜市场").community is None  # not asked yet
    settings.REFERENCE_DATA_SECONDS = 0
    route = route_address("老街口菜市场")
    assert (route.community, route.org_id) == (
        {"code": "", "name": "北部湾社区"},
        beihai["community"].pk,
    )


# ---------------------------------------------------------------- a community named in the text

NAMED = "我是北部湾社区的居民，楼下邻居天天半夜装修，找物业也没用"


def test_a_community_named_in_the_text_routes_when_there_is_no_address(
    beihai: dict[str, Org],
) -> None:
    route = route_with_text(None, NAMED)
    assert route is not None
    assert (route.org_id, route.community, route.township) == (
        beihai["community"].pk,
        {"code": "", "name": "北部湾社区"},
        {"code": "450502002", "name": "东街街道"},
    )
    assert route.mentions == (("北部湾社区", 2, 7),)


def test_the_text_takes_a_less_precise_address_down_to_its_community(
    beihai: dict[str, Org],
) -> None:
    route = route_with_text(route_address("北海市海城区"), NAMED)
    assert route is not None
    assert (route.org_id, route.ambiguous) == (beihai["community"].pk, False)


def test_a_community_outside_the_address_changes_nothing(beihai: dict[str, Org]) -> None:
    by_address = route_address("合浦县廉州镇")
    assert route_with_text(by_address, NAMED) is by_address


def test_an_address_at_its_community_already_is_kept(beihai: dict[str, Org]) -> None:
    by_address = route_address("北部湾社区3栋")
    assert route_with_text(by_address, "我在侨港镇上班") is by_address


def test_a_short_name_or_a_street_in_the_text_routes_nowhere(beihai: dict[str, Org]) -> None:
    # "北部湾" alone is a short form (a sea, a road): only full official names count in a text.
    assert route_with_text(None, "我在北部湾大道上被人抢了包") is None
    assert route_with_text(None, "北部湾的海风很大，孩子感冒了") is None


def test_intake_routes_a_concern_by_the_community_its_text_names(beihai: dict[str, Org]) -> None:
    from sanshi.concerns.models import Channel
    from sanshi.testing import intake_concern

    concern, result = intake_concern(text=NAMED, channel=Channel.WEB, consent_version="t")
    assert (concern.community, concern.division_id) == (beihai["community"], "450502002")
    assert result.route is not None and result.route.org_id == beihai["community"].pk
    assert concern.triage["route"]["community"] == {"code": "", "name": "北部湾社区"}
