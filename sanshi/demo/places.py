"""The demo's places and a year of their activities: 北部湾社区's 儿童之家 (homework and a
Saturday reading club), 侨中社区's 侨之家 and 海城区's new 妇女儿童活动中心, with sign-ups,
waiting lists, check-ins, volunteers on duty and feedback.

Everything goes through sanshi.places.actions with `clock.at()` replaying the year;
deterministic for a seed and an end date; a second run adds nothing. People are fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sanshi.core import clock
from sanshi.core.errors import SanshiError
from sanshi.demo.texts import GIVEN, SURNAMES
from sanshi.orgs.models import Org
from sanshi.places import actions
from sanshi.places.models import Activity, Audience, Place, PlaceKind, SignUp
from sanshi.volunteers.models import Volunteer

T = dt.time
WEEKDAYS_AFTER_SCHOOL = [(d, T(16, 30), T(18, 30)) for d in range(5)] + [(5, T(9), T(11, 30))]
QIAO_HOURS = [(d, o, c) for d in (1, 3, 5) for o, c in ((T(9), T(11, 30)), (T(14, 30), T(17)))]
CENTRE_HOURS = [(d, T(9), T(17)) for d in range(1, 7)]
COMMENTS = [
    "孩子很喜欢，下次还来",
    "老师讲得很细",
    "时间再长一点就好了",
    "场地干净，志愿者很耐心",
    "希望多办几期",
    "",
]
CENTRE_TOPICS = [
    "家庭教育讲座：怎样陪孩子写作业",
    "妇女就业技能培训：家政服务",
    "亲子运动会",
    "反家暴法律知识讲座",
    "两癌筛查健康讲座",
    "巧手编织沙龙",
    "女性创业分享会",
    "家风家训故事会",
    "防诈骗知识讲座",
    "心理健康：和焦虑做朋友",
    "亲子阅读嘉年华",
    "三八节主题活动",
]


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def load_places(loader: Any, end: dt.datetime, concerns: int) -> None:
    """The three places and a year of their activities (once); a small demo (tests, fewer
    than 1000 concerns) gets the last quarter only."""
    t = loader.tree
    beibuwan, qiaozhong, county = t.orgs["beibuwan"], t.orgs["qiaozhong"], t.orgs["450502"]
    if Place.objects.filter(org=beibuwan, name="北部湾社区儿童之家").exists():
        return
    loader.say("sanshi demo: places, a year of activities, sign-ups and attendance")
    weeks = 52 if concerns >= 1000 else 13
    start = end - dt.timedelta(weeks=weeks)
    rng = random.Random(f"{loader.seed}-places")
    social_worker = get_user_model().objects.filter(username="social_worker").first()
    with transaction.atomic(), clock.at(start - dt.timedelta(days=30)):
        home = _place(
            t.chair[beibuwan.pk],
            beibuwan,
            PlaceKind.CHILDRENS_HOME,
            "北部湾社区儿童之家",
            "广西北海市海城区东街街道北部湾社区服务中心一楼",
            "0779-2021818",
            30,
            "作业桌、图书角（800 册）、手工室、饮水机",
            WEEKDAYS_AFTER_SCHOOL,
        )
        if social_worker is not None:
            actions.set_managers(home, [social_worker], actor=t.chair[beibuwan.pk])
        qiao = _place(
            t.chair[qiaozhong.pk],
            qiaozhong,
            PlaceKind.OVERSEAS_HOME,
            "侨中社区侨之家",
            "广西北海市海城区中街街道侨中社区侨港路 12 号",
            "0779-3032266",
            40,
            "侨史展陈室、多功能厅、茶水间",
            QIAO_HOURS,
        )
        centre = _place(
            t.dispatcher[county.pk],
            county,
            PlaceKind.ACTIVITY_CENTRE,
            "海城区妇女儿童活动中心",
            "广西北海市海城区北京路 88 号",
            "0779-2028338",
            200,
            "报告厅（150 座）、培训室、儿童游戏区、母婴室",
            CENTRE_HOURS,
        )
    with transaction.atomic():
        _reading_club(loader, home, start, end, rng, weeks)
        _qiao_activities(loader, qiao, start, end, rng)
        _centre_activities(loader, centre, start, end, rng)


def _place(
    actor: Any,
    org: Org,
    kind: str,
    name: str,
    address: str,
    phone: str,
    capacity: int,
    facilities: str,
    hours: list[Any],
) -> Place:
    place = actions.create_place(
        org,
        actor=actor,
        kind=kind,
        name=name,
        address=address,
        phone=phone,
        capacity=capacity,
        facilities=facilities,
    )
    actions.set_opening_hours(place, hours, actor=actor)
    return place


def _first(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _residents(prefix: str, count: int, rng: random.Random) -> list[tuple[str, str]]:
    return [(_name(rng), f"{prefix}{n:05d}") for n in range(count)]


def _volunteers(org: Org) -> list[Volunteer]:
    # Those without a certificate yet (a certificate states the hours at its issue).
    approved = Volunteer.objects.filter(org=org, status=Volunteer.Status.APPROVED)
    return list(approved.filter(certificates__isnull=True).order_by("pk"))


def _run(
    activity: Activity,
    people: list[tuple[str, str]],
    actor: Any,
    rng: random.Random,
    end: dt.datetime,
    *,
    children: bool = False,
    volunteers: list[Volunteer] | None = None,
) -> None:
    """Sign-ups over the days before, a cancellation or two, check-in, duty, feedback."""
    wanted = min(len(people), int(activity.capacity * rng.uniform(0.6, 1.25)))
    made: list[SignUp] = []
    for n, (name, phone) in enumerate(rng.sample(people, wanted)):
        moment = activity.starts_at - dt.timedelta(hours=rng.randrange(4, 96), minutes=n)
        moment = max(moment, activity.signup_opens + dt.timedelta(minutes=n + 1))
        child: dict[str, Any] = (
            {
                "child_name": rng.choice(GIVEN),
                "child_age": rng.randrange(6, 13),
                "guardian_consent": True,
            }
            if children
            else {}
        )
        with clock.at(moment):
            made.append(actions.sign_up(activity, name=name, phone=phone, **child))
    for s in made[: rng.randrange(0, 3)]:  # a few cannot come; the waiting list moves up
        with clock.at(activity.starts_at - dt.timedelta(hours=2)):
            actions.cancel_signup(s)
    now = end  # the demo's today: later activities have sign-ups only
    if activity.starts_at > now:
        return
    confirmed = SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED)
    for s in confirmed:
        if rng.random() < 0.85:
            with clock.at(activity.starts_at + dt.timedelta(minutes=rng.randrange(-20, 15))):
                if rng.random() < 0.5:
                    actions.check_in_at_door(s, activity.door_token)
                else:
                    actions.check_in_by_staff(s, actor=actor)
            if rng.random() < 0.3 and activity.ends_at < now:
                with clock.at(activity.ends_at + dt.timedelta(hours=rng.randrange(1, 30))):
                    actions.leave_feedback(
                        s, rating=rng.choice([5, 5, 5, 4, 4, 3]), text=rng.choice(COMMENTS)
                    )
    if volunteers and activity.ends_at < now:
        for v in rng.sample(volunteers, min(2, len(volunteers))):
            try:
                with clock.at(activity.starts_at - dt.timedelta(days=1)):
                    duty = actions.put_on_duty(activity, v, actor=actor)
                with clock.at(activity.ends_at + dt.timedelta(hours=1)):
                    actions.record_duty_hours(duty, rng.choice(["2", "2.5", "3"]), actor=actor)
            except SanshiError:
                continue  # a volunteer registered after the day: not on duty that day


def _reading_club(
    loader: Any, home: Place, start: dt.datetime, end: dt.datetime, rng: random.Random, weeks: int
) -> None:
    chair = loader.tree.chair[home.org_id]
    first = _first(timezone.localdate(start), 5)
    with clock.at(start - dt.timedelta(days=7)):
        series = actions.create_series(
            actor=chair,
            place=home,
            title="周六绘本共读",
            audience=Audience.CHILDREN,
            description="社工带读绘本，小志愿者讲故事；6 至 12 岁，家长报名。",
            starts_at=_at(first, T(9, 30)),
            ends_at=_at(first, T(11)),
            capacity=15,
            weeks=weeks,
        )
    families = _residents("137079", 40, rng)
    volunteers = _volunteers(home.org)
    for activity in series.activities.order_by("starts_at"):
        _run(activity, families, chair, rng, end, children=True, volunteers=volunteers)
    for month in range(weeks * 12 // 52):  # a parents' class each month
        day = _first(timezone.localdate(start) + dt.timedelta(days=30 * month + 10), 2)
        with clock.at(_at(day, T(9)) - dt.timedelta(days=10)):
            activity = actions.create_activity(
                actor=chair,
                place=home,
                title="家长课堂：陪伴孩子的课后时光",
                starts_at=_at(day, T(19, 30)),
                ends_at=_at(day, T(21)),
                capacity=25,
                audience=Audience.FAMILIES,
            )
        _run(activity, families, chair, rng, end)


def _qiao_activities(
    loader: Any, qiao: Place, start: dt.datetime, end: dt.datetime, rng: random.Random
) -> None:
    chair = loader.tree.chair[qiao.org_id]
    people = _residents("137080", 60, rng)
    volunteers = _volunteers(qiao.org)
    titles = ["侨眷姐妹茶话会", "侨乡美食分享", "侨史故事会", "归侨老人健康义诊"]
    day = _first(timezone.localdate(start), 3)
    n = 0
    while _at(day, T(9)) < end + dt.timedelta(days=14):
        with clock.at(_at(day, T(9)) - dt.timedelta(days=10)):
            activity = actions.create_activity(
                actor=chair,
                place=qiao,
                title=titles[n % len(titles)],
                capacity=20,
                audience=Audience.OVERSEAS,
                starts_at=_at(day, T(14, 30)),
                ends_at=_at(day, T(16, 30)),
            )
        _run(activity, people, chair, rng, end, volunteers=volunteers if n % 4 == 0 else None)
        day += dt.timedelta(days=14)
        n += 1


def _centre_activities(
    loader: Any, centre: Place, start: dt.datetime, end: dt.datetime, rng: random.Random
) -> None:
    dispatcher = loader.tree.dispatcher[centre.org_id]
    people = _residents("137081", 150, rng)
    for month, topic in enumerate(CENTRE_TOPICS + CENTRE_TOPICS[:1]):
        day = _first(timezone.localdate(start) + dt.timedelta(days=30 * month + 5), 6)
        if _at(day, T(9)) > end + dt.timedelta(days=21):
            break
        with clock.at(_at(day, T(9)) - dt.timedelta(days=14)):
            activity = actions.create_activity(
                actor=dispatcher,
                place=centre,
                title=topic,
                capacity=60,
                starts_at=_at(day, T(9, 30)),
                ends_at=_at(day, T(11, 30)),
            )
        _run(activity, people, dispatcher, rng, end)
