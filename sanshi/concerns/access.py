"""Access helpers: the only way views, the API and commands load concerns."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from sanshi.concerns import permissions as perm
from sanshi.concerns.models import Concern
from sanshi.core.errors import NotFound
from sanshi.orgs.models import Role

User = AuthUser | AnonymousUser

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
    """Load one concern the user may see; missing and forbidden both raise NotFound."""
    concern = concerns_visible_to(user).filter(pk=concern_id).first()
    if concern is None:
        raise NotFound("no such concern")
    return concern


def sees_in_full(user: User, concern: Concern) -> bool:
    """A protected concern is shown in full only to its handlers, the org's chair and
    protection officers of the org or above; others get a redacted stub."""
    if not concern.protected:
        return True
    grants = perm.grants(user)
    return (
        perm.is_assigned(user, concern)
        or perm.holds_at(grants, concern.org, frozenset({Role.CHAIR}))
        or perm.holds_at_or_above(grants, concern.org, perm.PROTECTION_ROLES)
    )
