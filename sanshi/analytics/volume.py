"""Concerns in volume for measuring at scale: the whole Guangxi tree, three years, bulk inserts.

Not through the actions (no audit rows, no notifications, no triage): rows and their timeline
events are built in memory with the real deadline rules and written with bulk_create in
batches. The org tree follows the official divisions (province, cities, counties, townships,
imported by `sanshi import-divisions`) with three communities under each township; orgs that
already exist for a division (the Beihai demo's) are reused. Tracking codes start with "V".
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sanshi.concerns.models import (
    Channel,
    Concern,
    ConcernEvent,
    EventKind,
    Satisfaction,
    Status,
    Urgency,
)
from sanshi.concerns.sla import deadlines_from, policy_for
from sanshi.concerns.taxonomy import taxonomy
from sanshi.concerns.workcal import WorkingCalendar
from sanshi.core.crypto import phone_index
from sanshi.orgs.models import Division, Org

LEVELS = {1: Org.Level.PROVINCE, 2: Org.Level.CITY, 3: Org.Level.COUNTY, 4: Org.Level.TOWNSHIP}
COMMUNITIES_PER_TOWNSHIP = 3
TEXTS = (
    "孩子放学后没人照看，想问问附近有没有儿童之家",
    "家里老人生病，一个人照顾不过来，想找社区帮忙",
    "想参加妇联的技能培训，不知道怎么报名",
    "邻居装修噪音很大，沟通了几次没有用",
    "单亲妈妈，工作和孩子顾不过来，经济上也困难",
    "丈夫经常喝酒吵架，心里很难受，想找人聊聊",
)
CHANNELS = [Channel.WEB, Channel.PHONE, Channel.PHONE, Channel.WALK_IN, Channel.VISIT]
Say = Callable[[str], None]


@dataclass
class VolumeResult:
    orgs_created: int = 0
    concerns: int = 0
    events: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.concerns / self.seconds if self.seconds else 0.0


def ensure_tree(province: str = "450000", say: Say = print) -> tuple[int, list[Org]]:
    """Orgs for every division of the province and communities under each township."""
    divisions = list(
        Division.objects.filter(code__startswith=province[:2]).order_by("level", "code")
    )
    if not divisions:
        raise ValueError(f"no divisions under {province}: run `sanshi import-divisions` first")
    by_code = {o.division_code: o for o in Org.objects.exclude(division_code="")}
    created = 0
    for level in (1, 2, 3, 4):
        todo = [d for d in divisions if d.level == level and d.code not in by_code]
        new = [
            Org(
                name=f"{d.name}妇联",
                level=LEVELS[level],
                division_code=d.code,
                path="/",
                parent=by_code.get(d.parent_id or ""),
            )
            for d in todo
            if level == 1 or d.parent_id in by_code
        ]
        created += _insert_orgs(new)
        by_code.update({o.division_code: o for o in new})
    townships = [o for o in by_code.values() if o.level == Org.Level.TOWNSHIP]
    have = {
        (parent, name)
        for parent, name in Org.objects.filter(level=Org.Level.COMMUNITY).values_list(
            "parent_id", "name"
        )
    }
    communities = [
        Org(
            name=f"{t.name.removesuffix('妇联')}第{i}社区妇联",
            level=Org.Level.COMMUNITY,
            kind=Org.Kind.RESIDENTS,
            parent=t,
            path="/",
        )
        for t in townships
        for i in range(1, COMMUNITIES_PER_TOWNSHIP + 1)
        if (t.pk, f"{t.name.removesuffix('妇联')}第{i}社区妇联") not in have
    ]
    created += _insert_orgs(communities)
    say(f"generate-volume: {created} orgs created, {len(townships)} townships")
    leaves = list(
        Org.objects.filter(
            level=Org.Level.COMMUNITY, path__startswith=_root_path(by_code, province)
        )
    )
    return created, leaves


def _root_path(by_code: dict[str, Org], province: str) -> str:
    return by_code[province].path


def _insert_orgs(orgs: list[Org]) -> int:
    if not orgs:
        return 0
    with transaction.atomic():
        Org.objects.bulk_create(orgs, batch_size=1000)
        for o in orgs:
            parent = o.parent
            o.path = f"{parent.path if parent else '/'}{o.pk}/"
            o.depth = parent.depth + 1 if parent else 0
        Org.objects.bulk_update(orgs, ["path", "depth"], batch_size=1000)
    return len(orgs)


class Generator:
    """Builds concerns and their events in memory, one realistic life each."""

    def __init__(self, seed: int, until: dt.datetime, years: int = 3) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
        self.until = until
        self.start = until - dt.timedelta(days=365 * years)
        self.calendar = WorkingCalendar()
        subs = list(taxonomy().subcategories.values())
        self.ordinary = [s for s in subs if not s.urgent]
        self.urgent = [s for s in subs if s.urgent]
        self.phones = [f"139{n:08d}" for n in range(0, 400000)]
        self.phone_indexes: dict[str, str] = {}

    def _phone(self) -> tuple[str, str]:
        phone = self.rng.choice(self.phones)
        if phone not in self.phone_indexes:
            self.phone_indexes[phone] = phone_index(phone)
        return phone, self.phone_indexes[phone]

    def concern(self, n: int, org: Org) -> tuple[Concern, list[ConcernEvent]]:
        rng = self.rng
        span = (self.until - self.start).total_seconds()
        received = self.start + dt.timedelta(seconds=rng.random() * span)
        urgent = rng.random() < 0.02
        sub = rng.choice(self.urgent if urgent else self.ordinary)
        urgency = (
            Urgency.CRITICAL
            if urgent
            else rng.choice([Urgency.NORMAL] * 6 + [Urgency.HIGH, Urgency.LOW])
        )
        phone, index = self._phone() if rng.random() < 0.8 else ("", "")
        text = rng.choice(TEXTS)
        county = org.parent.parent if org.parent else None
        c = Concern(
            tracking_code=f"V{n:011d}",
            channel=rng.choice(CHANNELS),
            text=text,
            search_text="" if urgent else text,
            community=org,
            reporter_phone=phone,
            reporter_phone_index=index,
            category=sub.category,
            subcategory=sub.code,
            sanshi=sub.sanshi,
            urgency=urgency,
            protected=urgent,
            org=org,
            dispatching_org=county or org,
            received_at=received,
            updated_at=received,
            status=Status.RECEIVED,
        )
        events = [
            ConcernEvent(
                kind=EventKind.RECEIVED, at=received, org=county, to_status=Status.RECEIVED
            )
        ]
        self._life(c, events, received, county or org, org)
        return c, events

    def _life(
        self, c: Concern, ev: list[ConcernEvent], t: dt.datetime, county: Org, org: Org
    ) -> None:
        rng, now = self.rng, self.until

        def at(hours: float) -> dt.datetime | None:
            nonlocal t
            t = t + dt.timedelta(hours=hours)
            return t if t < now else None

        def event(kind: str, when: dt.datetime, who: Org, to: str = "") -> None:
            ev.append(
                ConcernEvent(
                    kind=kind, at=when, org=who, from_status=c.status, to_status=to or c.status
                )
            )
            if to:
                c.status = to
            c.updated_at = when

        policy = policy_for(c.urgency, c.category)
        quick = 0.2 if c.urgency == Urgency.CRITICAL else 1.0
        # dispatch, perhaps returned once or twice first
        for _ in range(rng.choices([1, 2, 3], weights=[96, 3, 1])[0]):
            when = at(rng.uniform(0.1, 6) * quick)
            if when is None:
                return
            due = deadlines_from(when, policy, self.calendar)
            c.dispatched_at, c.first_dispatched_at = when, c.first_dispatched_at or when
            c.sign_due, c.contact_due, c.resolve_due = due.sign, due.contact, due.resolve
            event(EventKind.DISPATCHED, when, org, Status.DISPATCHED)
            if len([e for e in ev if e.kind == EventKind.DISPATCHED]) < 3 and rng.random() < 0.04:
                back = at(rng.uniform(1, 30))
                if back is None:
                    return
                c.return_count += 1
                c.sign_due = c.contact_due = c.resolve_due = None
                event(EventKind.RETURNED, back, org, Status.RETURNED)
                continue
            break
        if c.status != Status.DISPATCHED:
            return
        signed = at(rng.expovariate(1 / 6) * quick)
        if signed is None:
            return
        c.signed_at = signed
        event(EventKind.SIGNED, signed, org, Status.SIGNED)
        contact = at(rng.expovariate(1 / 20) * quick)
        if contact is None:
            return
        c.first_contact_at = contact
        event(EventKind.CONTACT, contact, org, Status.IN_PROGRESS)
        if rng.random() < 0.05 and c.resolve_due is not None:
            asked = at(24)
            if asked is None:
                return
            c.resolve_due = c.resolve_due + dt.timedelta(days=7)
            c.extension_count = 1
            event(EventKind.EXTENSION_REQUESTED, asked, org)
            event(EventKind.EXTENSION_APPROVED, asked + dt.timedelta(hours=2), org)
        for _round in range(3):
            replied = at(rng.expovariate(1 / 90))
            if replied is None:
                return
            c.replied_at = replied
            event(EventKind.REPLIED, replied, org, Status.REPLIED)
            rated = at(rng.uniform(24, 96))
            if rated is None:
                return
            if rng.random() < 0.1:
                c.closed_at = rated
                event(EventKind.CLOSED, rated, org, Status.CLOSED)
                return
            solved = rng.random() < 0.88
            c.solved, c.rated_at = solved, rated
            c.satisfaction = rng.choices(
                [Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED],
                weights=[70, 20, 10] if solved else [5, 25, 70],
            )[0]
            if solved:
                c.closed_at = rated
                event(EventKind.FOLLOWED_UP, rated, org, Status.CLOSED)
                return
            c.reopen_count += 1
            c.replied_at = None
            c.resolve_due = deadlines_from(rated, policy, self.calendar).resolve
            event(EventKind.REOPENED, rated, org, Status.REOPENED)

    def overdue(self, c: Concern) -> None:
        """Open concerns past their resolve deadline carry the sweep's overdue mark."""
        if c.status in (Status.CLOSED, Status.MERGED, Status.REPLIED):
            return
        for due in (c.sign_due if c.signed_at is None else None, c.resolve_due):
            if due is not None and due < self.until:
                c.overdue_since = due
                return


def generate(
    count: int,
    *,
    seed: int = 21,
    until: dt.datetime | None = None,
    batch: int = 5000,
    say: Say = print,
) -> VolumeResult:
    """Write `count` concerns with their events; progress through `say`."""
    end = until or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    result = VolumeResult()
    began = time.monotonic()
    result.orgs_created, leaves = ensure_tree(say=say)
    first = Concern.objects.filter(tracking_code__startswith="V").count()
    gen = Generator(seed + first, end)
    parents = {
        o.pk: o for o in Org.objects.filter(level__in=[Org.Level.TOWNSHIP, Org.Level.COUNTY])
    }
    for leaf in leaves:
        leaf.parent = parents.get(leaf.parent_id or 0)
        if leaf.parent is not None:
            leaf.parent.parent = parents.get(leaf.parent.parent_id or 0)
    done = 0
    while done < count:
        size = min(batch, count - done)
        built = [gen.concern(first + done + i, gen.rng.choice(leaves)) for i in range(size)]
        for c, _ in built:
            gen.overdue(c)
        with transaction.atomic():
            Concern.objects.bulk_create([c for c, _ in built], batch_size=1000)
            events = []
            for c, evs in built:
                for e in evs:
                    e.concern = c
                    events.append(e)
            ConcernEvent.objects.bulk_create(events, batch_size=2000)
        done += size
        result.concerns, result.events = done, result.events + len(events)
        result.seconds = time.monotonic() - began
        say(
            f"generate-volume: {done}/{count} concerns, {result.events} events, "
            f"{result.per_second:.0f} concerns/s"
        )
    result.seconds = time.monotonic() - began
    return result
