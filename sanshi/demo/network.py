"""The demo's grassroots network: the committee rosters of 北部湾 and 侨中, about ten
households per 执委 with a year of visits, and women volunteers with their hours.

Everything goes through the real actions with `clock.at()`; deterministic for a seed and
an end date; a second run adds nothing. People, addresses and ID numbers are fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from sanshi.core import clock
from sanshi.demo.texts import GIVEN, SURNAMES
from sanshi.network import actions as network
from sanshi.network import rosters
from sanshi.network.conf import interval_for
from sanshi.network.models import CareFlag, Household, Office, Term
from sanshi.orgs.actions import create_person
from sanshi.orgs.models import Membership, Org, Person
from sanshi.volunteers import actions as volunteering
from sanshi.volunteers.idcard import check_character

FLAG_ODDS = [
    (CareFlag.ELDER_ALONE, 0.22),
    (CareFlag.LEFT_BEHIND_CHILD, 0.15),
    (CareFlag.SINGLE_PARENT, 0.12),
    (CareFlag.DISABILITY, 0.10),
    (CareFlag.WOMAN_IN_HARDSHIP, 0.08),
    (CareFlag.DV_HISTORY, 0.06),
]
FOUND: dict[str, list[str]] = {
    CareFlag.ELDER_ALONE: [
        "老人身体还好，冰箱里菜够吃",
        "老人说晚上腿疼，已提醒社区医生上门",
        "帮老人交了电费，陪她聊了半小时",
    ],
    CareFlag.LEFT_BEHIND_CHILD: [
        "孩子作业按时完成，爷爷奶奶照看得好",
        "孩子想妈妈，约好周末视频",
        "孩子放学后去儿童之家写作业",
    ],
    CareFlag.SINGLE_PARENT: ["她找到了超市的工作，孩子托管还没着落", "家里一切正常"],
    CareFlag.DISABILITY: ["轮椅坏了，已联系残联维修", "康复训练按时去了"],
    CareFlag.WOMAN_IN_HARDSHIP: ["医药费压力大，已告知大病救助政策", "情绪比上次好"],
    CareFlag.DV_HISTORY: [
        "她说最近家里平静，保存了12338和派出所电话",
        "丈夫在外地打工，她和孩子都好",
    ],
    "": ["家里都好，没有需要帮忙的", "了解了孩子入学的事，已讲清楚政策"],
}
HELPS_WITH = ["婚姻家庭", "儿童托管", "就业创业", "法律咨询", "邻里纠纷", "老人照护"]
ACTIVITIES = [
    "儿童之家课业辅导",
    "独居老人探访",
    "巾帼志愿服务日",
    "反家暴宣传进社区",
    "妇女之家手工培训",
    "社区卫生整治",
    "防诈骗宣传",
    "留守儿童暑期托管",
]
TEAMS = {
    "beibuwan": ["北部湾巾帼志愿服务队", "北部湾儿童之家志愿队"],
    "qiaozhong": ["侨中巾帼志愿服务队"],
}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _id_number(rng: random.Random, serial: int) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
    first17 = f"450502{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + check_character(first17)


def load_network(loader: Any, end: dt.datetime, concerns: int) -> None:
    """Rosters, households and visits, volunteers and hours (once)."""
    t = loader.tree
    communities = [t.orgs["beibuwan"], t.orgs["qiaozhong"]]
    if Term.objects.filter(org=communities[0]).exists():
        return
    # The full demo has 200 volunteers; a small one (tests) a tenth as many as concerns.
    volunteers = min(200, max(20, concerns // 10))
    loader.say(f"sanshi demo: rosters, households and visits, {volunteers} volunteers")
    start = end - dt.timedelta(days=365)
    with transaction.atomic():
        for community in communities:
            rng = random.Random(f"{loader.seed}-network-{community.name}")
            with clock.at(start - dt.timedelta(days=10)):
                _roster(loader, community, end, rng)
            for member in t.handlers[community.pk]:
                _households(member, community, start, end, rng)
        _volunteers(loader, communities, start, end, volunteers)
        _projects(loader, start, end)


def _roster(loader: Any, community: Org, end: dt.datetime, rng: random.Random) -> None:
    chair = loader.tree.chair[community.pk]
    term = rosters.open_term(
        community,
        actor=chair,
        number=2,
        starts_on=dt.date(end.year - 2, 1, 1),
        ends_on=dt.date(end.year + 2, 12, 31),
    )
    for membership in Membership.objects.filter(org=community).select_related("person"):
        office = {"chair": Office.CHAIR, "committee_member": Office.COMMITTEE_MEMBER}.get(
            membership.role
        )
        if office is None:
            continue
        seat = rosters.record_seat(term, membership, actor=chair, office=office)
        shown = {"show_name", "show_helps_with"}
        rosters.set_directory_consent(seat, actor=chair, show=shown)
    extra = [Office.VICE_CHAIR, Office.PART_TIME_VICE_CHAIR] + [Office.COMMITTEE_MEMBER] * 6
    for n, office in enumerate(extra):
        person = create_person(name=_name(rng), gender=Person.Gender.FEMALE)
        seat = rosters.seat_member(
            term,
            person,
            actor=chair,
            office=office,
            joined_on=term.starts_on,
            sector="社区",
            helps_with=rng.choice(HELPS_WITH),
        )
        if n == len(extra) - 1:  # one left during the term: the roster keeps her history
            rosters.leave_seat(
                seat,
                actor=chair,
                left_on=term.starts_on + dt.timedelta(days=400),
                reason="搬离社区",
            )
        elif rng.random() < 0.7:
            rosters.set_directory_consent(seat, actor=chair, show={"show_name", "show_helps_with"})


def _flags(rng: random.Random) -> list[str]:
    return [str(flag) for flag, odds in FLAG_ODDS if rng.random() < odds][:2]


def _households(
    member: Any, community: Org, start: dt.datetime, end: dt.datetime, rng: random.Random
) -> None:
    place = community.name.removesuffix("妇联")
    for _ in range(10):
        flags = _flags(rng)
        address = (
            f"{place} {rng.randrange(1, 40)}栋{rng.randrange(1, 6)}单元{rng.randrange(101, 1800)}室"
        )
        people = [network.PersonEntry(_name(rng), "本人", f"13{rng.randrange(10**9):09d}")]
        with clock.at(start):
            household = network.add_household(
                actor=member,
                address=address,
                people=people,
                consent=True,
                flags=flags,
                org=community,
            )
        _visits(household, member, start, end, rng)


def _visits(
    household: Household, member: Any, start: dt.datetime, end: dt.datetime, rng: random.Random
) -> None:
    every = interval_for(household.flags)
    late = rng.random() < 0.2  # a fifth fall behind: the overdue lists have something to show
    day = start + dt.timedelta(days=rng.randrange(1, min(every, 20) + 1))
    stop = end - dt.timedelta(days=every + 10 if late else 0)
    texts = FOUND[household.flags[0] if household.flags else ""]
    while day < stop:
        with clock.at(day.replace(hour=10) + dt.timedelta(minutes=rng.randrange(480))):
            network.log_visit(
                household, actor=member, found=rng.choice(texts), visited_on=day.date()
            )
        day += dt.timedelta(days=max(1, every + rng.randrange(-2, 3)))


PROJECTS = [
    (
        "beibuwan",
        "北部湾社区妇女儿童关爱服务项目",
        "海城区民政局",
        "留守儿童、困境妇女、单亲家庭",
        ["亲子阅读会", "儿童之家四点半课堂", "困境妇女小组辅导", "反家暴法宣讲"],
    ),
    (
        "qiaozhong",
        "侨中社区家庭和谐促进项目",
        "海城区妇联",
        "婚姻家庭矛盾当事人、侨眷家庭",
        ["婚姻家庭调解沙龙", "家风家教讲座", "侨之家联谊活动"],
    ),
]


def _projects(loader: Any, start: dt.datetime, end: dt.datetime) -> None:
    """The 益众 agency's two contracted projects, with a year of monthly activities."""
    from django.contrib.auth import get_user_model

    from sanshi.agencies import actions as agencies

    t = loader.tree
    actor = get_user_model().objects.get(username="social_worker")  # 益众's staff too
    rng = random.Random(f"{loader.seed}-projects")
    for key, name, funder, groups, titles in PROJECTS:
        with clock.at(start):
            project = agencies.create_project(
                t.orgs["agency"],
                actor=actor,
                serves=t.orgs[key],
                name=name,
                funder=funder,
                starts_on=start.date(),
                ends_on=end.date() + dt.timedelta(days=30),
                target_groups=groups,
                promises={"activities": 15, "participants": 400, "concerns": 30, "hours": 40},
            )
        for month in range(12):
            held = start + dt.timedelta(days=15 + 30 * month)
            with clock.at(held + dt.timedelta(hours=20)):
                agencies.record_activity(
                    project,
                    actor=actor,
                    title=rng.choice(titles),
                    held_on=held.date(),
                    participants=rng.randrange(10, 41),
                    hours=rng.choice(["1.5", "2", "2.5", "3"]),
                )


def _volunteers(
    loader: Any, communities: list[Org], start: dt.datetime, end: dt.datetime, count: int
) -> None:
    t = loader.tree
    rng = random.Random(f"{loader.seed}-volunteers")
    teams = {}
    for key, names in TEAMS.items():
        org = t.orgs[key]
        with clock.at(start):
            teams[key] = [
                volunteering.create_team(org, actor=t.chair[org.pk], name=n) for n in names
            ]
    for i in range(count):
        key = "beibuwan" if i < count * 3 // 5 else "qiaozhong"
        org = t.orgs[key]
        chair, organiser = t.chair[org.pk], t.handlers[org.pk][0]
        joined = start + dt.timedelta(days=rng.randrange(0, 200))
        with clock.at(joined):
            v = volunteering.register_volunteer(
                org=org,
                name=_name(rng),
                phone=f"139{i:08d}",
                id_number=_id_number(rng, i),
                consent=True,
                skills=rng.choice(["tutoring", "companionship", "law", "events"]),
                availability=rng.choice(["weekend", "evening", "any"]),
            )
        if rng.random() < 0.05:
            continue  # still waiting for review
        with clock.at(joined + dt.timedelta(days=2)):
            volunteering.review_volunteer(v, actor=chair, approve=True)
            volunteering.assign_team(v, rng.choice(teams[key]), actor=chair)
        veteran = rng.random() < 0.06
        for _ in range(rng.randrange(40, 60) if veteran else rng.randrange(2, 12)):
            served = joined + dt.timedelta(days=rng.randrange(3, max(4, (end - joined).days - 1)))
            hours = Decimal(rng.choice(["1", "1.5", "2", "2.5", "3", "3.5", "4"]))
            with clock.at(served + dt.timedelta(hours=20)):
                record = volunteering.record_service(
                    v,
                    actor=organiser,
                    activity=rng.choice(ACTIVITIES),
                    served_on=served.date(),
                    hours=hours,
                )
                volunteering.confirm_service(record, actor=chair)
        if veteran:
            with clock.at(end - dt.timedelta(days=3)):
                volunteering.issue_certificate(v, actor=chair)
