"""The three rates and their companions against values computed by hand."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine

from sanshi.analytics.selectors import Rate, rates_for_org
from sanshi.concerns import actions
from sanshi.testing import World

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=TZ)  # a Monday
PERIOD = (dt.datetime(2026, 11, 1, tzinfo=TZ), dt.datetime(2026, 12, 1, tzinfo=TZ))


def _at(hours: float):
    return time_machine.travel(DAY + dt.timedelta(hours=hours), tick=False)


def _build(world: World) -> None:
    """Five concerns, hand-checked:
    A  signed 1 h, contacted 2 h, replied day 2, rated solved + satisfied    -> responded, on time
    B  signed 30 h (late), contacted 31 h, replied day 3, rated not solved + unsatisfied, reopened,
       replied again day 9 (after the 7-day limit), rated solved + basic        -> on time: no
    C  signed 2 h, never contacted in time (contact at 60 h > 48 h), replied, rated solved, unsatisfied
    D  returned once by the community, redispatched, signed 1 h after, contacted, not replied
    E  dispatched to the other community, still waiting
    """

    def new(text: str):
        with _at(0):
            c = world.concern(text=text)
            actions.dispatch_concern(c, world.community, actor=world.dispatcher)
        return c

    a, b, c, d = new("A 托管"), new("B 托管"), new("C 托管"), new("D 托管")
    with _at(0):
        e = world.concern(text="E 托管")
        actions.dispatch_concern(e, world.other_community, actor=world.dispatcher)
    m = world.member
    with _at(1):
        actions.sign_concern(a, actor=m)
        actions.return_concern(d, actor=m, reason="不属本社区")
    with _at(2):
        actions.log_contact(a, actor=m, method="phone", outcome="ok")
        actions.sign_concern(c, actor=m)
        actions.dispatch_concern(d, world.community, actor=world.dispatcher)
    with _at(3):
        actions.sign_concern(d, actor=m)
        actions.log_contact(d, actor=m, method="visit", outcome="ok")
    with _at(30):
        actions.sign_concern(b, actor=m)
    with _at(31):
        actions.log_contact(b, actor=m, method="phone", outcome="ok")
    with _at(48):
        actions.reply_concern(a, actor=m, reply="done")
    with _at(60):
        actions.log_contact(c, actor=m, method="phone", outcome="late")
        actions.reply_concern(c, actor=m, reply="done")
    with _at(72):
        actions.reply_concern(b, actor=m, reply="done")
        actions.record_follow_up(a, actor=None, solved=True, satisfaction="satisfied")
        actions.record_follow_up(b, actor=None, solved=False, satisfaction="unsatisfied")
        actions.record_follow_up(c, actor=None, solved=True, satisfaction="unsatisfied")
    with _at(24 * 12):
        actions.reply_concern(b, actor=m, reply="again")
    with _at(24 * 13):
        actions.record_follow_up(b, actor=None, solved=True, satisfaction="basic")


def test_rates_for_the_county_by_hand(world: World) -> None:
    _build(world)
    rates = rates_for_org(world.county, *PERIOD)
    # Dispatched in the period: A B C D E = 5. Responded in time: A (1 h, 2 h) and D (signed 1 h
    # after its last dispatch, contacted 3 h); B signed late, C contacted late, E not signed.
    assert rates.response == Rate(2, 5)
    # Rated (latest rating): A solved, B solved (second rating), C solved -> 3/3.
    assert rates.resolution == Rate(3, 3)
    # Satisfaction: A satisfied, B basic, C unsatisfied -> 2/3.
    assert rates.satisfaction == Rate(2, 3)
    # Closed: A (replied 48 h, due 168 h) on time; B replied again at 288 h > due 72+168 h... B's
    # resolve deadline was reset at reopening (72 h + 7 days = 240 h): 288 h is late; C on time.
    assert rates.on_time == Rate(2, 3)
    # Returns by orgs in the subtree / dispatches to them: 1 return, 6 dispatch events.
    assert rates.returned == Rate(1, 6)
    # Closed after a rating: A, B, C; reopened at least once: B.
    assert rates.reopened == Rate(1, 3)
    assert rates.reopened.value == 1 / 3


def test_rates_for_one_community_and_an_empty_period(world: World) -> None:
    _build(world)
    other = rates_for_org(world.other_community, *PERIOD)
    assert (other.response, other.resolution, other.returned) == (
        Rate(0, 1),
        Rate(0, 0),
        Rate(0, 1),
    )
    assert other.resolution.value is None
    empty = rates_for_org(world.county, PERIOD[1], PERIOD[1] + dt.timedelta(days=30))
    assert empty.response == Rate(0, 0)
