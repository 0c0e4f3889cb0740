"""Reads with rules: what the public may see of concerns, cards and their timelines."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import Concern, ConcernEvent, EventKind, Urgency
from sanshi.concerns.tracking import normalise_tracking_code
from sanshi.core import clock
from sanshi.core.refcache import ReferenceCache
from sanshi.intake.models import MemberCard, Open311Key
from sanshi.intake.open311.catalogue import PRIVATE_CATEGORIES
from sanshi.orgs.models import Division, Membership, Org, Role
from sanshi.orgs.selectors import lowest_org_for_division

PUBLIC_FIELDS = (
    "id",
    "status",
    "subcategory",
    "text",
    "publish_consent",
    "protected",
    "minor_under_14",
    "urgency",
    "category",
    "received_at",
    "updated_at",
    "closed_at",
    "resolve_due",
    "org__name",
    "division__name",
    "division__parent__name",
    "division__parent__parent__name",
    "division__parent__parent__parent__name",
    "division__parent__parent__parent__parent",
)


def hash_key(raw: str) -> str:
    """Keys are 256 random bits, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(raw.encode()).hexdigest()


# Open311 keys as checked: forgotten when a key is saved here or revoked here
# (actions.revoke_open311_key), kept CREDENTIALS_SECONDS otherwise.
open311_keys = ReferenceCache(
    "open311-keys", Open311Key, seconds_setting="CREDENTIALS_SECONDS", keep_none=False
)


def active_open311_key(raw: str) -> Open311Key | None:
    """The active key with this value, checked in the database at most every
    CREDENTIALS_SECONDS per process (the object is shared by the process: read it only)."""
    key_hash = hash_key(raw)
    return open311_keys.get(
        key_hash, lambda: Open311Key.objects.filter(key_hash=key_hash, active=True).first()
    )


def public_concerns() -> QuerySet[Concern]:
    """Concerns Open311 may list: never protected, critical, about a child, or about safety."""
    return (
        Concern.objects.filter(protected=False, minor_under_14=False)
        .exclude(urgency=Urgency.CRITICAL)
        .exclude(category__in=PRIVATE_CATEGORIES)
        .select_related("org", "division__parent__parent__parent")
        # Only what Open311 shows: the sealed personal fields are never loaded or decrypted.
        .only(*PUBLIC_FIELDS)
    )


def concern_by_tracking_code(text: str) -> Concern | None:
    """The concern a resident's code names; None for malformed, wrong-check and unknown codes."""
    code = normalise_tracking_code(text or "")
    # Query even for a malformed code so that the three cases take about the same time.
    return (
        Concern.objects.select_related("org", "community", "division")
        .filter(tracking_code=code or "-")
        .first()
    )


# What a resident sees on the timeline; notes, assignments and SLA bookkeeping stay inside.
PUBLIC_KINDS: dict[str, Any] = {
    EventKind.RECEIVED: _("已受理"),
    EventKind.DISPATCHED: _("已派单"),
    EventKind.SIGNED: _("已签收"),
    EventKind.RETURNED: _("退回重新派单"),
    EventKind.CONTACT: _("已联系您"),
    EventKind.VISIT: _("入户走访"),
    EventKind.REFERRAL: _("已转介有关部门"),
    EventKind.EXTENSION_APPROVED: _("延长办理期限"),
    EventKind.ESCALATED: _("已提请上级协调"),
    EventKind.REPLIED: _("已答复"),
    EventKind.FOLLOWED_UP: _("已回访评价"),
    EventKind.REOPENED: _("重办"),
    EventKind.CLOSED: _("已办结"),
    EventKind.MERGED: _("与同一事项合并办理"),
}
ROLE_LABELS: dict[str, Any] = {
    Role.CHAIR: _("主席"),
    Role.VICE_CHAIR: _("副主席"),
    Role.COMMITTEE_MEMBER: _("执委"),
    Role.STAFF: _("工作人员"),
    Role.DISPATCHER: _("派单员"),
    Role.SOCIAL_WORKER: _("社工"),
    Role.VOLUNTEER: _("巾帼志愿者"),
    Role.PROTECTION_OFFICER: _("权益保护专员"),
    Role.LEADER: _("领导"),
}
RESIDENT_KINDS = frozenset({EventKind.FOLLOWED_UP, EventKind.REOPENED})


@dataclass(frozen=True)
class PublicEvent:
    at: object
    kind: str
    label: str
    org: str  # the org acting, or receiving a dispatch or escalation
    by: str  # who acted: "<their org> · <role>", "您" or "系统"; never a name


def public_timeline(concern: Concern) -> list[PublicEvent]:
    """The concern's timeline as the resident sees it: what, when, which org and which role."""
    events = list(
        ConcernEvent.objects.filter(concern=concern, kind__in=list(PUBLIC_KINDS))
        .select_related("org")
        .order_by("at", "pk")
    )
    roles = _roles_of_actors(events)
    return [
        PublicEvent(
            at=e.at,
            kind=e.kind,
            label=str(PUBLIC_KINDS[e.kind]),
            org=e.org.name if e.org is not None else "",
            by=_acted_by(e, roles),
        )
        for e in events
    ]


def _roles_of_actors(events: list[ConcernEvent]) -> dict[tuple[int, int], str]:
    """(user id, org id) → "<org> · <role>"; (user id, 0) → any of the user's roles. One query."""
    users = {e.actor_id for e in events if e.actor_id is not None}
    if not users:
        return {}
    found: dict[tuple[int, int], str] = {}
    rows = Membership.objects.filter(person__user_id__in=users).order_by("pk")
    for user_id, org_id, org_name, role in rows.values_list(
        "person__user_id", "org_id", "org__name", "role"
    ):
        label = f"{org_name} · {ROLE_LABELS.get(role, _('工作人员'))}"
        found.setdefault((user_id, org_id), label)
        found.setdefault((user_id, 0), label)
    return found


def _acted_by(event: ConcernEvent, roles: dict[tuple[int, int], str]) -> str:
    if event.actor_id is None:
        resident = event.kind in RESIDENT_KINDS and event.data.get("method") == "resident"
        return str(_("您") if resident else _("系统"))
    found = roles.get((event.actor_id, event.org_id or 0)) or roles.get((event.actor_id, 0))
    return found or str(_("工作人员"))


def active_card(code: str) -> MemberCard | None:
    """A card that still works: active, and its member's term has not ended."""
    today = clock.now().date()
    return (
        MemberCard.objects.filter(code=(code or "").strip().lower(), active=True)
        .filter(membership__term_start__lte=today)
        .filter(Q(membership__term_end__isnull=True) | Q(membership__term_end__gte=today))
        .select_related("membership__person", "membership__org__parent")
        .first()
    )


def communities_under(org: Org | None) -> QuerySet[Org]:
    """Community and village federations in an org's subtree (all of them without an org)."""
    qs = Org.objects.filter(level=Org.Level.COMMUNITY).select_related("parent")
    if org is not None:
        qs = qs.filter(path__startswith=org.path)
    return qs.order_by("parent__name", "name")


# ---------------------------------------------------------------- the place picker


@dataclass(frozen=True)
class Area:
    """Where the picker stands: a province, city or county, with its chain from the top."""

    division: Division
    chain: tuple[Division, ...]  # province first, this division last

    @property
    def province(self) -> Division:
        return self.chain[0]


def area_for(code: str, default: str) -> Area | None:
    """The area a code names (levels 1-3), else the default, else None (no divisions loaded)."""
    for candidate in (code, default):
        division = (
            Division.objects.filter(code=candidate, level__lte=Division.Level.COUNTY)
            .select_related("parent__parent")
            .first()
            if candidate and candidate.isdigit()
            else None
        )
        if division is not None:
            chain: list[Division] = []
            node: Division | None = division
            while node is not None:
                chain.insert(0, node)
                node = node.parent
            return Area(division, tuple(chain))
    return None


def provinces() -> QuerySet[Division]:
    return Division.objects.filter(level=Division.Level.PROVINCE).order_by("code")


def cities_of(province: Division) -> QuerySet[Division]:
    return Division.objects.filter(parent=province).order_by("code")


Choices = list[tuple[str, Any]]


def township_choices(area: Area | None) -> Choices:
    """Townships under a city or county, grouped by county; nothing for a whole province."""
    if area is None or area.division.level == Division.Level.PROVINCE:
        return []
    if area.division.level == Division.Level.COUNTY:
        counties = [area.division]
    else:
        counties = list(Division.objects.filter(parent=area.division).order_by("code"))
    townships = Division.objects.filter(parent__in=counties).order_by("code")
    by_county: dict[str, list[tuple[str, str]]] = {c.code: [] for c in counties}
    for t in townships:
        by_county[str(t.parent_id)].append((t.code, t.name))
    return [(c.name, by_county[c.code]) for c in counties if by_county[c.code]]


def community_choices(area: Area | None) -> Choices:
    """Community and village federations in the area, grouped by their township federation."""
    return community_picker(area)[0]


def community_picker(area: Area | None) -> tuple[Choices, dict[str, list[str]]]:
    """The community choices, and the communities of each township division (by code), for
    the page to offer only the chosen township's (static/intake/picker.js)."""
    root = lowest_org_for_division(area.division.code) if area is not None else None
    grouped: dict[str, list[tuple[str, str]]] = {}
    by_township: dict[str, list[str]] = {}
    for org in communities_under(root)[:2000]:
        group = org.parent.name if org.parent is not None else ""
        grouped.setdefault(group, []).append((str(org.pk), org.name))
        township = _township_code(org)
        if township:
            by_township.setdefault(township, []).append(str(org.pk))
    return list(grouped.items()), by_township


def _township_code(community: Org) -> str:
    """The township division a community lies in: its own code's, else its parent org's."""
    if len(community.division_code) == 12:
        return community.division_code[:9]
    parent = community.parent
    return parent.division_code if parent is not None and len(parent.division_code) == 9 else ""
