"""Enrolment, sign-in and sign-out through the actions: a child leaves only with an adult on
her list who gives her own code; refusals are audited and change nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from sanshi.audit.models import AuditEntry
from sanshi.childcare import actions
from sanshi.childcare.models import Attendance, Child, Collector, Presence, Session
from sanshi.childcare.tests.conftest import Home
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.testing import World


def _audits(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_enrolment_seals_names_and_keeps_only_code_hashes(world: World, home: Home) -> None:
    assert Collector.objects.filter(child=home.lili).count() == 2
    assert len(home.grandma_code) == 6 and home.grandma_code.isdigit()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, guardian_phone FROM childcare_child WHERE id = %s", [home.lili.pk]
        )
        raw_name, raw_phone = cursor.fetchone()
        cursor.execute(
            "SELECT name, phone, code_hash FROM childcare_collector WHERE id = %s",
            [home.grandma.pk],
        )
        raw_collector = cursor.fetchone()
    assert "陈丽丽" not in raw_name and "13900001111" not in raw_phone
    assert "黄秀英" not in raw_collector[0] and "13900002222" not in raw_collector[1]
    assert home.grandma_code not in raw_collector[2]
    assert Child.objects.get(pk=home.lili.pk).first_name == "丽丽"
    assert _audits("childcare.child_enrolled") == 2


def test_enrolment_without_consent_writes_nothing(world: World, home: Home) -> None:
    with pytest.raises(InvalidInput):
        actions.enroll_child(
            home.place,
            actor=world.social_worker,
            name="王小明",
            first_name="小明",
            guardian=actions.Adult("王芳", "母亲", "13900004444"),
            consent=False,
        )
    assert Child.objects.count() == 2
    assert Collector.objects.count() == 3


def test_sign_in_then_out_to_grandma_with_her_code(world: World, home: Home) -> None:
    row = actions.sign_in(home.lili, actor=world.social_worker)
    assert (row.status, row.signed_in_by) == (Presence.IN, world.social_worker)
    session = Session.objects.get()
    assert (session.day, session.opens, session.closes) == (
        dt.date(2026, 3, 2),
        dt.time(15, 0),
        dt.time(18, 0),
    )
    out = actions.sign_out(
        home.lili, actor=world.social_worker, collector_id=home.grandma.pk, code=home.grandma_code
    )
    assert (out.status, out.collected_by_id, out.signed_out_by_id) == (
        Presence.OUT,
        home.grandma.pk,
        world.social_worker.pk,
    )
    assert out.signed_out_at is not None and out.signed_out_at.isoformat() == (
        "2026-03-02T08:00:00+00:00"
    )
    entry = AuditEntry.objects.get(action="childcare.signed_out")
    assert (entry.actor_id, entry.object_id, entry.data["collector"]) == (
        world.social_worker.pk,
        str(home.lili.pk),
        home.grandma.pk,
    )


@pytest.mark.parametrize(
    ("who", "code", "why"),
    [
        ("nobody", "", "not_on_list"),
        ("other_child", "tao", "not_on_list"),
        ("grandma", "000000", "wrong_code"),
        ("grandma", "", "wrong_code"),
    ],
)
def test_sign_out_to_anyone_else_is_refused_and_audited(
    world: World, home: Home, who: str, code: str, why: str
) -> None:
    actions.sign_in(home.lili, actor=world.social_worker)
    collector_id: dict[str, Any] = {
        "nobody": None,
        "other_child": home.tao.collectors.get().pk,
        "grandma": home.grandma.pk,
    }
    given = home.tao_code if code == "tao" else code
    if given == home.grandma_code:  # a one-in-a-million draw
        given = "999999" if given != "999999" else "111111"
    with pytest.raises(NotAllowed):
        actions.sign_out(
            home.lili, actor=world.social_worker, collector_id=collector_id[who], code=given
        )
    row = Attendance.objects.get(child=home.lili)
    assert (row.status, row.signed_out_at, row.collected_by_id) == (Presence.IN, None, None)
    refusal = AuditEntry.objects.get(action="childcare.pickup_refused")
    assert (refusal.actor_id, refusal.data["why"]) == (world.social_worker.pk, why)
    assert _audits("childcare.signed_out") == 0


def test_a_removed_collector_can_no_longer_collect(world: World, home: Home) -> None:
    actions.remove_collector(home.grandma, actor=world.chair)
    actions.sign_in(home.lili, actor=world.social_worker)
    with pytest.raises(NotAllowed):
        actions.sign_out(
            home.lili,
            actor=world.social_worker,
            collector_id=home.grandma.pk,
            code=home.grandma_code,
        )
    assert Attendance.objects.get(child=home.lili).status == Presence.IN


def test_a_child_is_signed_in_once_and_out_once(world: World, home: Home) -> None:
    actions.sign_in(home.lili, actor=world.social_worker)
    with pytest.raises(Conflict):
        actions.sign_in(home.lili, actor=world.social_worker)
    actions.sign_out(
        home.lili, actor=world.social_worker, collector_id=home.mother.pk, code=home.mother_code
    )
    with pytest.raises(Conflict):
        actions.sign_out(
            home.lili, actor=world.social_worker, collector_id=home.mother.pk, code=home.mother_code
        )
    assert Attendance.objects.filter(child=home.lili, status=Presence.OUT).count() == 1


@pytest.mark.parametrize(
    "persona", ["volunteer", "member", "protection", "leader", "outside_member", "county_staff"]
)
def test_only_carers_sign_children_in_and_out(world: World, home: Home, persona: str) -> None:
    actor = getattr(world, persona)
    with pytest.raises(NotAllowed):
        actions.sign_in(home.lili, actor=actor)
    actions.sign_in(home.lili, actor=world.social_worker)
    with pytest.raises(NotAllowed):
        actions.sign_out(home.lili, actor=actor, collector_id=home.mother.pk, code=home.mother_code)
    with pytest.raises(NotAllowed):
        actions.add_collector(
            home.lili, actor=actor, adult=actions.Adult("张三", "邻居", "13900005555")
        )
    assert Attendance.objects.get(child=home.lili).status == Presence.IN
    assert Collector.objects.count() == 3
    assert _audits("childcare.pickup_refused") == 0


def test_the_place_manager_cares_without_a_role(world: World, home: Home) -> None:
    row = actions.sign_in(home.tao, actor=home.manager)
    assert row.signed_in_by == home.manager


def test_closed_weekday_opens_no_session(world: World, home: Home) -> None:
    home.place.hours.filter(weekday=0).delete()
    with pytest.raises(Conflict):
        actions.sign_in(home.lili, actor=world.social_worker)
    assert Session.objects.count() == 0
