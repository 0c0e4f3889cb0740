"""The Beihai demo: the federation tree of the 2020 report, people, and a year of concerns.

Everything goes through the same actions as real use, with `clock.at()` replaying history,
so the timeline, deadlines and rates of the demo are what the product would have produced.
Deterministic for a seed and an end date; loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from sanshi.concerns import actions
from sanshi.concerns.models import Channel, Concern, Status
from sanshi.concerns.sweep import run_sla_sweep
from sanshi.concerns.taxonomy import taxonomy
from sanshi.core import clock
from sanshi.core.errors import SanshiError
from sanshi.core.types import Progress
from sanshi.demo.network import load_network
from sanshi.demo.places import load_places
from sanshi.demo.texts import GIVEN, PLACES, SURNAMES, TAILS, TEXTS, VILLAGES
from sanshi.demo.today import Today, load_today
from sanshi.orgs.actions import add_membership, create_org, create_person
from sanshi.orgs.division_import import import_divisions
from sanshi.orgs.models import Division, Membership, Org, Person, Role

# The demo is public by design: every account shares one printed password.
DEMO_PASSWORD = "beihai-sanshi-2020"  # noqa: S105
TERM_START = dt.date(2021, 1, 1)
COUNTIES = {"450502": "海城区", "450503": "银海区", "450512": "铁山港区", "450521": "合浦县"}

# username, what the account is, the org it belongs to (by demo key), its role
ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("city_admin", "北海市妇联 工作人员（管理员）", "city", Role.STAFF),
    ("haicheng_dispatcher", "海城区妇联 派单员", "450502", Role.DISPATCHER),
    ("beibuwan_chair", "北部湾社区妇联 主席", "beibuwan", Role.CHAIR),
    ("beibuwan_member", "北部湾社区 执委", "beibuwan", Role.COMMITTEE_MEMBER),
    ("qiaozhong_member", "侨中社区 执委", "qiaozhong", Role.COMMITTEE_MEMBER),
    (
        "social_worker",
        "北海益众社会工作服务中心 社工（服务北部湾社区）",
        "beibuwan",
        Role.SOCIAL_WORKER,
    ),
    ("volunteer", "北部湾社区 巾帼志愿者", "beibuwan", Role.VOLUNTEER),
    (
        "haicheng_protection",
        "海城区妇联 权益保护专员（家暴与儿童保护值班）",
        "450502",
        Role.PROTECTION_OFFICER,
    ),
    ("leader", "北海市 领导（只读）", "city", Role.LEADER),
]


@dataclass
class DemoResult:
    orgs: int = 0
    people: int = 0
    concerns: int = 0
    concerns_skipped: bool = False
    accounts: list[tuple[str, str]] = field(default_factory=list)
    today: Today | None = None


@dataclass
class Tree:
    orgs: dict[str, Org] = field(default_factory=dict)
    communities: list[Org] = field(default_factory=list)
    county_of: dict[int, Org] = field(default_factory=dict)
    dispatcher: dict[int, Any] = field(default_factory=dict)  # county id -> user
    protection: dict[int, Any] = field(default_factory=dict)
    handlers: dict[int, list[Any]] = field(default_factory=dict)  # community id -> users
    chair: dict[int, Any] = field(default_factory=dict)


class Loader:
    def __init__(self, seed: int, progress: Progress | None) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.progress = progress
        self.result = DemoResult()
        self.tree = Tree()

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress.write(text + "\n")

    # ------------------------------------------------------------ tree and people

    def org(
        self,
        key: str,
        name: str,
        level: str,
        parent: Org | None,
        kind: str = Org.Kind.FEDERATION,
        code: str = "",
    ) -> Org:
        found = Org.objects.filter(parent=parent, name=name).first()
        if found is None:
            found = create_org(name=name, level=level, parent=parent, kind=kind, division_code=code)
            self.result.orgs += 1
        self.tree.orgs[key] = found
        return found

    def user(self, username: str, name: str, org: Org, role: str, *, login: bool) -> User:
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username)
            if login:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            if username == "city_admin":  # the demo's administrator of the admin site
                user.is_staff = user.is_superuser = True
            user.save()
            person = create_person(
                name=name,
                user=user,
                gender=Person.Gender.FEMALE,
                phone=f"1380779{self.rng.randrange(10000):04d}",
            )
            self.result.people += 1
        else:
            person = Person.objects.get(user=user)
        if not Membership.objects.filter(person=person, org=org, role=role).exists():
            add_membership(person, org, role=role, term_start=TERM_START)
        return user

    def name(self, rng: random.Random) -> str:
        return rng.choice(SURNAMES) + rng.choice(GIVEN)

    def build_tree(self) -> None:
        if not Division.objects.filter(code="450500").exists():
            self.say("  importing the official divisions of Guangxi first")
            import_divisions(provinces=["450000"])
        province = self.org(
            "province", "广西壮族自治区妇联", Org.Level.PROVINCE, None, code="450000"
        )
        city = self.org("city", "北海市妇联", Org.Level.CITY, province, code="450500")
        for code, county_name in COUNTIES.items():
            county = self.org(code, f"{county_name}妇联", Org.Level.COUNTY, city, code=code)
            for division in Division.objects.filter(parent_id=code).order_by("code"):
                township = self.org(
                    division.code,
                    f"{division.name}妇联",
                    Org.Level.TOWNSHIP,
                    county,
                    code=division.code,
                )
                self.add_communities(township, division, county)
        self.org(
            "agency",
            "北海益众社会工作服务中心",
            Org.Level.DOMAIN,
            self.tree.orgs["450502"],
            kind=Org.Kind.SOCIAL_ORG,
        )
        self.org(
            "blackpearl",
            "黑珍珠海洋生物科技有限公司妇联",
            Org.Level.DOMAIN,
            city,
            kind=Org.Kind.ENTERPRISE,
        )
        self.org(
            "jiuge",
            "广西海洋就哥电子商务有限公司妇联",
            Org.Level.DOMAIN,
            city,
            kind=Org.Kind.ENTERPRISE,
        )

    def add_communities(self, township: Org, division: Division, county: Org) -> None:
        rng = random.Random(f"{self.seed}-{division.code}")
        street = division.name.endswith("街道")
        names = rng.sample(VILLAGES, 2)
        made = [
            (f"{n}{'社区' if street else '村'}", Org.Kind.RESIDENTS if street else Org.Kind.VILLAGE)
            for n in names
        ]
        if (
            division.code == "450502002"
        ):  # 东街街道: the report's 北部湾社区 (placed here for the demo)
            made.insert(0, ("北部湾社区", Org.Kind.RESIDENTS))
        if division.code == "450503103":  # 侨港镇: 侨中社区 and its 侨之家
            made.insert(0, ("侨中社区", Org.Kind.RESIDENTS))
        for community_name, kind in made:
            key = {"北部湾社区": "beibuwan", "侨中社区": "qiaozhong"}.get(
                community_name, community_name
            )
            org = self.org(
                f"c-{division.code}-{key}",
                f"{community_name}妇联",
                Org.Level.COMMUNITY,
                township,
                kind=kind,
            )
            self.tree.orgs.setdefault(key, org)
            self.tree.communities.append(org)
            self.tree.county_of[org.pk] = county

    def build_people(self) -> None:
        for username, what, key, role in ACCOUNTS:
            person_name = self.name(random.Random(f"{self.seed}-{username}"))
            self.user(username, person_name, self.tree.orgs[key], role, login=True)
            self.result.accounts.append((username, what))
            if username == "social_worker":
                self.user(username, "", self.tree.orgs["agency"], Role.STAFF, login=True)
        t = self.tree
        for code in COUNTIES:
            county = t.orgs[code]
            t.dispatcher[county.pk] = (
                self.user("haicheng_dispatcher", "", county, Role.DISPATCHER, login=True)
                if code == "450502"
                else self.user(
                    f"dispatcher_{code}", self.name(self.rng), county, Role.DISPATCHER, login=False
                )
            )
            t.protection[county.pk] = (
                self.user("haicheng_protection", "", county, Role.PROTECTION_OFFICER, login=True)
                if code == "450502"
                else self.user(
                    f"protection_{code}",
                    self.name(self.rng),
                    county,
                    Role.PROTECTION_OFFICER,
                    login=False,
                )
            )
        for community in t.communities:
            rng = random.Random(f"{self.seed}-people-{community.pk}")
            if community == t.orgs["beibuwan"]:
                t.chair[community.pk] = self.user(
                    "beibuwan_chair", "", community, Role.CHAIR, login=True
                )
                t.handlers[community.pk] = [
                    self.user("beibuwan_member", "", community, Role.COMMITTEE_MEMBER, login=True),
                    self.user(
                        f"member_{community.pk}_2",
                        self.name(rng),
                        community,
                        Role.COMMITTEE_MEMBER,
                        login=False,
                    ),
                ]
                continue
            t.chair[community.pk] = self.user(
                f"chair_{community.pk}", self.name(rng), community, Role.CHAIR, login=False
            )
            first = (
                self.user("qiaozhong_member", "", community, Role.COMMITTEE_MEMBER, login=True)
                if community == t.orgs["qiaozhong"]
                else self.user(
                    f"member_{community.pk}_1",
                    self.name(rng),
                    community,
                    Role.COMMITTEE_MEMBER,
                    login=False,
                )
            )
            t.handlers[community.pk] = [first]

    # ------------------------------------------------------------ concerns

    def subcategory(self, rng: random.Random) -> str:
        # Marriage and family dominate what federations receive (domain.md); danger is rare.
        weights = {
            "family": 30,
            "children": 14,
            "rights": 10,
            "work": 10,
            "elderly": 8,
            "hardship": 8,
            "community": 8,
            "health": 5,
            "feedback": 4,
            "safety": 3,
        }
        category = rng.choices(list(weights), weights=list(weights.values()))[0]
        subs = [s for s in taxonomy().by_code[category].subcategories]
        plain = [s.code for s in subs if not s.urgent]
        urgent = [s.code for s in subs if s.urgent]
        if urgent and (not plain or rng.random() < 0.12):
            return rng.choice(urgent)
        return rng.choice(plain)

    def text(self, rng: random.Random, subcategory: str, community: Org) -> str:
        place = rng.choice(PLACES).format(c=community.name.removesuffix("妇联"))
        return place + rng.choice(TEXTS[subcategory]) + rng.choice(TAILS)

    def load_concerns(self, count: int, until: dt.datetime) -> None:
        start = until - dt.timedelta(days=365)
        t = self.tree
        focus = [t.orgs["beibuwan"], t.orgs["qiaozhong"]]
        plans = []
        for i in range(count):
            rng = random.Random(f"{self.seed}-concern-{i}")
            community = rng.choice(focus) if rng.random() < 0.3 else rng.choice(t.communities)
            if i == 0:  # the showcase: a protected concern in 北部湾社区, every demo has it
                community = t.orgs["beibuwan"]
            offset = dt.timedelta(seconds=rng.randrange(int((until - start).total_seconds())))
            received = start + offset
            local = timezone.localtime(received)
            received = received.replace(hour=8 + local.hour % 12) if local.hour < 8 else received
            if i == 0:  # the showcase is recent, so it is still being handled
                received = until - dt.timedelta(hours=30)
            plans.append((received, i, rng, community))
        plans.sort(key=lambda p: (p[0], p[1]))
        recent: dict[tuple[int, str], Concern] = {}
        with actions.notifications_off():
            for n, (received, i, rng, community) in enumerate(plans, start=1):
                if received > until:
                    continue
                self.play(i, rng, community, received, until, recent)
                if n % 250 == 0:
                    self.say(f"  {n}/{count} concerns")
            with clock.at(until):
                run_sla_sweep(until)
        self.result.concerns = len(plans)

    def play(
        self,
        i: int,
        rng: random.Random,
        community: Org,
        received: dt.datetime,
        until: dt.datetime,
        recent: dict[tuple[int, str], Concern],
    ) -> None:
        t = self.tree
        county = t.county_of[community.pk]
        dispatcher = t.dispatcher[county.pk]
        handler = rng.choice(t.handlers[community.pk])
        sub = "safety.dv_now" if i == 0 else self.subcategory(rng)
        channel = rng.choices(
            [
                Channel.WEB,
                Channel.PHONE,
                Channel.WALK_IN,
                Channel.MEMBER_CARD,
                Channel.VISIT,
                Channel.OPEN311,
            ],
            weights=[35, 30, 10, 12, 10, 3],
        )[0]
        anonymous = rng.random() < 0.15
        minor = sub.startswith("children.") and rng.random() < 0.3
        with clock.at(received):
            concern = actions.receive_concern(
                text=self.text(rng, sub, community),
                channel=channel,
                org=county,
                actor=dispatcher if channel in (Channel.PHONE, Channel.WALK_IN) else None,
                subcategory=sub,
                community=community,
                division=Division.objects.filter(code=community.parent.division_code).first()
                if community.parent
                else None,
                address=f"北海市{county.name.removesuffix('妇联')}{community.name.removesuffix('妇联')}"
                f"{rng.randrange(1, 40)}栋{rng.randrange(1, 6)}单元{rng.randrange(101, 1800)}室",
                reporter_name="" if anonymous else self.name(rng),
                reporter_phone="" if anonymous else f"13{rng.randrange(10**9):09d}",
                anonymous=anonymous,
                minor_under_14=minor,
                guardian_consent=minor,
                publish_consent=rng.random() < 0.4,
                rng=rng,
            )
        critical = concern.urgency == "critical"
        # Danger is dispatched within minutes: only ordinary concerns wait for the dispatcher.
        waiting = not critical and until - received < dt.timedelta(days=3) and rng.random() < 0.35
        steps = (
            []
            if waiting
            else self.plan(rng, concern, community, county, dispatcher, handler, critical, recent)
        )
        moment = received
        for delay, step in steps:
            moment = moment + delay
            if moment > until:
                break
            with clock.at(moment):
                try:
                    step()
                except SanshiError:
                    break  # a plan that no longer fits (e.g. merged meanwhile) just stops
        recent[(community.pk, sub)] = concern

    def plan(
        self,
        rng: random.Random,
        c: Concern,
        community: Org,
        county: Org,
        dispatcher: Any,
        handler: Any,
        critical: bool,
        recent: dict[tuple[int, str], Concern],
    ) -> list[tuple[dt.timedelta, Callable[[], object]]]:
        h = lambda lo, hi: dt.timedelta(hours=rng.uniform(lo, hi))  # noqa: E731
        m = lambda lo, hi: dt.timedelta(minutes=rng.uniform(lo, hi))  # noqa: E731
        t = self.tree
        handler_person = Person.objects.get(user=handler)
        steps: list[tuple[dt.timedelta, Callable[[], object]]] = []
        twin = recent.get((community.pk, c.subcategory))
        if (
            twin is not None
            and not critical
            and twin.status not in (Status.CLOSED, Status.MERGED)
            and rng.random() < 0.25
        ):
            steps.append(
                (
                    h(0.2, 2),
                    lambda: actions.merge_concern(c, into=twin, actor=dispatcher, note="同一件事"),
                )
            )
            return steps
        helpers = [handler_person]
        if critical and community == t.orgs["beibuwan"]:
            helpers = [Person.objects.get(user__username="social_worker")]
        steps.append(
            (
                m(2, 10) if critical else h(0.2, 6),
                lambda: actions.dispatch_concern(c, community, actor=dispatcher, handlers=helpers),
            )
        )
        signer = t.chair[community.pk] if critical and community == t.orgs["beibuwan"] else handler
        if critical and community == t.orgs["beibuwan"]:
            signer = Person.objects.get(user__username="social_worker").user
        if not critical and rng.random() < 0.06:
            steps.append(
                (
                    h(1, 20),
                    lambda: actions.return_concern(
                        c, actor=handler, reason="不属于本社区辖区，请改派"
                    ),
                )
            )
            steps.append(
                (
                    h(1, 8),
                    lambda: actions.dispatch_concern(
                        c, community, actor=dispatcher, handlers=[handler_person]
                    ),
                )
            )
        late = rng.random() < 0.12
        steps.append(
            (
                m(2, 12) if critical else h(26, 60) if late else h(0.5, 20),
                lambda: actions.sign_concern(c, actor=signer),
            )
        )
        # A few ordinary ones stall after signing: overdue, then answered weeks late once the
        # reminders and the dispatcher press (never danger, never for months).
        stuck = not critical and rng.random() < 0.03
        method = rng.choice(["phone", "phone", "visit", "online"])
        steps.append(
            (
                m(2, 12) if critical else h(1, 50),
                lambda: actions.log_contact(
                    c, actor=signer, method=method, outcome="已联系居民，了解详细情况"
                ),
            )
        )
        legal: dict[str, Any] = {}
        if critical:
            crisis = c.subcategory == "health.crisis"
            steps.append(
                (
                    m(5, 20),
                    lambda: actions.refer_concern(
                        c,
                        actor=signer,
                        body="hospital" if crisis else "police",
                        reference=f"{'YY' if crisis else 'JQ'}{rng.randrange(10**6):06d}",
                        note="已陪同就医，心理危机干预已介入" if crisis else "已报警，民警到场",
                    ),
                )
            )
            officer = t.protection[county.pk]
            court = f"{county.name.removesuffix('妇联')}人民法院"
            if c.subcategory.startswith("safety."):
                steps.append(
                    (
                        m(5, 20),
                        lambda: legal.update(
                            order=actions.record_legal_step(
                                c,
                                actor=officer,
                                step="protection_order",
                                details={"court": court, "applied_on": "代为申请", "urgent": True},
                            )
                        ),
                    )
                )
            elif c.subcategory.startswith("children."):
                steps.append(
                    (
                        m(5, 20),
                        lambda: actions.record_legal_step(
                            c,
                            actor=officer,
                            step="mandatory_report",
                            details={
                                "reported_to": "派出所",
                                "reported_at": "当日",
                                "reference": f"BG{rng.randrange(10**5):05d}",
                            },
                        ),
                    )
                )
        elif rng.random() < 0.2:
            steps.append(
                (
                    h(4, 48),
                    lambda: actions.log_contact(
                        c, actor=handler, method="visit", outcome="入户走访，核实情况"
                    ),
                )
            )
        if not critical and rng.random() < 0.05:
            steps.append(
                (
                    h(24, 72),
                    lambda: actions.request_extension(
                        c,
                        actor=handler,
                        until=(c.resolve_due or clock.now()) + dt.timedelta(days=7),
                        reason="需协调相关部门",
                    ),
                )
            )
            approve = rng.random() < 0.8
            steps.append(
                (
                    h(2, 20),
                    lambda: actions.decide_extension(
                        c,
                        actor=dispatcher,
                        approve=approve,
                        note="同意延期" if approve else "请按期办结",
                    ),
                )
            )
        if not critical and rng.random() < 0.04:
            steps.append(
                (
                    h(2, 48),
                    lambda: actions.escalate_concern(
                        c, actor=handler, to_org=community.parent, reason="需要街道协调多个部门"
                    ),
                )
            )
            steps.append(
                (
                    h(4, 72),
                    lambda: actions.record_escalation_response(
                        c, actor=dispatcher, response="街道已召集相关部门会商", rating="basic"
                    ),
                )
            )
        slow = rng.random() < 0.1
        # Danger is answered within its two hours, a few a little late; ordinary concerns in
        # days, a tenth of them slowly.
        steps.append(
            (
                (h(1, 5) if slow else m(5, 30))
                if critical
                else h(500, 1000)
                if stuck
                else h(100, 260)
                if slow
                else h(8, 120),
                lambda: actions.reply_concern(c, actor=signer, reply="已协调办理，请查看处理结果"),
            )
        )
        if critical and c.subcategory.startswith("safety."):
            officer = t.protection[county.pk]
            steps.append(
                (
                    h(6, 20),  # an urgent protection order is decided within 24 hours
                    lambda: actions.complete_legal_step(
                        legal["order"], actor=officer, outcome="法院已作出人身安全保护令"
                    ),
                )
            )
        solved = rng.random() < 0.86
        happy = rng.choices(
            ["satisfied", "basic", "unsatisfied"], weights=[70, 22, 8] if solved else [5, 25, 70]
        )[0]
        steps.append(
            (
                h(4, 72),
                lambda: actions.record_follow_up(
                    c,
                    actor=None,
                    solved=solved,
                    satisfaction=happy,
                    comment="" if solved else "问题还没解决",
                ),
            )
        )
        if not solved:
            steps.append(
                (
                    m(20, 100) if critical else h(24, 120),
                    lambda: actions.reply_concern(c, actor=signer, reply="重新协调，已再次处理"),
                )
            )
            solved_again = rng.random() < 0.7
            again = rng.choices(
                ["satisfied", "basic", "unsatisfied"],
                weights=[40, 40, 20] if solved_again else [0, 30, 70],
            )[0]
            steps.append(
                (
                    h(4, 48),
                    lambda: actions.record_follow_up(
                        c, actor=None, solved=solved_again, satisfaction=again
                    ),
                )
            )
            if not solved_again:
                steps.append(
                    (
                        m(20, 100) if critical else h(24, 96),
                        lambda: actions.reply_concern(
                            c, actor=signer, reply="已按政策再次解释，超出可办范围的已转相关部门"
                        ),
                    )
                )
                steps.append(
                    (
                        h(24, 72),
                        lambda: actions.close_concern(
                            c, actor=dispatcher, reason="已两次答复，居民诉求超出政策范围"
                        ),
                    )
                )
        return steps


def load_demo(
    *,
    seed: int = 2020,
    concerns: int = 2000,
    until: dt.datetime | None = None,
    progress: Progress | None = None,
) -> DemoResult:
    """Load the Beihai demo; a second run adds nothing."""
    loader = Loader(seed, progress)
    end = until or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        loader.say("sanshi demo: the federation tree of Beihai")
        with clock.at(end - dt.timedelta(days=400)):
            loader.build_tree()
            loader.build_people()
    load_network(loader, end, concerns)  # rosters, households, visits, volunteers (network.py)
    load_places(loader, end, concerns)  # places, a year of activities and attendance (places.py)
    marker = f"demo:{seed}"
    if Concern.objects.filter(source_client=marker).exists():
        loader.result.concerns_skipped = True
        return loader.result
    loader.say(f"sanshi demo: {concerns} concerns over the 12 months to {end:%Y-%m-%d}")
    with transaction.atomic():
        loader.load_concerns(concerns, end)
        loader.result.today = load_today(loader, end)  # each account's home, the cards
        Concern.objects.filter(pk__in=Concern.objects.order_by("pk").values("pk")[:1]).update(
            source_client=marker
        )
    return loader.result
