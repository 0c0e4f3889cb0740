"""Issue 19: danger goes to the protection officer of its territory (triage.dispatch)."""

from __future__ import annotations

import pytest

from sanshi.concerns.models import EventKind, Status
from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Org, Role
from sanshi.testing import intake_concern, make_user
from sanshi.triage.models import DispatchThreshold

DV_NOW = "我老公又打我了，现在还在砸门，快来人"
ADDRESS = "北海市海城区东街街道北部湾社区"


@pytest.fixture
def tree(guangxi: None) -> dict[str, Org]:
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
    # Sure of any category: only danger's own rule keeps a concern off the community.
    DispatchThreshold.objects.create(category="", enabled=True, min_confidence=0.0)
    return {"city": city, "county": county, "street": street, "community": community}


def test_danger_goes_in_place_to_the_county_whose_protection_officer_takes_it(
    tree: dict[str, Org],
) -> None:
    make_user("county_protection", role=Role.PROTECTION_OFFICER, org=tree["county"])
    concern, result = intake_concern(text=DV_NOW, channel="open311", address=ADDRESS)
    concern.refresh_from_db()
    assert result.critical is True
    assert (concern.status, concern.org_id, concern.dispatching_org_id) == (
        Status.DISPATCHED,
        tree["county"].pk,
        tree["county"].pk,
    )
    assert (concern.community_id, concern.protected, concern.search_text) == (
        tree["community"].pk,
        True,
        "",
    )
    assert list(concern.events.values_list("kind", flat=True)) == [
        EventKind.RECEIVED,
        EventKind.DISPATCHED,
    ]


def test_danger_goes_to_the_lowest_org_with_a_protection_officer(tree: dict[str, Org]) -> None:
    make_user("county_protection", role=Role.PROTECTION_OFFICER, org=tree["county"])
    make_user("street_protection", role=Role.PROTECTION_OFFICER, org=tree["street"])
    concern, _result = intake_concern(text=DV_NOW, channel="web", address=ADDRESS)
    assert (concern.status, concern.org_id) == (Status.DISPATCHED, tree["street"].pk)


def test_danger_with_no_protection_officer_waits_on_the_board_not_at_the_community(
    tree: dict[str, Org],
) -> None:
    concern, _result = intake_concern(text=DV_NOW, channel="web", address=ADDRESS)
    assert (concern.status, concern.org_id) == (Status.RECEIVED, tree["county"].pk)


def test_an_officer_whose_term_ended_is_not_sent_danger(tree: dict[str, Org]) -> None:
    import datetime as dt

    from sanshi.orgs.models import Membership

    make_user("former_protection", role=Role.PROTECTION_OFFICER, org=tree["county"])
    Membership.objects.filter(role=Role.PROTECTION_OFFICER).update(term_end=dt.date(2021, 1, 1))
    concern, _result = intake_concern(text=DV_NOW, channel="web", address=ADDRESS)
    assert (concern.status, concern.org_id) == (Status.RECEIVED, tree["county"].pk)
