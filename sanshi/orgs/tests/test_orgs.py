from __future__ import annotations

import datetime as dt

import pytest

from sanshi.audit.models import AuditEntry
from sanshi.core.errors import InvalidInput
from sanshi.orgs.actions import add_membership, create_org, create_person, move_org
from sanshi.orgs.division_import import import_divisions
from sanshi.orgs.models import Division, Membership, Org, Role
from sanshi.orgs.selectors import lowest_org_for_division, subtree
from sanshi.testing import World


def test_a_cycle_in_the_tree_is_refused_and_nothing_moves(world: World) -> None:
    before = dict(Org.objects.values_list("pk", "path"))
    with pytest.raises(InvalidInput, match="cycle"):
        move_org(world.county, new_parent=world.community)
    with pytest.raises(InvalidInput, match="cycle"):
        move_org(world.county, new_parent=world.county)
    assert dict(Org.objects.values_list("pk", "path")) == before


def test_moving_an_org_moves_its_subtree(world: World) -> None:
    other = create_org(name="银海区妇联", level=Org.Level.COUNTY, parent=world.city)
    move_org(world.township, new_parent=other)
    world.community.refresh_from_db()
    assert world.community.path == f"{other.path}{world.township.pk}/{world.community.pk}/"
    assert world.community.depth == 4
    assert set(subtree(other).values_list("name", flat=True)) == {
        "银海区妇联",
        "东街街道妇联",
        "北部湾社区妇联",
        "侨中社区妇联",
    }


def test_a_duplicate_name_under_the_same_parent_is_refused(world: World) -> None:
    count = Org.objects.count()
    with pytest.raises(InvalidInput, match="already exists"):
        create_org(
            name="北部湾社区妇联",
            level=Org.Level.COMMUNITY,
            kind=Org.Kind.RESIDENTS,
            parent=world.township,
        )
    assert Org.objects.count() == count
    create_org(
        name="北部湾社区妇联",
        level=Org.Level.COMMUNITY,
        kind=Org.Kind.RESIDENTS,
        parent=world.county,
    )
    assert Org.objects.count() == count + 1


def test_unknown_division_codes_are_refused(guangxi: None) -> None:
    for bad in ("999999", "45050", "450502999", "abc", "450502999001"):
        with pytest.raises(InvalidInput):
            create_org(name=f"x{bad}", level=Org.Level.COUNTY, parent=None, division_code=bad)
    assert Org.objects.count() == 0
    city = create_org(
        name="北海市妇联", level=Org.Level.CITY, parent=None, division_code="450500000000"
    )
    village = create_org(
        name="某村妇联",
        level=Org.Level.COMMUNITY,
        kind=Org.Kind.VILLAGE,
        parent=city,
        division_code="450503103201",
    )
    assert (city.division_code, village.division_code) == ("450500", "450503103201")
    assert lowest_org_for_division("450503103201") == village
    assert lowest_org_for_division("450503103") == city


def test_a_term_that_ends_before_it_starts_is_refused(world: World) -> None:
    person = create_person(name="李执委")
    count = Membership.objects.count()
    with pytest.raises(InvalidInput, match="ends"):
        add_membership(
            person,
            world.community,
            role=Role.COMMITTEE_MEMBER,
            term_start=dt.date(2026, 1, 1),
            term_end=dt.date(2025, 12, 31),
        )
    with pytest.raises(InvalidInput, match="unknown role"):
        add_membership(person, world.community, role="boss", term_start=dt.date(2026, 1, 1))
    assert Membership.objects.count() == count


def test_one_person_holds_roles_in_several_orgs(world: World) -> None:
    person = create_person(name="许海鸥")
    add_membership(person, world.community, role=Role.SOCIAL_WORKER, term_start=dt.date(2017, 1, 1))
    add_membership(person, world.city, role=Role.COMMITTEE_MEMBER, term_start=dt.date(2021, 1, 1))
    assert sorted(person.memberships.values_list("org__name", "role")) == [
        ("北海市妇联", "committee_member"),
        ("北部湾社区妇联", "social_worker"),
    ]


def test_writes_leave_audit_rows(world: World) -> None:
    assert AuditEntry.objects.filter(action="org.created").count() == 6
    assert AuditEntry.objects.filter(action="membership.added").count() == 10


@pytest.mark.django_db
def test_division_import_is_idempotent_and_has_beihai() -> None:
    first = import_divisions(provinces=["450000"])
    second = import_divisions(provinces=["450000"])
    assert (second.added, second.updated, second.unchanged) == (0, 0, first.added)
    assert Division.objects.get(code="450503103").name == "侨港镇"
    assert sorted(Division.objects.filter(parent="450500").values_list("name", flat=True)) == [
        "合浦县",
        "海城区",
        "铁山港区",
        "银海区",
    ]
