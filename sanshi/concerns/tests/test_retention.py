from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command

from sanshi.concerns import actions
from sanshi.concerns.models import Concern, EventKind
from sanshi.concerns.tests.conftest import step
from sanshi.testing import World


def _closed(world: World, when: dt.datetime, **kwargs) -> Concern:
    with time_machine.travel(when, tick=False):
        concern = world.concern(**kwargs)
        for name in ["dispatch", "sign", "contact", "reply", "solved"]:
            step(world, concern, name)
    return concern


def test_retention_anonymises_old_closed_concerns_once(world: World, capsys) -> None:
    now = dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)
    old = _closed(
        world,
        now - dt.timedelta(days=4 * 365),
        reporter_name="赵女士",
        reporter_phone="13900001111",
        address="廉州镇某路1号",
        text="老房子漏水",
    )
    recent = _closed(world, now - dt.timedelta(days=200), reporter_name="钱女士")
    with time_machine.travel(now, tick=False):
        call_command("retention")
        first = capsys.readouterr().out
        call_command("retention")
        second = capsys.readouterr().out
    old.refresh_from_db()
    recent.refresh_from_db()
    assert "retention: 1 anonymised" in first
    assert "retention: 0 anonymised" in second
    assert (
        old.text,
        old.reporter_name,
        old.reporter_phone,
        old.address,
        old.reporter_phone_index,
    ) == ("[已匿名化]", "", "", "", "")
    assert (old.category, old.status, old.solved, old.satisfaction) == (
        "children",
        "closed",
        True,
        "satisfied",
    )
    assert set(old.events.values_list("note", flat=True)) == {""}
    assert old.events.filter(kind=EventKind.ANONYMISED).count() == 1
    assert recent.reporter_name == "钱女士"


def test_open_concerns_are_never_anonymised(world: World) -> None:
    concern = world.concern()
    assert actions.anonymise_concern(concern) is False
    concern.refresh_from_db()
    assert concern.anonymised_at is None


def test_export_person_finds_her_concerns_by_phone(world: World, capsys) -> None:
    mine = world.concern(
        reporter_name="孙女士", reporter_phone="13700002222", text="想咨询儿童之家"
    )
    world.concern(reporter_name="周女士", reporter_phone="13700003333")
    call_command("export_person", "--phone", "137-0000-2222", "--reason", "本人申请查阅")
    data = json.loads(capsys.readouterr().out)
    assert [c["tracking_code"] for c in data["concerns"]] == [mine.tracking_code]
    assert data["concerns"][0]["reporter_name"] == "孙女士"


def test_export_person_refuses_a_non_phone(world: World) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_person", "--phone", "abc", "--reason", "x")
