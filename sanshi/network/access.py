"""Access helpers: the only way views, the API and the console load households and visits.

A household is seen by the committee member who keeps it (while she holds a role in its
org) and by the chair and vice-chairs of that org; by nobody else: not volunteers, not
leaders, not staff above. Missing and forbidden both raise NotFound. Every look at a
household (one, or a list) is written to the audit chain.
"""

from __future__ import annotations

from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from sanshi.audit.actions import record_audit
from sanshi.concerns import permissions as perm
from sanshi.core.errors import NotFound
from sanshi.core.types import User
from sanshi.network.models import Household, Visit
from sanshi.orgs.models import Role

KEEPER_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.CHAIR, Role.VICE_CHAIR})
SUPERVISOR_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR})


def households_visible_to(user: User) -> QuerySet[Household]:
    """Active households the user keeps herself, and those of the orgs she chairs."""
    if not user.is_authenticated:
        return Household.objects.none()
    grants = perm.grants(user)
    keeps_in = [g.org_path for g in grants if g.role in KEEPER_ROLES]
    chairs = [g.org_path for g in grants if g.role in SUPERVISOR_ROLES]
    condition = Q(pk__in=[])
    if keeps_in:
        condition |= Q(keeper__user_id=user.pk, org__path__in=keeps_in)
    if chairs:
        condition |= Q(org__path__in=chairs)
    return Household.objects.filter(condition, active=True).select_related("org", "keeper")


def own_households(user: User) -> QuerySet[Household]:
    """Only the households she keeps herself (her own list, not her org's)."""
    if user.pk is None:
        return Household.objects.none()
    return households_visible_to(user).filter(keeper__user_id=user.pk)


def access_household(user: User, household_id: int, *, how: str = "view") -> Household:
    """Load one household the user may see (audited); missing and forbidden: NotFound."""
    household = households_visible_to(user).filter(pk=household_id).first()
    if household is None:
        raise NotFound("no such household")
    audit_household_read(user, [household.pk], how=how)
    return household


def access_visit(user: User, visit_id: int) -> Visit:
    """Load one visit through its household's access rule (audited)."""
    visible = households_visible_to(user).values("pk")
    visit = (
        Visit.objects.filter(pk=visit_id, household_id__in=visible)
        .select_related("household", "household__org", "household__keeper", "concern")
        .first()
    )
    if visit is None:
        raise NotFound("no such visit")
    audit_household_read(user, [visit.household_id], how="visit")
    return visit


def audit_household_read(user: User, ids: list[int], *, how: str) -> None:
    """Someone looked at households' sealed details (one row per look, however many)."""
    if not ids or not isinstance(user, AuthUser):
        return
    target = str(ids[0]) if len(ids) == 1 else "list"
    record_audit(user, "network.household_read", "household", target, {"ids": ids, "how": how})
