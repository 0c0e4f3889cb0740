"""The demo's duties and new-domain federations, loaded through the real actions after the
concerns (the 述职 figures count the concerns the demo 执委 answered):

- 北部湾社区's point rules, two trainings (素质提升) with attendance, and the chair's
  evaluation of every 执委's year;
- three enterprise federations from the report (黑珍珠, 海洋就哥, 合浦穗香), each district's
  list of enterprises (coverage), a few entrepreneurs in the directory, and requests sent
  through the enterprises' own form.

A second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sanshi.core import clock
from sanshi.core.types import Progress
from sanshi.duties import actions as duties
from sanshi.duties.models import Audience, Grade, Training
from sanshi.duties.selectors import figures_for, members_of
from sanshi.enterprises import actions as enterprises
from sanshi.orgs.actions import create_org
from sanshi.orgs.models import Org

RULES = {
    "base": "60",
    "per_visit": "0.5",
    "per_concern": "2",
    "per_activity": "3",
    "per_training": "2",
    "minus_overdue": "1",
    "minus_returned": "2",
}

# (district, enterprise, sector, women-led, federation key); the first three are the report's.
LISTED = [
    ("海城区妇联", "黑珍珠海洋生物科技有限公司", "海洋生物", True, "blackpearl"),
    ("海城区妇联", "广西海洋就哥电子商务有限公司", "电子商务", True, "jiuge"),
    ("合浦县妇联", "合浦穗香食品有限公司", "食品加工", True, "suixiang"),
    ("海城区妇联", "北海银滩海产品有限公司", "水产加工", False, None),
    ("海城区妇联", "北海南珠工艺品有限公司", "珍珠工艺", True, None),
    ("银海区妇联", "北海侨港风情餐饮管理有限公司", "餐饮", True, None),
    ("银海区妇联", "北海冠头岭旅游开发有限公司", "旅游", False, None),
    ("铁山港区妇联", "北海铁山港物流有限公司", "物流", False, None),
    ("合浦县妇联", "合浦月饼小镇食品有限公司", "食品加工", True, None),
]

# Directory names are public (each agreed); they are not the requests' contacts, whose names
# are sealed with the concern (sanshi/core/tests/test_dump.py looks for those in clear), and
# not names the demo's random reporters can have (texts.GIVEN).
ENTREPRENEURS = [
    ("海城区妇联", "陈珊珊", "黑珍珠海洋生物科技有限公司", "海洋生物", "带动渔村妇女就业", True),
    ("海城区妇联", "梁晓玲", "广西海洋就哥电子商务有限公司", "电子商务", "电商直播培训", False),
    ("合浦县妇联", "黄月英", "合浦穗香食品有限公司", "食品加工", "月饼制作技能培训", False),
]

REQUESTS = [
    (
        "blackpearl",
        "resumption",
        "黑珍珠海洋生物科技有限公司",
        "周雅琪",
        "复工后冷链运输跟不上，想请妇联帮忙对接物流企业",
        200,
    ),
    (
        "jiuge",
        "training",
        "广西海洋就哥电子商务有限公司",
        "韦春燕",
        "想为渔村姐妹办一期电商直播培训，需要场地和学员组织",
        120,
    ),
    (
        "suixiang",
        "financing",
        "合浦穗香食品有限公司",
        "李月娥",
        "中秋备货资金紧张，想了解创业担保贷款和贴息政策",
        60,
    ),
    (
        None,
        "hiring",
        "北海南珠工艺品有限公司",
        "苏丽华",
        "订单恢复了，想招二十名珍珠串珠女工，希望就近招用",
        20,
    ),
]


def load_duties(*, until: dt.datetime | None = None, progress: Progress | None = None) -> None:
    """Load the duties and enterprises demo once (after `load_demo`)."""
    end = until or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    beibuwan = Org.objects.filter(name="北部湾社区妇联").first()
    if beibuwan is None or Training.objects.filter(org=beibuwan).exists():
        return
    if progress is not None:
        progress.write("sanshi demo: point rules, trainings, evaluations, enterprise federations\n")
    with transaction.atomic():
        _duties(beibuwan, end)
        _enterprises(end)


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _duties(beibuwan: Org, end: dt.datetime) -> None:
    chair = _user("beibuwan_chair")
    with clock.at(end - dt.timedelta(days=200)):
        duties.set_point_rule(beibuwan, actor=chair, values=dict(RULES))
    for days_ago, title, hours in (
        (150, "执委履职能力提升培训", "3"),
        (40, "反家暴法与婚姻家庭纠纷调解培训", "2.5"),
    ):
        with clock.at(end - dt.timedelta(days=days_ago + 20)):
            training = duties.create_training(
                beibuwan,
                actor=chair,
                title=title,
                audience=Audience.ALL,
                held_on=(end - dt.timedelta(days=days_ago)).date(),
                hours=hours,
                place="北部湾社区党群服务中心",
            )
        with clock.at(end - dt.timedelta(days=days_ago - 1)):
            people = duties.eligible_attendees(training)
            # Everyone came to the first; the second missed two.
            attended = people if days_ago == 150 else people[2:]
            duties.record_attendance(training, attended, actor=chair)
    moment = end - dt.timedelta(hours=12)
    with clock.at(moment):
        for person in members_of(beibuwan):
            _evaluate(beibuwan, person, chair, timezone.localtime(moment).year)


def _evaluate(org: Org, person: Any, chair: Any, year: int) -> None:
    figures = figures_for(person, org, year)
    if figures.visits >= 100 and figures.overdue <= 3:
        grade, reason = Grade.EXCELLENT, "联系户走访及时，诉求办理到位，积极参加培训"
    elif figures.visits >= 20 or figures.concerns_handled:
        grade, reason = Grade.COMPETENT, "按要求走访联系户，履职认真"
    elif figures.trainings:
        grade, reason = Grade.BASIC, "参加了培训，走访和诉求办理需加强"
    else:
        grade, reason = Grade.INCOMPETENT, "全年没有走访和履职记录"
    duties.evaluate_member(org, person, actor=chair, year=year, grade=grade, reason=reason)


def _enterprises(end: dt.datetime) -> None:
    city = Org.objects.get(name="北海市妇联", level=Org.Level.CITY)
    hepu = Org.objects.get(name="合浦县妇联", parent=city)
    federations = {
        "blackpearl": Org.objects.get(name="黑珍珠海洋生物科技有限公司妇联"),
        "jiuge": Org.objects.get(name="广西海洋就哥电子商务有限公司妇联"),
        "suixiang": Org.objects.filter(name="合浦穗香食品有限公司妇联").first()
        or create_org(
            name="合浦穗香食品有限公司妇联",
            level=Org.Level.DOMAIN,
            parent=hepu,
            kind=Org.Kind.ENTERPRISE,
        ),
    }
    staff = _user("city_admin")  # the city's staff keep every district's list
    with clock.at(end - dt.timedelta(days=300)):
        for district, name, sector, women, key in LISTED:
            county = Org.objects.get(name=district, parent=city)
            listed = enterprises.list_enterprise(
                county, actor=staff, name=name, sector=sector, women_led=women
            )
            if key is not None:
                enterprises.link_federation(listed, federations[key], actor=staff)
        for district, name, enterprise, sector, offers, show_phone in ENTREPRENEURS:
            county = Org.objects.get(name=district, parent=city)
            entry = enterprises.EntrepreneurEntry(
                name=name,
                enterprise=enterprise,
                sector=sector,
                offers=offers,
                phone="13977000000",
                show_phone=show_phone,
            )
            enterprises.add_entrepreneur(county, entry, actor=staff, consent=True)
    for n, (key, kind, enterprise, contact, text, days_ago) in enumerate(REQUESTS):
        with clock.at(end - dt.timedelta(days=days_ago, hours=-10)):
            enterprises.submit_request(
                enterprises.RequestForm(
                    kind=kind,
                    enterprise=enterprise,
                    contact_name=contact,
                    phone=f"1397700{n:04d}",
                    text=text,
                    federation=federations[key] if key else None,
                    consent=True,
                )
            )
