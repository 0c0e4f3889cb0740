"""The rollups against the live computation of the rates, after random lifecycle sequences."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import F

from sanshi.analytics import rollups
from sanshi.analytics.models import RollupCount, RollupMonth, RollupWatermark
from sanshi.analytics.rollups import M
from sanshi.analytics.selectors import Rate, rates_for_org, rollup_rates, rollup_sums
from sanshi.analytics.tests.test_rates import PERIOD, _build
from sanshi.concerns import actions
from sanshi.concerns.models import Concern, ConcernEvent, Status
from sanshi.core.errors import SanshiError
from sanshi.testing import World, run_at_once

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 10, 26, 8, 0, tzinfo=TZ)
SUBCATEGORIES = ["children.childcare", "family.conflict", "work.training", "children.left_behind"]
ERRORS: list[str] = []
CHANNELS = ["web", "phone", "walk_in", "visit"]


def _days(a: dt.datetime, b: dt.datetime) -> tuple[dt.date, dt.date]:
    return a.astimezone(TZ).date(), b.astimezone(TZ).date()


def _live_equals_rollups(world: World, start: dt.date, end: dt.date) -> None:
    lo = dt.datetime.combine(start, dt.time(), tzinfo=TZ)
    hi = dt.datetime.combine(end, dt.time(), tzinfo=TZ)
    for org in (world.city, world.county, world.township, world.community, world.other_community):
        assert rollup_rates(org, start, end) == rates_for_org(org, lo, hi), (org.name, start, end)


def test_rollups_equal_the_hand_checked_rates(world: World) -> None:
    _build(world)
    rollups.refresh()
    rates = rollup_rates(world.county, *_days(*PERIOD))
    assert rates.response == Rate(2, 5)
    assert rates.resolution == Rate(3, 3)
    assert rates == rates_for_org(world.county, *PERIOD)
    _live_equals_rollups(world, *_days(*PERIOD))
    assert rollups.check(*_days(*PERIOD)) == {}


def _random_step(rng: random.Random, world: World, c: Concern) -> None:
    c.refresh_from_db()
    handler = world.member if c.org_id == world.community.pk else world.outside_member
    d = world.dispatcher
    choices: dict[str, list[Any]] = {
        Status.RECEIVED: [
            lambda: actions.dispatch_concern(
                c, rng.choice([world.community, world.other_community]), actor=d
            ),
            lambda: actions.close_concern(c, actor=d, reason="不是诉求"),
        ],
        Status.RETURNED: [lambda: actions.dispatch_concern(c, world.community, actor=d)],
        Status.DISPATCHED: [
            lambda: actions.sign_concern(c, actor=handler),
            lambda: actions.sign_concern(c, actor=handler),
            lambda: actions.return_concern(c, actor=handler, reason="不属本社区"),
        ],
        Status.SIGNED: [
            lambda: actions.log_contact(c, actor=handler, method="phone", outcome="ok"),
            lambda: actions.return_concern(c, actor=handler, reason="不属本社区"),
            lambda: actions.reply_concern(c, actor=handler, reply="已办"),
        ],
        Status.IN_PROGRESS: [
            lambda: actions.reply_concern(c, actor=handler, reply="已办"),
            lambda: actions.request_extension(
                c,
                actor=handler,
                until=(c.resolve_due or START) + dt.timedelta(days=5),
                reason="需要协调",
            ),
            lambda: actions.decide_extension(c, actor=d, approve=rng.random() < 0.7, note="好"),
        ],
        Status.REOPENED: [
            lambda: actions.log_contact(c, actor=handler, method="visit", outcome="ok"),
            lambda: actions.reply_concern(c, actor=handler, reply="再办"),
        ],
        Status.REPLIED: [
            lambda: actions.record_follow_up(
                c,
                actor=None,
                solved=rng.random() < 0.5,
                satisfaction=rng.choice(["satisfied", "basic", "unsatisfied"]),
            ),
            lambda: actions.close_concern(c, actor=d, reason="联系不上"),
        ],
    }
    choices[Status.REPLIED] += choices[Status.REPLIED][:1] * 2
    options = choices.get(c.status, [])
    if options:
        try:
            rng.choice(options)()
        except SanshiError as exc:
            ERRORS.append(repr(exc))  # e.g. a second extension request: the sequence goes on


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_agree_with_live_after_random_lifecycles(world: World, seed: int) -> None:
    rng = random.Random(seed)
    now = START
    concerns: list[Concern] = []
    phones = ["13800000001", "13800000002", "13800000003", ""]
    for step in range(300):
        now += dt.timedelta(hours=rng.choice([0.1, 0.2, 0.5, 1, 3, 9, 20]))
        with time_machine.travel(now, tick=False):
            if rng.random() < 0.12 or not concerns:
                c = world.concern(
                    text=f"诉求 {step}",
                    subcategory=rng.choice(SUBCATEGORIES),
                    channel=rng.choice(CHANNELS),
                    reporter_phone=rng.choice(phones),
                    address=rng.choice(["北海市海城区东街1号", "", "北海市银海区2号"]),
                    urgency=rng.choice(["normal", "normal", "high", "critical"]),
                )
                concerns.append(c)
            else:
                _random_step(rng, world, rng.choice(concerns[-5:]))
            if rng.random() < 0.1:
                rollups.refresh(batch=rng.choice([3, 50]))  # incremental, at random moments
    rollups.refresh()
    first, last = START.date(), now.astimezone(TZ).date() + dt.timedelta(days=1)
    # the sequence went through every path the rates count
    sums = rollup_sums(world.city, first, last)[None]
    reached = {
        m
        for m in (
            M.RESPONDED,
            M.SOLVED,
            M.SATISFIED,
            M.CLOSED_ON_TIME,
            M.CLOSED_REOPENED,
            M.RETURN_EVENTS,
            M.CLOSED_UNRATED,
            M.DANGER_DISPATCHED,
        )
        if sums[m]
    }
    assert len(reached) >= 6, sorted(reached)  # coverage of the random walk, not a result
    _live_equals_rollups(world, first, last)
    _live_equals_rollups(world, dt.date(2026, 11, 1), dt.date(2026, 12, 1))  # the monthly table
    day = first
    while day < last:
        _live_equals_rollups(world, day, day + dt.timedelta(days=1))
        day += dt.timedelta(days=7)
    assert rollups.check(first, last) == {}
    # and a rebuild from nothing gives the same numbers
    before = rollups.stored(first, last)
    rollups.rebuild_all()
    assert rollups.stored(first, last) == before


def test_gaming_signs_are_counted(world: World) -> None:
    m, d = world.member, world.dispatcher
    with time_machine.travel(START, tick=False):
        a = world.concern(reporter_phone="13900000009", address="东街 1号")
        actions.dispatch_concern(a, world.community, actor=d)
        actions.return_concern(a, actor=m, reason="不属本社区")
        actions.dispatch_concern(a, world.community, actor=d)
        actions.return_concern(a, actor=m, reason="还是不属")
        actions.dispatch_concern(a, world.community, actor=d)
        actions.sign_concern(a, actor=m)
        actions.reply_concern(a, actor=m, reply="已办")
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        actions.record_follow_up(a, actor=None, solved=False, satisfaction="unsatisfied")
        b = world.concern(reporter_phone="139 0000 0009")  # same phone, two days later
        c = world.concern(address="东街1号")  # same address once spaces go
        e = world.concern(reporter_phone="13900000001")
        actions.close_concern(e, actor=d, reason="不是诉求")
    with time_machine.travel(START + dt.timedelta(days=40), tick=False):
        f = world.concern(reporter_phone="13900000009")  # 38 days after b: not a repeat
    rollups.refresh()
    sums = rollup_sums(world.city, dt.date(2026, 10, 1), dt.date(2027, 1, 1))[None]
    assert sums[M.RECEIVED] == 5
    assert sums[M.BACK_AND_FORTH] == 1
    assert sums[M.REPEAT] == 2  # b and c
    assert sums[M.REOPENED_30D] == 1
    assert sums[M.CLOSED_UNRATED] == 1
    assert sums[M.RETURN_EVENTS] == 2
    assert sums[M.DISPATCH_EVENTS] == 3
    assert {b.pk, c.pk, f.pk} == set(
        Concern.objects.exclude(pk__in=[a.pk, e.pk]).values_list("pk", flat=True)
    )


def test_check_finds_a_wrong_cell_and_the_command_says_so(world: World) -> None:
    _build(world)
    call_command("rollup")
    call_command("rollup", "--check", "--from", "2026-11-01", "--to", "2026-12-01")
    row = RollupCount.objects.filter(metric=M.DISPATCHED).first()
    assert row is not None
    RollupCount.objects.filter(pk=row.pk).update(value=row.value + 1)
    with pytest.raises(CommandError, match="1 cells differ"):
        call_command("rollup", "--check", "--from", "2026-11-01", "--to", "2026-12-01")
    with pytest.raises(CommandError, match="needs --from"):
        call_command("rollup", "--check")
    call_command("rollup", "--rebuild")
    call_command("rollup", "--check", "--from", "2026-11-01", "--to", "2026-12-01")
    # a wrong subtree total in the monthly table is found too
    RollupMonth.objects.filter(org=world.city, metric=M.RATED).update(value=F("value") - 1)
    with pytest.raises(CommandError, match="1 cells differ"):
        call_command("rollup", "--check", "--from", "2026-11-01", "--to", "2026-12-01")


def test_refresh_reads_each_event_once_and_moves_the_watermark(world: World) -> None:
    _build(world)
    first = rollups.refresh()
    again = rollups.refresh()
    mark = RollupWatermark.objects.get(name=rollups.WATERMARK)
    assert first.events == ConcernEvent.objects.count()
    assert mark.last_event_id == ConcernEvent.objects.latest("pk").pk
    assert again.events == 0
    assert again.changed_cells == 0  # the margin read again changes nothing
    assert again.watermark == mark.last_event_id


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_count_once(world: World) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks)")
    _build(world)
    outcomes = run_at_once(lambda: rollups.refresh(batch=7), lambda: rollups.refresh(batch=7))
    assert all(isinstance(o, rollups.RefreshResult) for o in outcomes), outcomes
    assert sum(o.events for o in outcomes) == ConcernEvent.objects.count()
    assert rollups.check(*_days(*PERIOD)) == {}
    assert rollup_rates(world.county, *_days(*PERIOD)) == rates_for_org(world.county, *PERIOD)
