"""Access helpers: the only way pages load 儿童之家 places and children.

Three ways in, one condition each:
- care (sign in, sign out, enrol, see guardians and collectors): the place's managers, and
  the social workers, staff, chair and vice-chairs of the place's own org;
- watch (read the place's page, to act on a child not collected): the protection officers
  of the place's org and of every org above it;
- the day's list (first names only, nothing else): the volunteers of the place's org.
Nobody else sees anything; missing and forbidden both raise NotFound. Every look at a
child's sealed details is written to the audit chain.
"""

from __future__ import annotations

from enum import Enum

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from sanshi.audit.actions import record_audit
from sanshi.childcare.models import Child
from sanshi.concerns import permissions as perm
from sanshi.core.errors import NotFound
from sanshi.orgs.models import Role
from sanshi.places.models import Place, PlaceKind

User = AuthUser | AnonymousUser

CARE_ROLES = frozenset({Role.SOCIAL_WORKER, Role.STAFF, Role.CHAIR, Role.VICE_CHAIR})
WATCH_ROLES = frozenset({Role.PROTECTION_OFFICER})
DAY_LIST_ROLES = frozenset({Role.VOLUNTEER})


class Reach(Enum):
    CARE = "care"
    WATCH = "watch"
    DAY_LIST = "day_list"


def _homes() -> QuerySet[Place]:
    return Place.objects.filter(kind=PlaceKind.CHILDRENS_HOME, closed_at__isnull=True)


def _paths(user: User, roles: frozenset[str]) -> list[str]:
    return [g.org_path for g in perm.grants(user) if g.role in roles]


def homes_cared_for(user: User) -> QuerySet[Place]:
    """The 儿童之家 where the user signs children in and out."""
    if not user.is_authenticated:
        return Place.objects.none()
    condition = Q(managers=user.pk)
    paths = _paths(user, CARE_ROLES)
    if paths:
        condition |= Q(org__path__in=paths)
    return _homes().filter(condition).distinct()


def _watched_condition(user: User) -> Q | None:
    paths = _paths(user, WATCH_ROLES)
    if not paths:
        return None
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(org__path__startswith=path)
    return condition


def reach_of(user: User, place_id: int) -> tuple[Place, Reach]:
    """The place and how far the user reaches into it; NotFound when not at all."""
    if not user.is_authenticated:
        raise NotFound("no such place")
    place = homes_cared_for(user).filter(pk=place_id).select_related("org").first()
    if place is not None:
        return place, Reach.CARE
    watched = _watched_condition(user)
    if watched is not None:
        place = _homes().filter(watched, pk=place_id).select_related("org").first()
        if place is not None:
            return place, Reach.WATCH
    volunteer_paths = _paths(user, DAY_LIST_ROLES)
    if volunteer_paths:
        place = (
            _homes()
            .filter(pk=place_id, org__path__in=volunteer_paths)
            .select_related("org")
            .first()
        )
        if place is not None:
            return place, Reach.DAY_LIST
    raise NotFound("no such place")


def homes_for(user: User) -> list[tuple[Place, Reach]]:
    """Every 儿童之家 the user reaches, with how far (for her list of places)."""
    if not user.is_authenticated:
        return []
    found: dict[int, tuple[Place, Reach]] = {}
    for place in homes_cared_for(user).select_related("org").order_by("name"):
        found[place.pk] = (place, Reach.CARE)
    watched = _watched_condition(user)
    if watched is not None:
        for place in _homes().filter(watched).select_related("org").order_by("name"):
            found.setdefault(place.pk, (place, Reach.WATCH))
    volunteer_paths = _paths(user, DAY_LIST_ROLES)
    if volunteer_paths:
        for place in _homes().filter(org__path__in=volunteer_paths).order_by("name"):
            found.setdefault(place.pk, (place, Reach.DAY_LIST))
    return sorted(found.values(), key=lambda pair: pair[0].name)


def access_home_for_care(user: User, place_id: int) -> Place:
    """A place where the user may sign children in and out; NotFound otherwise."""
    place = homes_cared_for(user).filter(pk=place_id).select_related("org").first()
    if place is None:
        raise NotFound("no such place")
    return place


def children_in_care_of(user: User) -> QuerySet[Child]:
    return Child.objects.filter(place__in=homes_cared_for(user).values("pk"))


def access_child(user: User, child_id: int, *, how: str = "view") -> Child:
    """A child the user cares for (audited); missing and forbidden: NotFound."""
    child = children_in_care_of(user).filter(pk=child_id).select_related("place").first()
    if child is None:
        raise NotFound("no such child")
    audit_child_read(user, [child.pk], how=how)
    return child


def audit_child_read(user: User, ids: list[int], *, how: str) -> None:
    """Someone looked at children's sealed details (one row per look, however many)."""
    if not ids or not isinstance(user, AuthUser):
        return
    target = str(ids[0]) if len(ids) == 1 else "list"
    record_audit(user, "childcare.child_read", "child", target, {"ids": ids, "how": how})
