"""Households and visits through their actions: rules, sealing, the visit that becomes a concern."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from sanshi.audit.models import AuditEntry
from sanshi.concerns.models import Channel, Concern, LegalBasis
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.network import actions
from sanshi.network.models import CareFlag, Household, Visit
from sanshi.testing import World, person_of

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)
NOON = dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC)  # 12:00 in Beijing


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


@time_machine.travel(NOON, tick=False)
def test_a_household_is_due_by_its_strictest_flag(world: World) -> None:
    h = actions.add_household(
        actor=world.member, address="3栋 501", flags=[CareFlag.DV_HISTORY, CareFlag.ELDER_ALONE]
    )
    assert h.next_visit_due == TODAY + dt.timedelta(days=7)
    assert h.keeper == person_of(world.member)
    assert h.org == world.community
    plain = actions.add_household(actor=world.member, address="4栋 101")
    assert plain.next_visit_due == TODAY + dt.timedelta(days=90)


def test_address_people_and_flags_are_sealed_at_rest(world: World, household: Household) -> None:
    for column, secret in [("address", "3栋"), ("people", "王秀英"), ("flags", "dv_history")]:
        raw = _raw("network_household", column, household.pk)
        assert secret not in raw
        assert raw.startswith("A:")
    again = Household.objects.get(pk=household.pk)
    assert again.address == "北部湾社区 3栋 2单元 501"
    assert again.flags == [CareFlag.DV_HISTORY, CareFlag.SINGLE_PARENT]
    assert again.people == [{"name": "王秀英", "relation": "本人", "phone": "13800001111"}]


def test_people_without_consent_are_refused_and_nothing_is_written(world: World) -> None:
    audits = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as err:
        actions.add_household(
            actor=world.member, address="5栋", people=[actions.PersonEntry("李四")], consent=False
        )
    assert err.value.fields == {"consent": "required"}
    assert Household.objects.count() == 0
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("address", "flags", "field"),
    [("", [], "address"), ("x" * 201, [], "address"), ("5栋", ["rich"], "flags")],
)
def test_bad_household_input_writes_nothing(
    world: World, address: str, flags: list[str], field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        actions.add_household(actor=world.member, address=address, flags=flags)
    assert list(err.value.fields) == [field]
    assert Household.objects.count() == 0


@pytest.mark.parametrize("who", ["volunteer", "leader", "dispatcher", "social_worker"])
def test_only_committee_members_keep_households(world: World, who: str) -> None:
    with pytest.raises(NotAllowed):
        actions.add_household(actor=getattr(world, who), address="5栋")
    assert Household.objects.count() == 0


def test_a_visit_moves_the_due_date_and_is_audited(world: World, household: Household) -> None:
    with time_machine.travel(NOON, tick=False):
        visit = actions.log_visit(
            household, actor=world.member, found="情绪稳定，孩子上学正常", follow_up="两周后再来"
        )
    household.refresh_from_db()
    assert visit.visited_on == TODAY
    assert household.last_visited_on == TODAY
    assert household.next_visit_due == TODAY + dt.timedelta(days=14)
    assert "情绪" not in _raw("network_visit", "found", visit.pk)
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.object_id, last.data) == (
        "network.visit_logged",
        str(household.pk),
        {"visit": visit.pk},
    )


@time_machine.travel(NOON, tick=False)
def test_a_visit_logged_late_does_not_move_the_due_date_back(
    world: World, household: Household
) -> None:
    actions.log_visit(household, actor=world.member, found="好")
    actions.log_visit(
        household, actor=world.member, found="补记", visited_on=TODAY - dt.timedelta(days=5)
    )
    household.refresh_from_db()
    assert household.last_visited_on == TODAY
    assert household.next_visit_due == TODAY + dt.timedelta(days=14)


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("day", "found", "field"),
    [
        (TODAY + dt.timedelta(days=1), "好", "visited_on"),
        (TODAY, "  ", "found"),
        (TODAY - dt.timedelta(days=400), "好", "visited_on"),
    ],
)
def test_bad_visits_write_nothing(
    world: World, household: Household, day: dt.date, found: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        actions.log_visit(household, actor=world.member, found=found, visited_on=day)
    assert list(err.value.fields) == [field]
    assert Visit.objects.count() == 0
    household.refresh_from_db()
    assert household.last_visited_on is None


@pytest.mark.parametrize("who", ["outside_member", "volunteer", "leader", "social_worker"])
def test_others_cannot_log_visits(world: World, household: Household, who: str) -> None:
    with pytest.raises(NotAllowed):
        actions.log_visit(household, actor=getattr(world, who), found="好")
    assert Visit.objects.count() == 0


def test_a_visit_becomes_a_protected_concern_with_the_household_prefilled(
    world: World, household: Household
) -> None:
    visit = actions.log_visit(household, actor=world.member, found="丈夫又动手了，她想申请保护")
    concern = actions.raise_concern_from_visit(
        visit, actor=world.member, text="丈夫又动手了，她想申请保护令", consent=True
    )
    visit.refresh_from_db()
    assert visit.concern_id == concern.pk
    concern = Concern.objects.get(pk=concern.pk)
    assert concern.channel == Channel.VISIT
    assert concern.address == "北部湾社区 3栋 2单元 501"
    assert concern.reporter_name == "王秀英"
    assert concern.reporter_phone == "13800001111"
    assert concern.member == person_of(world.member)
    assert concern.community == world.community
    assert concern.protected is True
    assert concern.legal_basis == LegalBasis.CONSENT


def test_a_visit_becomes_one_concern_only(world: World, household: Household) -> None:
    visit = actions.log_visit(household, actor=world.member, found="孩子没人接送")
    actions.raise_concern_from_visit(visit, actor=world.member, text="孩子没人接送", consent=True)
    with pytest.raises(Conflict):
        actions.raise_concern_from_visit(visit, actor=world.member, text="再报", consent=True)
    assert Concern.objects.count() == 1


def test_without_consent_only_danger_becomes_a_concern(world: World, household: Household) -> None:
    visit = actions.log_visit(household, actor=world.member, found="孩子没人接送")
    with pytest.raises(InvalidInput) as err:
        actions.raise_concern_from_visit(
            visit, actor=world.member, text="孩子没人接送", consent=False
        )
    assert err.value.fields == {"consent": "required"}
    assert Concern.objects.count() == 0
    visit.refresh_from_db()
    assert visit.concern_id is None
    danger = actions.raise_concern_from_visit(
        visit, actor=world.member, text="他拿着刀说要杀了她，现在就在家里", consent=False
    )
    assert danger.legal_basis == LegalBasis.EMERGENCY
    assert danger.urgency == "critical"


def test_update_applies_the_new_rule_from_the_last_visit(
    world: World, household: Household
) -> None:
    with time_machine.travel(NOON, tick=False):
        actions.log_visit(household, actor=world.member, found="好")
        actions.update_household(
            household,
            actor=world.member,
            address="3栋 2单元 501",
            people=[],
            consent=False,
            flags=[CareFlag.ELDER_ALONE],
        )
    household.refresh_from_db()
    assert household.flags == [CareFlag.ELDER_ALONE]
    assert household.next_visit_due == TODAY + dt.timedelta(days=7)
    assert household.people == []


def test_closing_takes_the_household_off_the_lists(world: World, household: Household) -> None:
    with pytest.raises(InvalidInput):
        actions.close_household(household, actor=world.chair, reason="")
    household.refresh_from_db()
    assert household.active is True
    actions.close_household(household, actor=world.member, reason="搬走了")
    household.refresh_from_db()
    assert (household.active, household.next_visit_due) == (False, None)
    with pytest.raises(NotAllowed):  # closed: off every list, the chair's too
        actions.close_household(household, actor=world.chair, reason="又搬回来了")


@time_machine.travel(NOON, tick=False)
def test_a_deployment_sets_its_own_visiting_rules(world: World, settings: object) -> None:
    from sanshi.env import ConfigError
    from sanshi.network.conf import every_days

    settings.SANSHI_VISIT_EVERY_DAYS = "dv_history:7, none:30"  # type: ignore[attr-defined]
    h = actions.add_household(actor=world.member, address="3栋", flags=[CareFlag.DV_HISTORY])
    assert h.next_visit_due == TODAY + dt.timedelta(days=7)
    assert every_days()[""] == 30
    settings.SANSHI_VISIT_EVERY_DAYS = "rich:3"  # type: ignore[attr-defined]
    with pytest.raises(ConfigError) as err:
        every_days()
    assert err.value.name == "SANSHI_VISIT_EVERY_DAYS"
