"""The demo's 北部湾社区 儿童之家 and 许海鸥工作室: children enrolled with their guardians
and collectors, a year of afternoon sessions (sign-in, sign-out to a listed adult, excused
and unexplained absences, one child collected late), the studio's page, 2020's honours from
the Beihai report (许海鸥, 广西三八红旗手; 北部湾社区, 全国巾帼文明岗) and a typical case.

Everything goes through the real actions with `clock.at()`; deterministic for a seed and an
end date; a second run adds nothing. Children, guardians and phones are fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sanshi.childcare import actions as childcare
from sanshi.childcare.models import Child
from sanshi.childcare.sweep import NOT_COLLECTED, VISIT_REQUESTED, run_pickup_sweep
from sanshi.concerns.models import Concern, Status
from sanshi.core import clock
from sanshi.core.errors import SanshiError
from sanshi.demo.texts import GIVEN, SURNAMES
from sanshi.honours import actions as honours
from sanshi.honours.models import Studio, TypicalCase
from sanshi.network.models import CareFlag, Household
from sanshi.notifications.actions import mark_read
from sanshi.notifications.models import Notification
from sanshi.orgs.models import Org
from sanshi.places.models import OpeningHours, Place, PlaceKind

HOME_NAME = "北部湾社区儿童之家"
STUDIO_NAME = "许海鸥工作室"
COMMUNITY = "北部湾社区妇联"
OPENS, CLOSES = dt.time(16, 30), dt.time(18, 30)  # after school, Monday to Friday
CHILD_GIVEN = [
    "子涵",
    "梓萱",
    "浩然",
    "欣怡",
    "宇轩",
    "雨桐",
    "俊杰",
    "诗涵",
    "子轩",
    "可馨",
    "明轩",
    "一诺",
    "思彤",
    "嘉怡",
]
RELATIONS = [("母亲", "父亲"), ("奶奶", "爷爷"), ("外婆", "外公"), ("母亲", "姑姑")]
EXCUSES = ["发烧请假", "回老家", "学校有活动", "看牙医", "家里有事"]
STUDIO_WORKS = [
    ("project", "“儿童之家”志愿服务", "社工和巾帼志愿者每天下午辅导孩子功课", 0),
    ("project", "助老服务", "独居老人探访、代购和陪诊", 20),
    ("project", "环保公益", "垃圾分类宣传和海滩清洁", 40),
    ("activity", "“广西三八红旗手工作室”揭牌", "", -1),
    ("activity", "暑期儿童安全教育课", "", 60),
    ("activity", "反家暴宣传进社区", "", 120),
    ("activity", "家风家训故事会", "", 180),
    ("activity", "妇女手工编织培训", "", 240),
    ("activity", "三八节巾帼志愿服务日", "", 300),
]
CASE_TITLE = "放学后有人管：一位母亲的托管难题"
CASE_BODY = (
    "一位在超市上班的母亲反映，孩子放学后家里没人照看，她下班前总是提心吊胆。\n"
    "社区妇联执委上门了解情况后，联系社区“儿童之家”为孩子安排了课后托管，社工姐姐每天"
    "辅导作业，接送只交给家长登记的家人。\n一个月后回访，母亲说孩子作业按时完成了，"
    "她自己也能安心上班。"
)


def load_childcare(*, seed: int, concerns: int, until: dt.datetime | None = None) -> None:
    """The 儿童之家 with a year of sessions, the studio, the honours (once)."""
    end = until or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    community = Org.objects.filter(name=COMMUNITY).first()
    if community is None:
        return
    users = {u.username: u for u in get_user_model().objects.all()}
    home = _place(community, HOME_NAME, PlaceKind.CHILDRENS_HOME, end - dt.timedelta(days=400))
    if not Child.objects.filter(place=home).exists():
        home.managers.add(users["social_worker"])
        # The full demo: a dozen children and a year; a small one (tests): four, four weeks.
        full = concerns >= 1000
        with transaction.atomic():
            _sessions(
                home,
                users,
                end,
                random.Random(f"{seed}-childcare"),
                children=12 if full else 4,
                days=365 if full else 28,
            )
            _read_old_notices()
    studio = _place(community, STUDIO_NAME, PlaceKind.STUDIO, end - dt.timedelta(days=400))
    if not Studio.objects.filter(place=studio).exists():
        with transaction.atomic():
            _studio(studio, users, end, random.Random(f"{seed}-studio"))
            _honours(community, users, end)
            _case(users, end)


def _read_old_notices() -> None:
    """The year's alerts and follow-ups were seen and dealt with at the time: read."""
    for notice in Notification.objects.filter(kind__in=[NOT_COLLECTED, VISIT_REQUESTED]):
        mark_read(notice.user_id, notice.pk)


def _place(org: Org, name: str, kind: str, created: dt.datetime) -> Place:
    """The place by (org, name), whoever made it first (the places demo may have)."""
    place, _made = Place.objects.get_or_create(
        org=org,
        name=name,
        defaults={
            "kind": kind,
            "address": "北海市海城区东街街道北部湾社区",
            "capacity": 40,
            "created_at": created,
        },
    )
    if kind == PlaceKind.CHILDRENS_HOME and not OpeningHours.objects.filter(place=place).exists():
        for weekday in range(5):
            OpeningHours.objects.create(place=place, weekday=weekday, opens=OPENS, closes=CLOSES)
    return place


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _enrol(home: Place, users: dict[str, Any], rng: random.Random, count: int) -> list[Any]:
    worker = users["social_worker"]
    households = list(
        Household.objects.filter(org=home.org, active=True).order_by("pk")
    )  # the 执委's households: some children come from those with a left-behind child
    left_behind = [h for h in households if CareFlag.LEFT_BEHIND_CHILD in h.flags]
    enrolled = []
    for i in range(count):
        surname = SURNAMES[rng.randrange(len(SURNAMES))]
        given = CHILD_GIVEN[i % len(CHILD_GIVEN)]
        first, second = RELATIONS[rng.randrange(len(RELATIONS))]
        guardian = childcare.Adult(
            f"{surname}{rng.choice(GIVEN)}", first, f"139{rng.randrange(10**8):08d}"
        )
        other = childcare.Adult(
            f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}", second, f"138{rng.randrange(10**8):08d}"
        )
        household = left_behind[i] if i < min(3, len(left_behind)) else None
        child, made = childcare.enroll_child(
            home,
            actor=worker,
            name=f"{surname}{given}",
            first_name=given,
            guardian=guardian,
            collectors=[other],
            consent=True,
            birth_year=rng.randrange(2013, 2020),
            household=household,
        )
        enrolled.append((child, made))
    return enrolled


def _sessions(
    home: Place,
    users: dict[str, Any],
    end: dt.datetime,
    rng: random.Random,
    *,
    children: int,
    days: int,
) -> None:
    worker = users["social_worker"]
    start = end.date() - dt.timedelta(days=days)
    with clock.at(_at(start - dt.timedelta(days=1), dt.time(10, 0))):
        enrolled = _enrol(home, users, rng, children)
    # The last child's household stops coming for a week near the end: the 执委 follows up.
    stays_away = {end.date() - dt.timedelta(days=n) for n in range(8, 15)}
    day = start
    last_day = end.date() - dt.timedelta(days=1)
    while day <= last_day:
        if _after_school(home, day):
            _one_day(day, enrolled, worker, rng, stays_away, late=day == _last_open(home, last_day))
            with clock.at(_at(day, dt.time(20, 0))):
                run_pickup_sweep(clock.now())
        day += dt.timedelta(days=1)


def _after_school(home: Place, day: dt.date) -> bool:
    """A school day's afternoon: a weekday the work calendar does not make a holiday."""
    return day.weekday() < 5 and childcare.hours_on(home, day) is not None


def _last_open(home: Place, day: dt.date) -> dt.date:
    while not _after_school(home, day):
        day -= dt.timedelta(days=1)
    return day


def _one_day(
    day: dt.date,
    enrolled: list[Any],
    worker: Any,
    rng: random.Random,
    stays_away: set[dt.date],
    *,
    late: bool,
) -> None:
    came = []
    for i, (child, made) in enumerate(enrolled):
        if i == 0 and day in stays_away and child.household_id is not None:
            continue  # unexplained: the sweep marks it
        roll = rng.random()
        if roll < 0.05:
            with clock.at(_at(day, dt.time(15, rng.randrange(60)))):
                childcare.excuse_absence(child, actor=worker, reason=rng.choice(EXCUSES))
            continue
        if roll < 0.10:
            continue  # unexplained
        with clock.at(_at(day, dt.time(16, 30 + rng.randrange(25)))):
            childcare.sign_in(child, actor=worker)
        came.append((i, child, made))
    for i, child, made in came:
        collector, code = made[rng.randrange(len(made))]
        if late and i == came[-1][0]:
            # Collected at 19:10, after the manager and the protection officer were alerted.
            with clock.at(_at(day, dt.time(18, 45))):
                run_pickup_sweep(clock.now())
            with clock.at(_at(day, dt.time(19, 5))):
                run_pickup_sweep(clock.now())
            at = _at(day, dt.time(19, 10))
        else:
            at = _at(day, dt.time(17, 40)) + dt.timedelta(minutes=rng.randrange(45))
        with clock.at(at):
            childcare.sign_out(child, actor=worker, collector_id=collector.pk, code=code)


TEAM_SURNAMES = "覃韦莫蒙"  # common in Guangxi, not in demo.texts.SURNAMES


def _studio(place: Place, users: dict[str, Any], end: dt.datetime, rng: random.Random) -> None:
    admin = users["city_admin"]
    with clock.at(end - dt.timedelta(days=365)):
        studio = honours.set_up_studio(
            place,
            actor=admin,
            leader_name="许海鸥",
            leader_title="北海益众社会工作服务中心主任、广西三八红旗手、北海市妇联执委",
            intro="北海首家“广西三八红旗手工作室”，2020年7月揭牌。工作室扎根北部湾社区，"
            "携手社工和巾帼志愿者开展“儿童之家”志愿服务、助老、环保等公益项目。",
            opened_on=dt.date(2020, 7, 16),
        )
        for role in ("社工", "社工", "巾帼志愿者", "社区妇联执委"):
            # A studio's team is public: surnames the reporters' names never take, so no
            # public name is also a (sealed) reporter's.
            name = f"{rng.choice(TEAM_SURNAMES)}{rng.choice(GIVEN)}"
            honours.add_team_member(studio, actor=admin, name=name, role=role)
    for kind, title, summary, days_in in STUDIO_WORKS:
        held = (
            dt.date(2020, 7, 16) if days_in < 0 else (end - dt.timedelta(days=365 - days_in)).date()
        )
        with clock.at(end - dt.timedelta(days=1)):
            honours.add_work(
                studio, actor=admin, kind=kind, title=title, summary=summary, held_on=held
            )


HONOURS_2020 = [
    # nominee, unit, kind, level, awarded, on the public roll
    ("许海鸥", "北海益众社会工作服务中心", "red_banner", "region", True, True),
    ("北部湾社区", "海城区东街街道", "model_post", "nation", True, True),
    (
        "北部湾社区“儿童之家”社工团队（示例）",
        "北海益众社会工作服务中心",
        "red_banner_collective",
        "city",
        True,
        True,
    ),
    ("陈家（示例）", "北部湾社区", "finest_family", "city", True, False),
    ("林秀英（示例）", "北部湾社区", "red_banner", "city", False, False),
]


def _honours(community: Org, users: dict[str, Any], end: dt.datetime) -> None:
    """2020's honours, recorded in the system during the demo year (awarded on 17 July 2020)."""
    chair, admin = users["beibuwan_chair"], users["city_admin"]
    with clock.at(end - dt.timedelta(days=300)):
        for nominee, unit, kind, level, awarded, public in HONOURS_2020:
            n = honours.nominate(
                community,
                actor=chair,
                kind=kind,
                level=level,
                year=2020,
                nominee=nominee,
                unit=unit,
            )
            honours.start_review(n, actor=admin)
            if not awarded:
                continue  # still in review
            honours.award(n, actor=admin, on=dt.date(2020, 7, 17))
            if public:
                honours.record_roll_consent(n, actor=chair, consent=True)


def _case(users: dict[str, Any], end: dt.datetime) -> None:
    """A typical case from a resolved, unprotected concern of 北部湾社区 (if there is one)."""
    concern = (
        Concern.objects.filter(status=Status.CLOSED, protected=False, org__name=COMMUNITY)
        .order_by("pk")
        .first()
    )
    if concern is None or TypicalCase.objects.filter(concern=concern).exists():
        return
    with clock.at(end - dt.timedelta(hours=12)):
        try:
            case = honours.write_case(
                concern,
                actor=users["beibuwan_chair"],
                title=CASE_TITLE,
                body=CASE_BODY,
                reporter_consented=True,
            )
        except SanshiError:
            return  # its text would name someone: no case from this one
        honours.approve_case(case, actor=users["city_admin"])
