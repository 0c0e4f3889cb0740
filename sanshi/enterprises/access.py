"""Who keeps the enterprise lists and the entrepreneurs' directory: a district's (or a
federation above it) chairs, staff and dispatchers; leaders read the coverage figures.
Missing and forbidden both raise NotFound."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from sanshi.concerns import permissions as perm
from sanshi.core.errors import NotFound
from sanshi.enterprises.models import Entrepreneur, ListedEnterprise
from sanshi.orgs.models import Org, Role

User = AuthUser | AnonymousUser

KEEPER_ROLES = perm.SUPERVISOR_ROLES
READER_ROLES = frozenset({*perm.SUPERVISOR_ROLES, Role.LEADER})


def may_keep(user: User, district: Org) -> bool:
    return perm.holds_at_or_above(perm.grants(user), district, KEEPER_ROLES)


def districts_visible_to(user: User, roles: frozenset[str] = READER_ROLES) -> QuerySet[Org]:
    """County-level federations at or under the user's roles (or the one above hers)."""
    condition = Q(pk__in=[])
    for g in perm.grants(user):
        if g.role in roles:
            condition |= Q(path__startswith=g.org_path)
    return Org.objects.filter(condition, level=Org.Level.COUNTY)


def access_district(user: User, district_id: int) -> Org:
    district = districts_visible_to(user, KEEPER_ROLES).filter(pk=district_id).first()
    if district is None:
        raise NotFound("no such district")
    return district


def access_listed(user: User, listed_id: int) -> ListedEnterprise:
    districts = districts_visible_to(user, KEEPER_ROLES).values("pk")
    found = ListedEnterprise.objects.filter(pk=listed_id, district__in=districts).first()
    if found is None:
        raise NotFound("no such enterprise")
    return found


def access_entrepreneur(user: User, entrepreneur_id: int) -> Entrepreneur:
    districts = districts_visible_to(user, KEEPER_ROLES).values("pk")
    found = Entrepreneur.objects.filter(pk=entrepreneur_id, district__in=districts).first()
    if found is None:
        raise NotFound("no such entrepreneur")
    return found
