"""Handler suggestions for the dispatch board: role, skills, current load and deadlines."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from sanshi.concerns.models import Assignment, Concern, Status, Urgency
from sanshi.concerns.taxonomy import taxonomy
from sanshi.core import clock
from sanshi.orgs.models import Membership, Org, Person, Role
from sanshi.triage.classifier import keywords_of

# How well a role fits an ordinary concern and a protected or critical one (0: never).
ROLE_FIT: dict[str, tuple[float, float]] = {
    Role.SOCIAL_WORKER: (1.5, 3.0),
    Role.PROTECTION_OFFICER: (1.0, 3.0),
    Role.CHAIR: (1.5, 2.0),
    Role.VICE_CHAIR: (1.5, 1.5),
    Role.STAFF: (2.0, 1.0),
    Role.COMMITTEE_MEMBER: (2.0, 0.5),
    Role.VOLUNTEER: (0.5, 0.0),
}
SKILL_BONUS = 1.0
LOAD_PENALTY = 0.3  # per open concern the person already handles
OVERDUE_PENALTY = 0.5  # more per one of them past its deadline
OPEN = (Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.REOPENED)


@dataclass
class Suggestion:
    person: Person
    org: Org
    role: str
    score: float
    open_load: int = 0
    overdue: int = 0
    reasons: list[str] = field(default_factory=list)


def _orgs(concern: Concern) -> list[Org]:
    orgs = [concern.org]
    if concern.community_id and concern.community_id != concern.org_id:
        community = Org.objects.filter(
            pk=concern.community_id, path__startswith=concern.org.path
        ).first()
        orgs += [community] if community else []
    return orgs


def _skill_words(concern: Concern) -> set[str]:
    tax = taxonomy()
    words: set[str] = set()
    sub = tax.subcategories.get(concern.subcategory)
    if sub is not None:
        words |= keywords_of(sub.code)
    category = tax.by_code.get(concern.category)
    if category is not None:
        words |= set(category.name.replace("与", "、").split("、"))
    return {w for w in words if len(w) >= 2}


def suggest_handlers(concern: Concern, limit: int = 5) -> list[Suggestion]:
    """People of the concern's org (and its community) who could handle it, best first."""
    protected = concern.protected or concern.urgency == Urgency.CRITICAL
    day = clock.now().date()
    memberships = (
        Membership.objects.filter(org__in=_orgs(concern), term_start__lte=day)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=day))
        .select_related("person", "org")
    )
    assignments = Assignment.objects.filter(active=True, concern__status__in=OPEN)
    people = {m.person_id for m in memberships}
    load = Counter(assignments.filter(person_id__in=people).values_list("person_id", flat=True))
    late = Counter(
        assignments.filter(person_id__in=people, concern__resolve_due__lt=clock.now()).values_list(
            "person_id", flat=True
        )
    )
    skills = _skill_words(concern)
    best: dict[int, Suggestion] = {}
    for m in memberships:
        fit = ROLE_FIT.get(m.role, (0.0, 0.0))[1 if protected else 0]
        if fit <= 0:
            continue
        s = Suggestion(
            m.person,
            m.org,
            m.role,
            fit,
            load[m.person_id],
            late[m.person_id],
            [f"角色：{Role(m.role).label}"],
        )
        matched = sorted(w for w in skills if w in m.helps_with)
        if matched:
            s.score += SKILL_BONUS
            s.reasons.append("擅长：" + "、".join(matched))
        s.score -= LOAD_PENALTY * s.open_load + OVERDUE_PENALTY * s.overdue
        if s.open_load:
            s.reasons.append(f"在办 {s.open_load} 件，超期 {s.overdue} 件")
        if m.person_id not in best or best[m.person_id].score < s.score:
            best[m.person_id] = s
    ranked = sorted(best.values(), key=lambda s: (-s.score, s.open_load, s.person.pk))
    return ranked[:limit]
