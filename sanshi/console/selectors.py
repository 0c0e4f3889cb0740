"""Reads for the staff console: who is looking, what needs them now, what they may see in full."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Least
from django.utils.translation import gettext_noop

from sanshi.concerns import permissions as perm
from sanshi.concerns.access import concerns_visible_to, in_full_q
from sanshi.concerns.models import (
    Assignment,
    Concern,
    ConcernEvent,
    DangerCheck,
    EventKind,
    Status,
    Urgency,
)
from sanshi.core import clock
from sanshi.core.types import User
from sanshi.orgs.models import Membership, Org, Person, Role
from sanshi.orgs.selectors import active_memberships, person_for_user

ACTIVE = (
    Status.RECEIVED,
    Status.RETURNED,
    Status.DISPATCHED,
    Status.SIGNED,
    Status.IN_PROGRESS,
    Status.REOPENED,
)
HANDLING = (Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.REOPENED)
UNDISPATCHED = (Status.RECEIVED, Status.RETURNED)
SECTION_LIMIT = 20


@dataclass
class Viewer:
    """The signed-in user with her person and roles, loaded once per request."""

    user: Any
    person: Person | None
    memberships: list[Membership] = field(default_factory=list)

    @property
    def user_id(self) -> int:
        return int(self.user.pk)

    @property
    def grants(self) -> list[perm.Grant]:
        return [perm.Grant(m.org.path, m.role) for m in self.memberships]

    def orgs_with(self, roles: frozenset[str]) -> list[Org]:
        return [m.org for m in self.memberships if m.role in roles]

    @property
    def is_dispatcher(self) -> bool:
        return bool(self.orgs_with(perm.SUPERVISOR_ROLES))

    @property
    def is_duty_officer(self) -> bool:
        """Checks danger triage was unsure of (a protection officer or a chair)."""
        return bool(self.orgs_with(perm.DUTY_ROLES))

    @property
    def is_protection_officer(self) -> bool:
        return bool(self.orgs_with(perm.PROTECTION_ROLES))

    @property
    def keeps_answers(self) -> bool:
        """Handles concerns somewhere, so writes and uses ready answers (sanshi.answers)."""
        return bool(self.orgs_with(perm.HANDLER_ROLES))

    @property
    def takes_calls(self) -> bool:
        """Takes calls and visitors at the call screen (dispatchers, chairs, protection)."""
        return self.is_dispatcher or self.is_protection_officer

    @property
    def manages_cards(self) -> bool:
        """Chairs, vice-chairs and federation staff issue their members' cards (亮牌)."""
        return bool(self.orgs_with(frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.STAFF})))

    @property
    def is_leader_only(self) -> bool:
        """Only read-only leader roles: nothing to act on, only to watch."""
        return bool(self.memberships) and all(m.role == Role.LEADER for m in self.memberships)

    @property
    def sees_board(self) -> bool:
        """Dispatchers see the dispatch board; protection officers see its danger part."""
        return self.is_dispatcher or self.is_protection_officer


def viewer_for(user: User) -> Viewer:
    """Two queries: the person, then her active memberships with their orgs."""
    person = person_for_user(user)
    memberships = list(active_memberships(person)) if person is not None else []
    return Viewer(user=user, person=person, memberships=memberships)


def with_full_flag(qs: QuerySet[Concern], viewer: Viewer) -> QuerySet[Concern]:
    """Annotate `full`: whether each row's text, reporter and address may be shown."""
    return qs.annotate(
        full=Case(
            When(in_full_q(viewer.user, viewer.grants), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _my_assignments(viewer: Viewer) -> QuerySet[Assignment]:
    person_id = viewer.person.pk if viewer.person is not None else -1
    return Assignment.objects.filter(person_id=person_id, active=True)


def next_due() -> Case:
    """The deadline a concern is racing now: signing, then first contact, then resolving."""
    return Case(
        When(status=Status.DISPATCHED, then=F("sign_due")),
        When(
            first_contact_at__isnull=True,
            contact_due__isnull=False,
            resolve_due__isnull=False,
            then=Least("contact_due", "resolve_due"),
        ),
        default=F("resolve_due"),
        output_field=DateTimeField(),
    )


@dataclass(frozen=True)
class HomeFilters:
    """The filters of the home page; they stick in the session."""

    sanshi: str = ""
    urgency: str = ""
    org: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"sanshi": self.sanshi, "urgency": self.urgency, "org": self.org}


def _filtered(
    qs: QuerySet[Concern], filters: HomeFilters, orgs: dict[int, Org]
) -> QuerySet[Concern]:
    if filters.sanshi:
        qs = qs.filter(sanshi=filters.sanshi)
    if filters.urgency:
        qs = qs.filter(urgency=filters.urgency)
    if filters.org is not None and filters.org in orgs:
        qs = qs.filter(org__path__startswith=orgs[filters.org].path)
    return qs


@dataclass
class Section:
    key: str
    title: str
    count: int
    rows: list[Concern]
    empty: str = ""


def _under(orgs: list[Org]) -> Q:
    """Concerns in these orgs' subtrees."""
    condition = Q(pk__in=[])
    for org in orgs:
        condition |= Q(org__path__startswith=org.path)
    return condition


def home_conditions(viewer: Viewer, now: dt.datetime) -> dict[str, Q]:
    """What each section of the viewer's home holds, in the order the page shows them.

    Only the sections her roles can act on: dispatchers and chairs the concerns waiting for
    dispatch and the follow-ups; duty officers the danger checks; protection officers the
    protected concerns they may take; handlers their tasks and their org's unsigned queue;
    a leader (read only) what is overdue, to press on it. Critical and overdue concerns are
    the ones she may act on (her org, her subtree as a supervisor, her assignments, or as a
    protection officer the protected and critical ones), not every one she may read.
    """
    if viewer.is_leader_only:
        overdue = _overdue(now)
        return {
            "watch_critical": Q(urgency=Urgency.CRITICAL, status__in=ACTIVE),
            "watch": Q(status__in=ACTIVE) & overdue,
        }
    supervise = _under(viewer.orgs_with(perm.SUPERVISOR_ROLES))
    handler_orgs = [o.pk for o in viewer.orgs_with(perm.HANDLER_ROLES)]
    mine = Q(pk__in=_my_assignments(viewer).values("concern_id"))
    protect = _under(viewer.orgs_with(perm.PROTECTION_ROLES))
    acts = (
        supervise
        | Q(org_id__in=handler_orgs)
        | mine
        | (protect & (Q(protected=True) | Q(urgency=Urgency.CRITICAL)))
    )
    found: dict[str, Q] = {}
    if viewer.is_dispatcher:
        found["dispatch"] = Q(status__in=UNDISPATCHED) & supervise
    if viewer.is_duty_officer:
        found["check"] = Q(danger_check=DangerCheck.PENDING) & _under(
            viewer.orgs_with(perm.DUTY_ROLES)
        )
    if viewer.is_protection_officer:
        found["take"] = Q(status__in=UNDISPATCHED, protected=True) & protect
    found["critical"] = Q(urgency=Urgency.CRITICAL, status__in=ACTIVE) & acts
    found["mine"] = mine & Q(status__in=HANDLING)
    if handler_orgs:
        found["unsigned"] = Q(status=Status.DISPATCHED, org_id__in=handler_orgs)
    found["overdue"] = Q(status__in=ACTIVE) & _overdue(now) & acts
    if viewer.is_dispatcher:
        found["follow_up"] = Q(status=Status.REPLIED) & supervise
    return found


def _overdue(now: dt.datetime) -> Q:
    """Marked overdue by the sweep, or past the deadline it is racing now."""
    return (
        Q(overdue_since__isnull=False)
        | Q(status=Status.DISPATCHED, sign_due__lt=now)
        | Q(status__in=HANDLING, resolve_due__lt=now)
    )


# Marked for translation here, translated where the page shows them.
SECTION_TITLES = {
    "dispatch": gettext_noop("等待派单"),
    "check": gettext_noop("待核查危险信号（须尽快人工判断）"),
    "take": gettext_noop("可接手的受保护诉求"),
    "critical": gettext_noop("紧急（危险）"),
    "mine": gettext_noop("我的待办（按最近期限）"),
    "unsigned": gettext_noop("本组织待签收"),
    "overdue": gettext_noop("已超期"),
    "follow_up": gettext_noop("待回访"),
    "watch_critical": gettext_noop("正在办理的紧急诉求（只读）"),
    "watch": gettext_noop("超期未办（只读，供督办）"),
}
# What an empty section says: why it is empty and where the work is otherwise.
SECTION_EMPTY = {
    "dispatch": gettext_noop("没有等待派单的诉求。新诉求一到就出现在这里和派单台。"),
    "check": gettext_noop("没有待核查的危险信号。"),
    "take": gettext_noop("没有等待接手的受保护诉求。"),
    "critical": gettext_noop("没有需要您处理的紧急诉求。"),
    "mine": gettext_noop("暂时没有分派给您的诉求。派给您或您签收后，会出现在这里。"),
    "unsigned": gettext_noop("本组织没有待签收的诉求。"),
    "overdue": gettext_noop("没有超期的诉求。"),
    "follow_up": gettext_noop("没有等待回访的诉求。"),
    "watch_critical": gettext_noop("辖区内没有正在办理的紧急诉求。"),
    "watch": gettext_noop("辖区内没有超期未办的诉求。"),
}
SECTION_ORDER: dict[str, list[Any]] = {
    "dispatch": [
        Case(When(urgency=Urgency.CRITICAL, then=Value(0)), default=Value(1)),
        "received_at",
    ],
    "check": [F("danger_check_due").asc(nulls_last=True), "received_at"],
    "take": [F("received_at").asc()],
    "critical": [F("received_at").desc()],
    "mine": [F("next_due").asc(nulls_last=True), "received_at"],
    "unsigned": [F("sign_due").asc(nulls_last=True), "received_at"],
    "overdue": [F("next_due").asc(nulls_last=True), "received_at"],
    "follow_up": [F("replied_at").asc(nulls_last=True)],
    "watch_critical": [F("received_at").desc()],
    "watch": [F("next_due").asc(nulls_last=True), "received_at"],
}


def home_sections(
    viewer: Viewer, filters: HomeFilters, orgs: dict[int, Org], now: dt.datetime | None = None
) -> list[Section]:
    """The viewer's sections (`home_conditions`) with their counts and first rows.

    One query for all the counters and one per section with rows, whatever the number of rows.
    """
    now = now or clock.now()
    base = _filtered(concerns_visible_to(viewer.user), filters, orgs)
    conditions = home_conditions(viewer, now)
    counts = base.aggregate(**{k: Count("pk", filter=q) for k, q in conditions.items()})
    sections = []
    for key, condition in conditions.items():
        rows: list[Concern] = []
        if counts[key]:
            qs = with_full_flag(base.filter(condition), viewer).annotate(next_due=next_due())
            rows = list(qs.order_by(*SECTION_ORDER[key])[:SECTION_LIMIT])
        sections.append(Section(key, SECTION_TITLES[key], counts[key], rows, SECTION_EMPTY[key]))
    return sections


def visible_orgs(viewer: Viewer) -> dict[int, Org]:
    """The orgs at or below the viewer's own, for filter choices (one query)."""
    paths = {m.org.path for m in viewer.memberships if m.role != Role.VOLUNTEER}
    if not paths:
        return {}
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return {o.pk: o for o in Org.objects.filter(condition).order_by("path")}


def dispatch_queue(viewer: Viewer) -> QuerySet[Concern]:
    """Undispatched concerns the viewer may dispatch: critical first, then oldest first."""
    condition = Q(pk__in=[])
    for org in viewer.orgs_with(perm.SUPERVISOR_ROLES):
        condition |= Q(org__path__startswith=org.path)
    critical_first = Case(When(urgency=Urgency.CRITICAL, then=Value(0)), default=Value(1))
    return with_full_flag(
        Concern.objects.filter(condition, status=Status.RECEIVED).select_related("org"), viewer
    ).order_by(critical_first, "received_at")


def danger_queue(viewer: Viewer) -> QuerySet[Concern]:
    """Danger waiting for dispatch in the protection officer's subtree (protected, or awaiting
    a check): what she may take or check, critical first, then oldest first."""
    condition = Q(pk__in=[])
    for org in viewer.orgs_with(perm.PROTECTION_ROLES):
        condition |= Q(org__path__startswith=org.path)
    danger = Q(protected=True) | Q(danger_check=DangerCheck.PENDING)
    critical_first = Case(When(urgency=Urgency.CRITICAL, then=Value(0)), default=Value(1))
    qs = Concern.objects.filter(condition, danger, status__in=UNDISPATCHED).select_related("org")
    return with_full_flag(qs, viewer).order_by(critical_first, "received_at")


def returned_queue(viewer: Viewer) -> QuerySet[Concern]:
    """Concerns sent back to the viewer's orgs (退单), oldest first."""
    condition = Q(pk__in=[])
    for org in viewer.orgs_with(perm.SUPERVISOR_ROLES):
        condition |= Q(org__path__startswith=org.path)
    return with_full_flag(
        Concern.objects.filter(condition, status=Status.RETURNED).select_related("org"), viewer
    ).order_by("updated_at")


def last_returns(concerns: list[Concern]) -> dict[int, ConcernEvent]:
    """The latest return event (reason and returning org) of each concern, in one query."""
    events = (
        ConcernEvent.objects.filter(concern__in=concerns, kind=EventKind.RETURNED)
        .select_related("org", "actor")
        .order_by("concern_id", "at", "pk")
    )
    return {e.concern_id: e for e in events}


def active_handlers(concerns: list[Concern]) -> dict[int, list[Assignment]]:
    """Active handlers of each concern, the lead first, in one query."""
    found: dict[int, list[Assignment]] = {c.pk: [] for c in concerns}
    rows = Assignment.objects.filter(concern__in=concerns, active=True).select_related("person")
    lead_first = Case(When(role=Assignment.Role.LEAD, then=Value(0)), default=Value(1))
    for a in rows.order_by(lead_first, "assigned_at"):
        found[a.concern_id].append(a)
    return found
