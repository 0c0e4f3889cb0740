"""Access helpers: the only way views, the API and commands load concerns."""

from __future__ import annotations

from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from sanshi.audit.actions import audit_concern_read
from sanshi.concerns import permissions as perm
from sanshi.concerns.models import Assignment, BreakGlassGrant, Concern
from sanshi.core import clock
from sanshi.core.errors import NotFound
from sanshi.core.types import User
from sanshi.orgs.models import Role

# Volunteers see only what is assigned to them; every other role sees its org's subtree.
SUBTREE_ROLES = frozenset(set(Role.values) - {Role.VOLUNTEER})


def concerns_visible_to(user: User) -> QuerySet[Concern]:
    """Every concern the user may open: her orgs' subtrees, plus what is assigned to her."""
    if not user.is_authenticated:
        return Concern.objects.none()
    condition = Q(assignments__person__user_id=user.pk, assignments__active=True)
    for grant in perm.grants(user):
        if grant.role in SUBTREE_ROLES:
            condition |= Q(org__path__startswith=grant.org_path)
    return Concern.objects.filter(
        pk__in=Concern.objects.filter(condition).values("pk")
    ).select_related("org")


def access_concern(user: User, concern_id: int) -> Concern:
    """Load one concern the user may see; missing and forbidden both raise NotFound.

    Every load of a protected concern that shows it in full is written to the audit chain.
    """
    concern = concerns_visible_to(user).filter(pk=concern_id).first()
    if concern is None:
        raise NotFound("no such concern")
    if concern.protected and visibility(user, concern) == FULL and isinstance(user, AuthUser):
        audit_concern_read(user, concern.pk, protected=True)
    return concern


FULL = "full"
STUB = "stub"
DEIDENTIFIED = "deidentified"


def has_break_glass(user: User, concern: Concern) -> bool:
    """An unexpired break-glass grant for this user and concern."""
    if user.pk is None:
        return False
    return BreakGlassGrant.objects.filter(
        user_id=user.pk, concern=concern, expires_at__gt=clock.now()
    ).exists()


def sees_in_full(user: User, concern: Concern) -> bool:
    """A protected concern is shown in full only to its handlers, the org's chair and
    protection officers of the org or above (and, for a while, to a break-glass grant);
    others get a redacted stub."""
    if not concern.protected:
        return True
    grants = perm.grants(user)
    return (
        perm.is_assigned(user, concern)
        or perm.holds_at(grants, concern.org, frozenset({Role.CHAIR}))
        or perm.holds_at_or_above(grants, concern.org, perm.PROTECTION_ROLES)
        or has_break_glass(user, concern)
    )


def only_as_leader(user: User, concern: Concern) -> bool:
    """The user sees this concern only through a read-only leader role."""
    covering = [g for g in perm.grants(user) if concern.org.path.startswith(g.org_path)]
    if not covering or any(g.role != Role.LEADER for g in covering):
        return False
    # Only a leader here: an assignment would still show it to her as a handler.
    return not perm.is_assigned(user, concern)


def visibility(user: User, concern: Concern) -> str:
    """How much of a visible concern to show: full, a redacted stub, or de-identified
    (leaders: category, status, dates and org, never text or people)."""
    if only_as_leader(user, concern):
        return DEIDENTIFIED
    return FULL if sees_in_full(user, concern) else STUB


def in_full_q(user: User, grants: list[perm.Grant] | None = None) -> Q:
    """The rule of `visibility(...) == FULL` as one SQL condition, for lists.

    A leader-only view is never full; a protected concern is full for its handlers, the org's
    chair, protection officers at or above, and a live break-glass grant.
    """
    if not user.is_authenticated or user.pk is None:
        return Q(pk__in=[])
    grants = perm.grants(user) if grants is None else grants
    assigned = Q(
        pk__in=Assignment.objects.filter(person__user_id=user.pk, active=True).values("concern_id")
    )
    as_staff = assigned
    for g in grants:
        if g.role != Role.LEADER:
            as_staff |= Q(org__path__startswith=g.org_path)
    protected_ok = assigned | Q(
        pk__in=BreakGlassGrant.objects.filter(user_id=user.pk, expires_at__gt=clock.now()).values(
            "concern_id"
        )
    )
    for g in grants:
        if g.role == Role.CHAIR:
            protected_ok |= Q(org__path=g.org_path)
        if g.role in perm.PROTECTION_ROLES:
            protected_ok |= Q(org__path__startswith=g.org_path)
    return (Q(protected=False) & as_staff) | (Q(protected=True) & protected_ok)
