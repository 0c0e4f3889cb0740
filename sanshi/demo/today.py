"""The demo's day of work: what each demo account finds on its home, and the 执委's cards.

Written after the year of concerns, through the real actions at `clock.at()` moments in the
hours before the demo's end: concerns waiting for dispatch, a danger concern being handled
now, a concern the volunteer helps with, a new one for the 侨中 执委, one waiting for the
chair's follow-up; and a card (亮牌) for every 执委, chair and vice-chair of the communities,
issued by the community's chair. Deterministic; the loader calls it once, with the concerns.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from sanshi.concerns import actions
from sanshi.concerns.models import Assignment, Channel, Concern
from sanshi.core import clock
from sanshi.intake.access import CARD_ROLES
from sanshi.intake.actions import issue_member_card
from sanshi.orgs.models import Division, Membership, Org, Person


@dataclass
class Today:
    """The concerns written for today, by what they show (the demo test reads them)."""

    waiting: list[Concern] = field(default_factory=list)  # for the dispatchers
    danger: Concern | None = None  # being handled by the social worker now
    volunteer: list[Concern] = field(default_factory=list)  # she assists on these
    qiaozhong: Concern | None = None  # dispatched to the 侨中 执委, not signed yet
    follow_up: Concern | None = None  # replied in 北部湾, for the chair's follow-up
    cards: int = 0


def _user(username: str) -> User:
    return get_user_model().objects.get(username=username)


def _person(username: str) -> Person:
    return Person.objects.get(user__username=username)


def _receive(loader: Any, community: Org, text: str, sub: str, *, phone: bool = False) -> Concern:
    county = loader.tree.county_of[community.pk]
    place = community.name.removesuffix("妇联")
    return actions.receive_concern(
        text=f"我住在{place}，{text}",
        channel=Channel.PHONE if phone else Channel.WEB,
        org=county,
        actor=loader.tree.dispatcher[county.pk] if phone else None,
        subcategory=sub,
        community=community,
        division=Division.objects.filter(code=community.parent.division_code).first()
        if community.parent
        else None,
        address=f"北海市{county.name.removesuffix('妇联')}{place}8栋2单元301室",
        reporter_name="黄秀梅",
        reporter_phone="13807790001",
        rng=random.Random(f"{loader.seed}-today-{text}"),  # the same codes for the same seed
    )


def issue_cards(loader: Any, at: dt.datetime) -> int:
    """A card for every 执委, chair and vice-chair of the communities, issued by the chair."""
    issued = 0
    with clock.at(at):
        for community in loader.tree.communities:
            chair = loader.tree.chair[community.pk]
            holders = Membership.objects.filter(org=community, role__in=CARD_ROLES)
            for membership in holders.select_related("org").order_by("pk"):
                issue_member_card(membership, actor=chair)
                issued += 1
    return issued


def load_today(loader: Any, end: dt.datetime) -> Today:
    """The day's work before `end`, and the cards; see the module's docstring."""
    with actions.notifications_off():
        return _load(loader, end)


def _load(loader: Any, end: dt.datetime) -> Today:
    t = loader.tree
    today = Today(cards=issue_cards(loader, end - dt.timedelta(days=300)))
    beibuwan, qiaozhong = t.orgs["beibuwan"], t.orgs["qiaozhong"]
    county = t.county_of[beibuwan.pk]
    dispatcher = t.dispatcher[county.pk]
    chair = t.chair[beibuwan.pk]
    member, social_worker = _user("beibuwan_member"), _user("social_worker")
    hours = lambda n: end - dt.timedelta(hours=n)  # noqa: E731

    # Ready for the chair's follow-up (回访): answered yesterday.
    with clock.at(hours(80)):
        c = _receive(
            loader, beibuwan, "孩子放学后没人照看，想问问儿童之家能不能托管。", "children.childcare"
        )
    with clock.at(hours(79)):
        actions.dispatch_concern(
            c, beibuwan, actor=dispatcher, handlers=[_person("beibuwan_member")]
        )
    with clock.at(hours(76)):
        actions.sign_concern(c, actor=member)
    with clock.at(hours(60)):
        actions.log_contact(c, actor=member, method="phone", outcome="约好周六带孩子去儿童之家看看")
    with clock.at(hours(20)):
        actions.reply_concern(
            c, actor=member, reply="儿童之家周一到周五16:30-18:30可以托管，已登记"
        )
    today.follow_up = c

    # The volunteer helps the 执委 with two visits.
    asks = [
        (
            "家里老人独居，腿脚不好，想请人每周陪她去医院复诊。",
            "elderly.alone",
            "请志愿者每周二上午陪同老人复诊",
        ),
        (
            "孩子上三年级，父母在外打工，作业没人辅导。",
            "children.left_behind",
            "请志愿者周三、周五到儿童之家辅导作业",
        ),
    ]
    for n, (text, sub, note) in enumerate(asks):
        with clock.at(hours(52 - n * 6)):
            c = _receive(loader, beibuwan, text, sub)
        with clock.at(hours(51 - n * 6)):
            actions.dispatch_concern(
                c, beibuwan, actor=dispatcher, handlers=[_person("beibuwan_member")]
            )
        with clock.at(hours(49 - n * 6)):
            actions.sign_concern(c, actor=member)
            actions.log_contact(c, actor=member, method="visit", outcome="入户了解了情况")
        with clock.at(hours(30 - n * 6)):
            actions.assign_handler(
                c, _person("volunteer"), actor=chair, role=Assignment.Role.ASSIST
            )
            actions.add_note(c, actor=chair, note=note)
        today.volunteer.append(c)

    # New for the 侨中 执委: dispatched two hours ago, to sign.
    qz_county = t.county_of[qiaozhong.pk]
    with clock.at(hours(3)):
        c = _receive(
            loader,
            qiaozhong,
            "邻居家装修天天到晚上十点，老人孩子休息不好，想请社区协调。",
            "community.neighbours",
        )
    with clock.at(hours(2)):
        actions.dispatch_concern(
            c, qiaozhong, actor=t.dispatcher[qz_county.pk], handlers=[_person("qiaozhong_member")]
        )
    today.qiaozhong = c

    # Danger, being handled now: received 40 minutes ago, dispatched, signed, contacted.
    with clock.at(hours(0.7)):
        c = _receive(
            loader,
            beibuwan,
            "丈夫喝了酒又在砸东西，说要打死我，孩子吓得一直哭。",
            "safety.dv_now",
            phone=True,
        )
    with clock.at(hours(0.6)):
        actions.dispatch_concern(c, beibuwan, actor=dispatcher, handlers=[_person("social_worker")])
    with clock.at(hours(0.5)):
        actions.sign_concern(c, actor=social_worker)
    with clock.at(hours(0.4)):
        actions.log_contact(
            c, actor=social_worker, method="phone", outcome="已电话确认她和孩子在邻居家，安全"
        )
    with clock.at(hours(0.3)):
        actions.refer_concern(
            c, actor=social_worker, body="police", reference="JQ202612", note="已报警，民警已出警"
        )
    today.danger = c

    # Waiting for dispatch at 海城区: three ordinary concerns from the last hours.
    nearby = [o for o in t.communities if t.county_of[o.pk] == county and o != beibuwan]
    waiting = [
        (beibuwan, "我想参加妇女之家的手工培训，请问怎么报名？", "work.training"),
        (nearby[0], "小区里的儿童游乐设施坏了好久，担心孩子受伤。", "community.venues"),
        (nearby[1], "婆婆和我因为带孩子的事经常吵架，想请人调解。", "family.conflict"),
    ]
    for n, (community, text, sub) in enumerate(waiting):
        with clock.at(hours(3 - n)):
            today.waiting.append(_receive(loader, community, text, sub))
    return today
